package io.flowlane.dataplane;

import io.flowlane.dataplane.capture.CaptureControl;
import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.extension.ExtensionConfig;
import io.flowlane.dataplane.extension.ExtensionContext;
import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.CurrentTables;
import io.flowlane.dataplane.fib.EcmpGroupTable;
import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.ForwardingTables;
import io.flowlane.dataplane.fib.Ipv4Lpm;
import io.flowlane.dataplane.fib.Ipv6Lpm;
import io.flowlane.dataplane.fib.NeighborTable;
import io.flowlane.dataplane.fib.TunnelDirectory;
import io.flowlane.dataplane.pipeline.IcmpRateLimiter;
import io.flowlane.dataplane.pipeline.NeighborEvents;
import io.flowlane.dataplane.pipeline.PacketGraph;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.policy.CircuitBreakers;
import io.flowlane.dataplane.policy.ClassPolicer;
import io.flowlane.dataplane.policy.TrafficClasses;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.port.Interface;
import io.flowlane.dataplane.port.InterfaceTable;
import io.flowlane.dataplane.port.MbufPool;
import io.flowlane.dataplane.port.PortWatch;
import io.flowlane.dataplane.stats.CounterFile;
import io.flowlane.dataplane.worker.NodeFault;
import io.flowlane.dataplane.worker.QuiescentState;
import io.flowlane.dataplane.worker.RxQueue;
import io.flowlane.dataplane.worker.Worker;
import io.flowlane.dataplane.worker.WorkerCounters;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.DynamicCompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.CountersManager;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A running data plane: EAL, mbuf pool, ports, forwarding tables, poll-mode workers and the
 * control thread, brought up from an {@link ApplianceConfig} and torn down by {@link #close()}.
 */
public final class Appliance implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(Appliance.class.getName());
    /**
     * Counters the shared file has room for: about 80 per worker, plus the extensions' (4 per
     * tunnel and worker). 640 bytes each (metadata and a padded value): 10 MiB.
     */
    private static final int COUNTERS = 16384;

    private final ApplianceConfig config;
    private final Arena arena = Arena.ofShared();
    private final MbufPool pool;
    private final List<EthPort> ports = new ArrayList<>();
    private final ForwardingTables tables;
    private final ForwardingControl control;
    private final QuiescentState quiescentState;
    private final CaptureControl capture;
    private final TrafficClasses trafficClasses;
    private final CircuitBreakers circuitBreakers;
    private final NodeFault nodeFault = new NodeFault();
    private final CounterFile counterFile;
    private final List<Worker> workers = new ArrayList<>();
    private final List<AgentRunner> workerRunners = new ArrayList<>();
    private final List<ExtensionRuntime> extensions = new ArrayList<>();
    private final ControlAgent controlAgent;
    private final PortWatch portWatch;
    private final DynamicCompositeAgent controlDuties;
    private final AgentRunner controlRunner;
    private boolean closed;

    private Appliance(final ApplianceConfig config, final String poolName)
    {
        this.config = config;
        Eal.init(config.eal());
        final int workerCount = config.workers().count();
        pool = MbufPool.create(poolName, config.mempool().mbufs(), config.mempool().cache(), config.mempool().dataRoom(), -1);
        warnIfPoolSmall(config);

        final List<Interface> interfaces = new ArrayList<>();
        for (final ApplianceConfig.Port portConfig : config.ports())
        {
            final EthPort port = EthPort.byName(portConfig.device());
            port.configure(workerCount, workerCount, portConfig.rxDescriptors(), portConfig.txDescriptors(), pool,
                portConfig.rss(), portConfig.mtu());
            ports.add(port);
        }
        for (final ApplianceConfig.InterfaceSpec spec : config.interfaces())
        {
            final EthPort port = portNamed(spec.port());
            interfaces.add(new Interface(interfaces.size(), spec.name(), port.id(), spec.vlan(),
                spec.mac() >= 0 ? spec.mac() : port.mac(), spec.mtu(), spec.ipv4(), spec.ipv4Prefix(), spec.ipv6(), spec.ipv6Prefix()));
        }

        quiescentState = new QuiescentState(workerCount);
        capture = new CaptureControl(workerCount);
        trafficClasses = new TrafficClasses(config.classes(), workerCount);
        final List<ClassPolicer> policers = new ArrayList<>();
        final ApplianceConfig.Tables sizes = config.tables();
        tables = new ForwardingTables(new InterfaceTable(interfaces),
            new Ipv4Lpm(sizes.ipv4Tbl8Groups(), quiescentState), new Ipv6Lpm(sizes.ipv6Nodes(), quiescentState),
            new AdjacencyTable(sizes.adjacencies(), quiescentState), new EcmpGroupTable(sizes.ecmpGroups()),
            new NeighborTable(sizes.neighbors()));
        control = new ForwardingControl(tables, quiescentState, sizes.ecmpBuckets());
        interfaces.forEach(control::addInterfaceRoutes);
        counterFile = config.countersFile() == null ? CounterFile.inMemory(COUNTERS) : CounterFile.create(config.countersFile(), COUNTERS);
        final ExtensionContext extensionContext = new ExtensionContext(control, quiescentState, workerCount, pool, arena,
            counterFile.manager());
        for (final ExtensionConfig extension : config.extensions())
        {
            final ExtensionRuntime runtime = extension.start(extensionContext);
            extensions.add(runtime);
            if (runtime.tunnels() != TunnelDirectory.NONE)
            {
                control.tunnels(runtime.tunnels());
            }
        }
        for (final ApplianceConfig.Neighbor neighbor : config.neighbors())
        {
            final Interface itf = tables.interfaces().byName(neighbor.interfaceName());
            if (neighbor.family() == 4)
            {
                control.addIpv4Neighbor(itf, (int)neighbor.addressHi(), neighbor.mac());
            }
            else
            {
                control.addIpv6Neighbor(itf, neighbor.addressHi(), neighbor.addressLo(), neighbor.mac());
            }
        }
        for (final ApplianceConfig.Route route : config.routes())
        {
            if (route.family() == 4)
            {
                control.addIpv4Route((int)route.prefixHi(), route.length(), route.nextHops());
            }
            else
            {
                control.addIpv6Route(route.prefixHi(), route.prefixLo(), route.length(), route.nextHops());
            }
        }

        final CountersManager counters = counterFile.manager();
        final CurrentTables current = new CurrentTables(tables);
        final NeighborEvents[] neighborEvents = new NeighborEvents[workerCount];
        final int[] portIds = ports.stream().mapToInt(EthPort::id).toArray();
        final String[] portNames = config.ports().stream().map(ApplianceConfig.Port::name).toArray(String[]::new);
        for (int w = 0; w < workerCount; w++)
        {
            neighborEvents[w] = new NeighborEvents(64 * 1024);
            final WorkerStats stats = new WorkerStats();
            final PacketVector vector = new PacketVector(arena, stats);
            final IcmpRateLimiter icmpLimit = new IcmpRateLimiter(config.icmp().errorsPerSecond(), config.icmp().burst());
            final PacketGraph graph = new PacketGraph(arena, w, config.workers().txRetries(), neighborEvents[w], icmpLimit, pool.address());
            for (final ExtensionRuntime extension : extensions)
            {
                extension.plug(graph, w);
            }
            if (trafficClasses.count() > 0)
            {
                final ClassPolicer policer = new ClassPolicer(trafficClasses);
                policers.add(policer);
                graph.policer(policer);
            }
            final RxQueue[] queues = new RxQueue[ports.size()];
            for (int p = 0; p < ports.size(); p++)
            {
                queues[p] = new RxQueue(ports.get(p).id(), w);
            }
            workers.add(new Worker(w, config.workers().cores().get(w), queues, config.workers().burst(), current, graph,
                vector, quiescentState, new WorkerCounters(stats, counters, w, portIds, portNames, extensions), capture.tap(w),
                nodeFault));
        }
        controlAgent = new ControlAgent(control, neighborEvents);
        circuitBreakers = new CircuitBreakers(trafficClasses, policers);
        // Adjacencies are one table for the appliance's life (interface changes swap the interface table only).
        portWatch = new PortWatch(ports, tables.adjacencies());
        controlDuties = new DynamicCompositeAgent("control", controlAgent, circuitBreakers, portWatch);
        // The control thread backs off to shorter parks than a worker: it answers the control channel.
        controlRunner = new AgentRunner(idleStrategy(config.workers().controlIdle(), TimeUnit.MICROSECONDS.toNanos(100)),
            this::onAgentError, null, controlDuties);

        for (final EthPort port : ports)
        {
            final ApplianceConfig.Port portConfig = config.ports().get(ports.indexOf(port));
            port.start();
            if (portConfig.promiscuous())
            {
                port.promiscuous(true);
            }
        }
        AgentRunner.startOnThread(controlRunner);
        for (final Worker worker : workers)
        {
            final AgentRunner runner = new AgentRunner(idleStrategy(config.workers().idle(), TimeUnit.MILLISECONDS.toNanos(1)),
                this::onAgentError, null, worker);
            workerRunners.add(runner);
            AgentRunner.startOnThread(runner);
        }
        for (final ExtensionRuntime extension : extensions)
        {
            extension.started(this);
        }
    }

    public static Appliance start(final ApplianceConfig config)
    {
        return new Appliance(config, "flowlane_" + Long.toHexString(System.nanoTime()));
    }

    /** Runs a change to the forwarding state on the control thread (the tables' single writer). */
    public <T> CompletableFuture<T> submit(final Function<ForwardingControl, T> change)
    {
        return controlAgent.submit(change);
    }

    /** Like {@link #submit} but waits, rethrowing the change's own exception. */
    public <T> T apply(final Function<ForwardingControl, T> change)
    {
        try
        {
            return submit(change).get(10, TimeUnit.SECONDS);
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException runtime)
            {
                throw runtime;
            }
            throw new IllegalStateException(ex.getCause());
        }
        catch (final InterruptedException | java.util.concurrent.TimeoutException ex)
        {
            throw new IllegalStateException("control thread did not apply the change in 10 s", ex);
        }
    }

    /**
     * Adds a duty to the control thread (the tables' single writer), e.g. the control channel's
     * endpoint, which then reads and writes the tables directly instead of handing each change
     * over with {@link #submit}. Returns once the control thread has taken the duty (its
     * {@code onStart} may still be running there); it is closed with the appliance.
     */
    public void addControlDuty(final Agent duty)
    {
        while (!controlDuties.tryAdd(duty))
        {
            Thread.onSpinWait();
        }
        while (!controlDuties.hasAddAgentCompleted())
        {
            Thread.onSpinWait();
        }
    }

    /** The forwarding tables' writer: use it only from the control thread (a control duty or {@link #submit}). */
    public ForwardingControl control()
    {
        return control;
    }

    public ApplianceConfig config()
    {
        return config;
    }

    public MbufPool pool()
    {
        return pool;
    }

    public List<EthPort> ports()
    {
        return List.copyOf(ports);
    }

    public EthPort port(final String name)
    {
        return portNamed(name);
    }

    public List<Worker> workers()
    {
        return List.copyOf(workers);
    }

    public ForwardingTables tables()
    {
        return tables;
    }

    /** The started extensions (the tunnels module's runtime, when it is on the class path and configured). */
    public List<ExtensionRuntime> extensions()
    {
        return List.copyOf(extensions);
    }

    /** The traffic classes (none if the config has no {@code classes:}); rates change on the control thread only. */
    public TrafficClasses trafficClasses()
    {
        return trafficClasses;
    }

    /** The classes' breakers and, through them, every worker's class counters. */
    public CircuitBreakers circuitBreakers()
    {
        return circuitBreakers;
    }

    /** Packet capture on one port at a time; drive it from the control thread only. */
    public CaptureControl capture()
    {
        return capture;
    }

    /** The fault injected into every worker (drills only; the control channel sets it on the control thread). */
    public NodeFault nodeFault()
    {
        return nodeFault;
    }

    public QuiescentState quiescentState()
    {
        return quiescentState;
    }

    public CounterFile counterFile()
    {
        return counterFile;
    }

    /** Stops workers first (so nothing polls a stopped port), then the control thread, then ports. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        workerRunners.forEach(AgentRunner::close);
        controlRunner.close();
        extensions.forEach(ExtensionRuntime::close);
        for (final EthPort port : ports)
        {
            try
            {
                port.stop();
            }
            catch (final RuntimeException ex)
            {
                LOG.log(System.Logger.Level.WARNING, "stopping " + port + ": " + ex.getMessage());
            }
        }
        counterFile.close();
    }

    private EthPort portNamed(final String name)
    {
        for (int p = 0; p < ports.size(); p++)
        {
            if (config.ports().get(p).name().equals(name))
            {
                return ports.get(p);
            }
        }
        throw new IllegalArgumentException("no port named '" + name + "'");
    }

    private void onAgentError(final Throwable error)
    {
        LOG.log(System.Logger.Level.ERROR, "agent failed", error);
    }

    /** @param maxParkNanos BACKOFF's longest park */
    private static IdleStrategy idleStrategy(final ApplianceConfig.IdleStrategy idle, final long maxParkNanos)
    {
        return switch (idle)
        {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), maxParkNanos);
            case YIELD -> new YieldingIdleStrategy();
        };
    }

    private static void warnIfPoolSmall(final ApplianceConfig config)
    {
        final int workers = config.workers().count();
        long needed = (long)workers * (PacketVector.CAPACITY + config.mempool().cache());
        for (final ApplianceConfig.Port port : config.ports())
        {
            needed += (long)workers * (port.rxDescriptors() + port.txDescriptors());
        }
        if (needed > config.mempool().mbufs())
        {
            LOG.log(System.Logger.Level.WARNING, "mempool.mbufs " + config.mempool().mbufs() + " may be too small: " +
                "descriptor rings and caches can hold " + needed + " mbufs (NIC drivers fill rx rings at start)");
        }
    }
}
