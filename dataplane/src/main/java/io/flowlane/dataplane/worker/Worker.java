package io.flowlane.dataplane.worker;

import io.flowlane.bindings.CpuAffinity;
import io.flowlane.bindings.FastPath;
import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.dataplane.capture.CaptureTap;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.fib.CurrentTables;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.PacketGraph;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.WorkerEvent;
import io.flowlane.dataplane.pipeline.WorkerStats;

import org.agrona.concurrent.Agent;

import java.util.concurrent.locks.LockSupport;

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
    /**
     * One poll loop in 2^TIMING_SHIFT is timed with the TSC and its busy time counted 2^TIMING_SHIFT
     * times: an unbiased estimate of busy cycles. Timing every loop cost a quarter of the worker's
     * time on a KVM guest (measured with perf: fl_rdtsc at 26% of samples).
     */
    private static final int TIMING_SHIFT = 6;
    private static final long TIMING_MASK = (1L << TIMING_SHIFT) - 1;
    /**
     * A timed poll longer than this (250 µs; a full burst through ESP takes well under 100 µs)
     * was interrupted: the thread was descheduled or took a fault. Counted 2^TIMING_SHIFT times,
     * one 10 ms time slice would read as 640 ms of work, and on a shared machine a lightly loaded
     * worker looked 100 % busy to the health monitor. Such a poll counts as a stall, and only
     * this much of it as busy.
     */
    private static final long STALL_MICROS = 250;
    /** Busy workers copy their counters to shared memory every this many loops (idle ones at once). */
    private static final long PUBLISH_MASK = 4096 - 1;

    /**
     * A measuring aid, never for service: {@code -Dflowlane.diagnostic.bypass=true} sends every
     * received burst straight out of port {@code p ^ 1} without looking at it, which measures
     * what rx/tx through FFM and the worker loop cost without the graph (docs/performance.md).
     */
    private static final boolean DIAGNOSTIC_BYPASS = Boolean.getBoolean("flowlane.diagnostic.bypass");

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
    private final CaptureTap capture;
    private final NodeFault nodeFault;
    /** The fault settings last seen, the TSC when they were, and the stalled cycles counted as busy since. */
    private NodeFault.Settings fault = NodeFault.NONE;
    private long faultOrigin;
    private long stallAccounted;
    /** xorshift state for injected drops. */
    private long random = 0x9E37_79B9_7F4A_7C15L;
    private long startTsc;
    private long loops;
    /** TSC cycles in STALL_MICROS, set at start. */
    private long stallCycles = Long.MAX_VALUE;
    private boolean dirty;
    private volatile int lcore = -1;
    private volatile long threadId = -1;

    public Worker(
        final int index, final int core, final RxQueue[] queues, final int burstSize, final CurrentTables tables,
        final PacketGraph graph, final PacketVector vector, final QuiescentState quiescentState,
        final WorkerCounters counters, final CaptureTap capture, final NodeFault nodeFault)
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
        this.capture = capture;
        this.nodeFault = nodeFault;
        graph.capture(capture);
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
        startTsc = FastPath.rdtsc();
        stallCycles = Math.max(1, Eal.tscHz() / 1_000_000 * STALL_MICROS);
    }

    @Override
    public int doWork()
    {
        quiescentState.quiescent(index);
        final NodeFault.Settings injected = nodeFault.settings();
        if (injected != NodeFault.NONE)
        {
            stall(injected);
        }
        final long loop = ++loops;
        final boolean timed = (loop & TIMING_MASK) == 0;
        final long start = timed ? FastPath.rdtsc() : 0;
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
            capture.received(port, v.rxArrayAddress, received);
            if (DIAGNOSTIC_BYPASS)
            {
                bypass(port, received);
            }
            else
            {
                v.load(received, port);
                if (injected != NodeFault.NONE)
                {
                    suffer(v, injected);
                }
                graph.run(v);
            }
            stats.rxPackets[port] += received;
            stats.rxBursts++;
            work += received;
        }
        if (work > 0)
        {
            if (timed)
            {
                long cycles = FastPath.rdtsc() - start;
                if (cycles > stallCycles)
                {
                    stats.event(WorkerEvent.TIMED_POLL_STALLS);
                    cycles = stallCycles;
                }
                stats.busyCycles += cycles << TIMING_SHIFT;
            }
            dirty = true;
        }
        else
        {
            stats.idlePolls++;
        }
        if (dirty && (work == 0 || (loop & PUBLISH_MASK) == 0))
        {
            publish();
            dirty = work != 0;
        }
        return work;
    }

    /**
     * An injected node fault's stall: in the stalled part of a window the worker parks to its end;
     * every stalled cycle since the last call is counted as busy (NodeFault says why).
     */
    private void stall(final NodeFault.Settings injected)
    {
        final long now = FastPath.rdtsc();
        if (injected != fault)
        {
            fault = injected;
            faultOrigin = now;
            stallAccounted = 0;
        }
        if (injected.stallCycles() == 0)
        {
            return;
        }
        final long t = now - faultOrigin;
        final long intoWindow = t % injected.windowCycles();
        long until = t;
        if (intoWindow < injected.stallCycles())
        {
            until = t - intoWindow + injected.stallCycles();
            LockSupport.parkNanos((until - t) * 1_000 / injected.cyclesPerMicro());
        }
        final long stalled = injected.stalledUntil(until);
        stats.busyCycles += stalled - stallAccounted;
        stallAccounted = stalled;
        dirty = true;
    }

    /** An injected node fault's per-packet part: spins the delay for every packet and drops some. */
    private void suffer(final PacketVector v, final NodeFault.Settings injected)
    {
        final long delay = injected.delayCycles();
        final int dropPpm = injected.dropPpm();
        for (int i = 0; i < v.count; i++)
        {
            if (delay != 0)
            {
                final long until = FastPath.rdtsc() + delay;
                while (FastPath.rdtsc() < until)
                {
                    Thread.onSpinWait();
                }
            }
            if (dropPpm != 0)
            {
                random ^= random << 13;
                random ^= random >>> 7;
                random ^= random << 17;
                if (Long.remainderUnsigned(random, 1_000_000) < dropPpm)
                {
                    v.drop(i, DropReason.FAULT_INJECTED);
                }
            }
        }
    }

    private void bypass(final int port, final int received)
    {
        final int sent = FastPath.txBurst(port ^ 1, index, vector.rxArrayAddress, received);
        if (sent < received)
        {
            FastPath.freeBulk(vector.rxArrayAddress + sent * 8L, received - sent);
        }
        stats.txPackets[port ^ 1] += sent;
    }

    private void publish()
    {
        stats.totalCycles = FastPath.rdtsc() - startTsc;
        counters.publish();
    }

    @Override
    public void onClose()
    {
        quiescentState.offline(index);
        publish();
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
