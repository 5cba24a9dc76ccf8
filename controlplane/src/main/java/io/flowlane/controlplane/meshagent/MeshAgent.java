package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.channel.ControlChannelConfig;
import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.mesh.GlobalRoutes;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.mesh.NodeStatus;
import io.flowlane.dataplane.fib.NextHop;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The mesh agent: the controller of the appliances it is given (one per appliance in service, so
 * that no single process stands between the mesh and its manager; or every appliance of a mesh),
 * and the mesh manager's link to them. Each duty cycle it
 *
 * <ul>
 *   <li>reads every node's telemetry (its control channel's stream 1003) and reports the node's
 *       health to the mesh manager ({@link NodeReading}: busiest worker's busy ratio, receive rate,
 *       rate of packets lost by its own fault, each held down for a while so that a node that was
 *       degraded is not given traffic back the moment it looks well);</li>
 *   <li>reads the manager's newest table and, where a node's routes differ from its next hops in
 *       it ({@link HopRoutes}), sends that node RouteAdd, SteeringWeights (same next hops, new
 *       shares) or RouteDelete (egress unreachable), one command per prefix in flight, counting a
 *       route as installed only once the node acknowledged it applied (every worker forwards
 *       with it);</li>
 *   <li>marks a node silent when its telemetry stops for the topology's health timeout: nothing is
 *       sent to it then (the manager, judging the same silence on its own clock, routes around it),
 *       and when it reports again (or restarted: its sequence began again) its routes are sent
 *       anew, since what it holds is not known.</li>
 * </ul>
 *
 * Not thread-safe: one thread runs {@link #doWork()} (an AgentRunner, or a drill's loop) and
 * sends other commands through {@link #send}.
 */
public final class MeshAgent implements Agent, AutoCloseable
{
    /** A command not acknowledged this long is forgotten and sent again if still wanted. */
    static final long ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Routes are compared with the table at most this often when nothing else happened. */
    private static final long SYNC_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * A command in flight for what the table wants of a prefix.
     *
     * @param pins whether the command pins the buckets (SteeringBuckets): once applied the node holds
     *             {@code want}; after any other command its buckets follow the weights
     */
    private record Pending(long correlationId, MeshPrefix prefix, HopRoutes.Route want, boolean pins, String how, long sentNanos)
    {
        HopRoutes.Route applied()
        {
            return pins ? want : want.unpinned();
        }
    }

    /** The agent's view of one node. */
    private static final class NodeLink
    {
        final MeshLayout.Node node;
        final ControlClient client;
        final NodeReading reading = new NodeReading();
        long lastHeardNanos;
        boolean live;
        /** Acknowledged as applied; a prefix not here is not known (sent anew). */
        final Map<MeshPrefix, HopRoutes.Route> installed = new HashMap<>();
        final Map<MeshPrefix, Pending> pendingByPrefix = new HashMap<>();
        final Map<Long, Pending> pendingById = new HashMap<>();
        /** What the table wanted when the node refused it (not sent again until the table wants something else). */
        final Map<MeshPrefix, HopRoutes.Route> refused = new HashMap<>();
        Map<MeshPrefix, HopRoutes.Route> desired = Map.of();

        NodeLink(final MeshLayout.Node node, final ControlClient client)
        {
            this.node = node;
            this.client = client;
        }
    }

    private final MeshLayout layout;
    private final MeshManagerLink manager;
    private final List<NodeLink> links;
    private final Consumer<String> log;
    private final long healthTimeoutNanos;
    private final Map<Long, ControlClient.Ack> otherAcks = new LinkedHashMap<>();
    private MeshTable table = MeshTable.EMPTY;
    private long desiredVersion = -1;
    private long lastSyncNanos;
    private boolean changed;
    private long commandsSent;

    private MeshAgent(final MeshLayout layout, final MeshManagerLink manager, final List<NodeLink> links, final Consumer<String> log)
    {
        this.layout = layout;
        this.manager = manager;
        this.links = links;
        this.log = log;
        this.healthTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(layout.healthTimeoutMillis() > 0 ? layout.healthTimeoutMillis() : 1_000);
    }

    /**
     * The media driver one or more agents share for both their sides (the manager's cluster client
     * and the nodes' control channels): shared threading, backing off to 1 ms parks when idle.
     */
    public static MediaDriver launchDriver(final String aeronDirectory)
    {
        return MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(aeronDirectory)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED).termBufferSparseFile(true)
            .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 1_000_000)));
    }

    /** {@link #start(MeshLayout, MeshManagerLink, String, boolean, long, Consumer, Collection)} for every node of the layout. */
    public static MeshAgent start(final MeshLayout layout, final MeshManagerLink manager, final String aeronDirectory,
        final boolean launchDriver, final long connectTimeoutMillis, final Consumer<String> log)
    {
        return start(layout, manager, aeronDirectory, launchDriver, connectTimeoutMillis, log, List.of());
    }

    /**
     * Connects to the control channel of each node it is given as its controller (UDP: our end is
     * the node's {@code controller:} address, with its HMAC key; IPC: its media driver), gives the
     * manager the topology (and the layout's streams) and starts from its table. Agents of other
     * nodes give the same topology; the manager takes a repeated one as no change.
     *
     * @param aeronDirectory the agent's own media driver for UDP nodes
     * @param launchDriver   start that driver here (else one runs there already, e.g. shared with the manager's client)
     * @param log            one line per decision: tables, routes sent and applied, nodes silent or back
     * @param nodeNames      the nodes this agent serves (empty: all of the layout's)
     */
    public static MeshAgent start(final MeshLayout layout, final MeshManagerLink manager, final String aeronDirectory,
        final boolean launchDriver, final long connectTimeoutMillis, final Consumer<String> log,
        final Collection<String> nodeNames)
    {
        final List<MeshLayout.Node> served = nodeNames.isEmpty() ? layout.nodes() :
            nodeNames.stream().map(layout::node).distinct().toList();
        final List<NodeLink> links = new ArrayList<>();
        try
        {
            boolean driverStarted = !launchDriver;
            for (final MeshLayout.Node node : served)
            {
                final ControlChannelConfig control = node.control();
                final ControlClient client;
                if (control.transport() == ControlChannelConfig.Transport.UDP)
                {
                    client = ControlClient.connect(new ControlClient.Config(aeronDirectory, !driverStarted, control.listen(),
                        control.controller(), control.hmacKey(), control.keyEncryptionKey()));
                    driverStarted = true;
                }
                else
                {
                    client = ControlClient.connect(ControlClient.Config.ipc(control.aeronDirectory(), control.keyEncryptionKey()));
                }
                links.add(new NodeLink(node, client));
                client.awaitConnected(connectTimeoutMillis);
            }
            manager.setTopology(layout.topology());
            if (!layout.streams().isEmpty())
            {
                manager.setDemand(layout.demand());
            }
        }
        catch (final RuntimeException ex)
        {
            // Clients close in reverse: the first one owns the media driver the others use.
            for (int i = links.size() - 1; i >= 0; i--)
            {
                CloseHelper.quietClose(links.get(i).client);
            }
            throw ex;
        }
        final MeshAgent agent = new MeshAgent(layout, manager, List.copyOf(links), log);
        final long now = System.nanoTime();
        links.forEach(link -> link.lastHeardNanos = now);
        log.accept("mesh agent attached to " + (served.size() == layout.nodes().size() ? links.size() + " node(s)" :
            "node(s) " + served.stream().map(MeshLayout.Node::name).toList()) + "; topology" +
            (layout.streams().isEmpty() ? "" : " and " + layout.streams().size() + " stream(s)") + " given to the mesh manager");
        return agent;
    }

    @Override
    public int doWork()
    {
        final long now = System.nanoTime();
        int work = 0;
        for (final NodeLink link : links)
        {
            work += pollNode(link, now);
        }
        final MeshTable latest = manager.poll();
        if (latest.version() != table.version())
        {
            table = latest;
            changed = true;
            log.accept(describe(latest));
            work++;
        }
        if (changed || now - lastSyncNanos > SYNC_INTERVAL_NANOS)
        {
            changed = false;
            lastSyncNanos = now;
            work += sync(now);
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "mesh-agent";
    }

    /**
     * Sends another command to a node through its control channel (a drill's fault injection); its
     * acknowledgement is kept for {@link #ack}.
     */
    public long send(final int nodeId, final ToLongFunction<ControlClient> command)
    {
        return command.applyAsLong(link(nodeId).client);
    }

    /** The acknowledgement of a command sent with {@link #send}, or null while none arrived (taken once). */
    public ControlClient.Ack ack(final long correlationId)
    {
        return otherAcks.remove(correlationId);
    }

    public MeshTable table()
    {
        return table;
    }

    /** The link to the mesh manager (a drill asks it for the table, or which member leads). */
    public MeshManagerLink manager()
    {
        return manager;
    }

    public MeshLayout layout()
    {
        return layout;
    }

    /** The node's latest telemetry as read. */
    public NodeReading reading(final int nodeId)
    {
        return link(nodeId).reading;
    }

    /** Whether the node reported within the health timeout. */
    public boolean live(final int nodeId)
    {
        return link(nodeId).live;
    }

    /** The node's route for {@code prefix} as it acknowledged it: null if not known, empty if deleted. */
    public List<NextHop> installed(final int nodeId, final MeshPrefix prefix)
    {
        final HopRoutes.Route route = link(nodeId).installed.get(prefix);
        return route == null ? null : route.hops();
    }

    /** The bucket map the node acknowledged for a stream's prefix (a copy), or null if its buckets follow the route's weights. */
    public byte[] installedBuckets(final int nodeId, final MeshPrefix prefix)
    {
        final HopRoutes.Route route = link(nodeId).installed.get(prefix);
        return route == null || route.memberOfBucket() == null ? null : route.memberOfBucket().clone();
    }

    /** Whether every live node holds the routes the current table gives it, with nothing in flight. */
    public boolean settled()
    {
        if (table.version() == 0)
        {
            return false;
        }
        for (final NodeLink link : links)
        {
            if (!link.live)
            {
                continue;
            }
            if (!link.pendingById.isEmpty())
            {
                return false;
            }
            for (final Map.Entry<MeshPrefix, HopRoutes.Route> want : link.desired.entrySet())
            {
                if (!link.refused.containsKey(want.getKey()) && !inPlace(link.installed.get(want.getKey()), want.getValue()))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** Route commands sent so far. */
    public long commandsSent()
    {
        return commandsSent;
    }

    @Override
    public void close()
    {
        for (int i = links.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(links.get(i).client);
        }
        CloseHelper.quietClose(manager);
    }

    private NodeLink link(final int nodeId)
    {
        for (final NodeLink link : links)
        {
            if (link.node.id() == nodeId)
            {
                return link;
            }
        }
        throw new IllegalArgumentException("no node " + nodeId);
    }

    private int pollNode(final NodeLink link, final long now)
    {
        final int work = link.client.pollTelemetry(report ->
        {
            final boolean restarted = link.reading.read(report, now);
            link.lastHeardNanos = now;
            if (!link.live || restarted)
            {
                log.accept(String.format(Locale.ROOT, "node %s %s: its routes are sent anew", link.node.name(),
                    restarted ? "restarted" : link.reading.reports() == 1 ? "reports" : "reports again"));
                link.live = true;
                link.installed.clear();
                link.refused.clear();
                changed = true;
            }
            manager.reportHealth(link.node.id(), link.reading.heldBusy(), link.reading.heldRxPerSecond(),
                link.reading.heldLostPerSecond());
        }) + link.client.pollAcks(ack -> onAck(link, ack));
        if (link.live && now - link.lastHeardNanos > healthTimeoutNanos)
        {
            link.live = false;
            link.pendingById.clear();
            link.pendingByPrefix.clear();
            log.accept(String.format(Locale.ROOT, "node %s silent for %d ms: nothing is sent to it", link.node.name(),
                TimeUnit.NANOSECONDS.toMillis(now - link.lastHeardNanos)));
        }
        return work;
    }

    private void onAck(final NodeLink link, final ControlClient.Ack ack)
    {
        final Pending pending = link.pendingById.remove(ack.correlationId());
        if (pending == null)
        {
            otherAcks.put(ack.correlationId(), ack);
            if (otherAcks.size() > 1024)
            {
                otherAcks.remove(otherAcks.keySet().iterator().next());
            }
            return;
        }
        link.pendingByPrefix.remove(pending.prefix(), pending);
        changed = true;
        final List<NextHop> hops = pending.want().hops();
        if (ack.applied())
        {
            link.installed.put(pending.prefix(), pending.applied());
            link.refused.remove(pending.prefix());
            log.accept(String.format(Locale.ROOT, "node %s: %s %s %s applied (%.1f ms after it was sent)", link.node.name(),
                pending.how(), pending.prefix(), hops(hops), (System.nanoTime() - pending.sentNanos()) / 1e6));
        }
        else if (hops.isEmpty() && "prefix".equals(ack.field()))
        {
            // A delete of a route the node does not have: it is as wanted.
            link.installed.put(pending.prefix(), HopRoutes.Route.deleted());
        }
        else
        {
            link.installed.remove(pending.prefix());
            link.refused.put(pending.prefix(), pending.want());
            log.accept("node " + link.node.name() + ": " + pending.how() + " " + pending.prefix() + " " + hops(hops) +
                " REFUSED: " + ack.field() + ": " + ack.reason());
        }
    }

    private int sync(final long now)
    {
        if (table.version() == 0)
        {
            return 0;
        }
        if (desiredVersion != table.version())
        {
            desiredVersion = table.version();
            for (final NodeLink link : links)
            {
                link.desired = HopRoutes.routes(layout, table, link.node.id());
            }
        }
        int sent = 0;
        for (final NodeLink link : links)
        {
            if (!link.live || !link.client.connected())
            {
                continue;
            }
            for (final Map.Entry<MeshPrefix, HopRoutes.Route> entry : link.desired.entrySet())
            {
                sent += syncRoute(link, entry.getKey(), entry.getValue(), now);
            }
        }
        return sent;
    }

    private int syncRoute(final NodeLink link, final MeshPrefix prefix, final HopRoutes.Route wanted, final long now)
    {
        final Pending inFlight = link.pendingByPrefix.get(prefix);
        if (inFlight != null)
        {
            if (now - inFlight.sentNanos() < ACK_TIMEOUT_NANOS)
            {
                return 0;
            }
            link.pendingByPrefix.remove(prefix);
            link.pendingById.remove(inFlight.correlationId());
            log.accept("node " + link.node.name() + ": no acknowledgement of " + inFlight.how() + " " + prefix + " in 2 s; again");
        }
        final HopRoutes.Route installed = link.installed.get(prefix);
        if (wanted.equals(link.refused.get(prefix)) || inPlace(installed, wanted))
        {
            return 0;
        }
        final List<NextHop> want = wanted.hops();
        final List<NextHop> have = installed == null ? null : installed.hops();
        final boolean sameHops = have != null && !have.isEmpty() && HopRoutes.sameGateways(have, want);
        final long id;
        final String how;
        final boolean pins = wanted.memberOfBucket() != null && sameHops;
        if (pins)
        {
            // The stream's first hops are in place: pin each flow-hash bucket to its shard's first hop.
            id = link.client.steeringBuckets(4, prefix.hi(), 0, prefix.length(), wanted.memberOfBucket());
            how = "shards";
        }
        else if (want.isEmpty())
        {
            id = link.client.routeDelete(4, prefix.hi(), 0, prefix.length());
            how = "route delete";
        }
        else if (sameHops)
        {
            id = link.client.steeringWeights(4, prefix.hi(), 0, prefix.length(), want.stream().mapToInt(NextHop::weight).toArray());
            how = "steering";
        }
        else
        {
            id = link.client.routeAdd(4, prefix.hi(), 0, prefix.length(), want);
            how = "route add";
        }
        final Pending pending = new Pending(id, prefix, wanted, pins, how, now);
        link.pendingByPrefix.put(prefix, pending);
        link.pendingById.put(id, pending);
        commandsSent++;
        return 1;
    }

    /**
     * Whether the node holds what is wanted, so nothing is sent: the same next hops with shares
     * within {@link HopRoutes#SHARE_TOLERANCE} (or both deleted) for a route whose buckets follow
     * its weights; the same next hops and exactly the same bucket map for a pinned one.
     */
    private static boolean inPlace(final HopRoutes.Route installed, final HopRoutes.Route wanted)
    {
        if (installed == null)
        {
            return false;
        }
        final List<NextHop> have = installed.hops();
        final List<NextHop> want = wanted.hops();
        if (wanted.memberOfBucket() != null)
        {
            return !have.isEmpty() && HopRoutes.sameGateways(have, want) &&
                Arrays.equals(wanted.memberOfBucket(), installed.memberOfBucket());
        }
        return have.isEmpty() || want.isEmpty() ? have.isEmpty() == want.isEmpty() : HopRoutes.alike(have, want);
    }

    private String hops(final List<NextHop> hops)
    {
        if (hops.isEmpty())
        {
            return "(unreachable)";
        }
        final StringBuilder text = new StringBuilder("via");
        for (final NextHop hop : hops)
        {
            text.append(' ').append(neighbour(hop)).append('*').append(hop.weight());
        }
        return text.toString();
    }

    /** The neighbour a next hop leads to, by name (its gateway address is on the neighbour's end of a link). */
    private String neighbour(final NextHop hop)
    {
        for (final MeshLayout.Link l : layout.links())
        {
            for (final MeshLayout.End end : List.of(l.a(), l.b()))
            {
                if (end.address() == hop.gatewayIpv4() && l.other(end.node()).interfaceName().equals(hop.interfaceName()))
                {
                    return layout.node(end.node()).name();
                }
            }
        }
        return io.flowlane.dataplane.packet.Ipv4Header.toString(hop.gatewayIpv4());
    }

    private String describe(final MeshTable latest)
    {
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "mesh table v%d:", latest.version()));
        for (final NodeStatus status : latest.nodes())
        {
            text.append(String.format(Locale.ROOT, " %s%s(health %.2f, busy %.2f)", layout.node(status.nodeId()).name(),
                status.usable() ? "" : " UNUSABLE", status.health(), status.utilisation()));
        }
        for (final MeshLayout.Node ingress : layout.nodes())
        {
            for (final MeshLayout.Node egress : layout.nodes())
            {
                if (ingress == egress || egress.prefixes().isEmpty() || ingress.prefixes().isEmpty())
                {
                    continue;
                }
                text.append("; ").append(ingress.name()).append("->").append(egress.name()).append(':');
                for (final GlobalRoutes.MeshPath path : latest.routes().paths(ingress.id(), egress.id()))
                {
                    text.append(' ');
                    for (int i = 0; i < path.nodes().length; i++)
                    {
                        text.append(i == 0 ? "" : "-").append(layout.node(path.nodes()[i]).name());
                    }
                    text.append(String.format(Locale.ROOT, "(%.0f us, %d)", path.cost(), path.weight()));
                }
            }
        }
        return text.toString();
    }
}
