package io.flowlane.dataplane.worker;

import io.flowlane.bindings.CpuAffinity;
import io.flowlane.bindings.FastPath;
import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.dataplane.fib.CurrentTables;
import io.flowlane.dataplane.pipeline.PacketGraph;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.WorkerStats;

import org.agrona.concurrent.Agent;

/**
 * A poll-mode worker: DPDK l3fwd's main loop as an Agrona agent. Each duty cycle polls this
 * worker's receive queues, runs every non-empty burst through the packet graph, and reports how
 * many packets it handled so the idle strategy can back off when there are none.
 *
 * <p>Threading: the agent runs on its own thread, pinned to its core in {@link #onStart()} and
 * registered with DPDK as an lcore (which gives it a per-lcore mempool cache). Nothing it does
 * per packet allocates, locks, or enters the kernel.
 */
public final class Worker implements Agent
{
    /** Counters go to shared memory about this often (in TSC cycles, set from the TSC rate). */
    private static final long PUBLISH_INTERVAL_NANOS = 1_000_000L;

    private final int index;
    private final int core;
    private final int[] rxPorts;
    private final int[] rxQueues;
    private final int burstSize;
    private final CurrentTables tables;
    private final PacketGraph graph;
    private final PacketVector vector;
    private final QuiescentState quiescentState;
    private final WorkerCounters counters;
    private final WorkerStats stats;
    private final long publishIntervalCycles;
    private long lastPublishTsc;
    private boolean dirty;
    private volatile int lcore = -1;
    private volatile long threadId = -1;

    public Worker(
        final int index, final int core, final RxQueue[] queues, final int burstSize, final CurrentTables tables,
        final PacketGraph graph, final PacketVector vector, final QuiescentState quiescentState,
        final WorkerCounters counters, final long tscHz)
    {
        if (burstSize < 1 || burstSize > PacketVector.MAX_BURST)
        {
            throw new IllegalArgumentException("burst size " + burstSize + " is outside 1.." + PacketVector.MAX_BURST);
        }
        this.index = index;
        this.core = core;
        this.rxPorts = new int[queues.length];
        this.rxQueues = new int[queues.length];
        for (int q = 0; q < queues.length; q++)
        {
            rxPorts[q] = queues[q].port();
            rxQueues[q] = queues[q].queue();
        }
        this.burstSize = burstSize;
        this.tables = tables;
        this.graph = graph;
        this.vector = vector;
        this.quiescentState = quiescentState;
        this.counters = counters;
        this.stats = vector.stats;
        this.publishIntervalCycles = Math.max(1, tscHz / (1_000_000_000L / PUBLISH_INTERVAL_NANOS));
    }

    @Override
    public void onStart()
    {
        threadId = Thread.currentThread().threadId();
        if (core >= 0)
        {
            CpuAffinity.pinCurrentThread(core);
        }
        final int id = flowlane_shim_h.fl_thread_register();
        if (id < 0)
        {
            throw new IllegalStateException("worker " + index + ": rte_thread_register failed: " +
                flowlane_shim_h.fl_strerror(id).getString(0) + " (more workers than RTE_MAX_LCORE?)");
        }
        lcore = id;
        quiescentState.online(index);
        lastPublishTsc = FastPath.rdtsc();
    }

    @Override
    public int doWork()
    {
        quiescentState.quiescent(index);
        final long start = FastPath.rdtsc();
        final PacketVector v = vector;
        v.tables = tables.get();
        int work = 0;
        for (int q = 0; q < rxPorts.length; q++)
        {
            final int port = rxPorts[q];
            final int received = FastPath.rxBurst(port, rxQueues[q], v.rxArrayAddress, burstSize);
            if (received == 0)
            {
                continue;
            }
            v.load(received, port);
            graph.run(v);
            stats.rxPackets[port] += received;
            stats.rxBursts++;
            work += received;
        }
        final long end = FastPath.rdtsc();
        stats.totalCycles += end - start;
        if (work > 0)
        {
            stats.busyCycles += end - start;
            dirty = true;
        }
        else
        {
            stats.idlePolls++;
        }
        if (dirty && (work == 0 || end - lastPublishTsc > publishIntervalCycles))
        {
            counters.publish();
            lastPublishTsc = end;
            dirty = work != 0;
        }
        return work;
    }

    @Override
    public void onClose()
    {
        quiescentState.offline(index);
        counters.publish();
        flowlane_shim_h.fl_thread_unregister();
    }

    @Override
    public String roleName()
    {
        return "worker-" + index;
    }

    public int index()
    {
        return index;
    }

    public int core()
    {
        return core;
    }

    /** DPDK lcore id once started, else -1. */
    public int lcore()
    {
        return lcore;
    }

    /** The Java thread id of the worker's thread once started, else -1 (for allocation checks). */
    public long threadId()
    {
        return threadId;
    }

    public WorkerStats stats()
    {
        return stats;
    }
}
