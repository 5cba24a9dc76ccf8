package io.flowlane.dataplane.worker;

import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.WorkerEvent;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.stats.CounterType;

import java.util.List;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * Copies a worker's private {@link WorkerStats} into shared-memory counters. The worker calls
 * {@link #publish()} about once a millisecond and when it goes idle, so the packet path itself
 * only ever increments plain fields.
 */
public final class WorkerCounters
{
    private final WorkerStats stats;
    private final AtomicCounter[] drops;
    private final AtomicCounter[] events;
    private final int[] ports;
    private final AtomicCounter[] rx;
    private final AtomicCounter[] tx;
    private final AtomicCounter bursts;
    private final AtomicCounter idlePolls;
    private final AtomicCounter busyCycles;
    private final AtomicCounter totalCycles;
    private final int worker;
    private final ExtensionRuntime[] extensions;

    public WorkerCounters(final WorkerStats stats, final CountersManager manager, final int worker, final int[] ports,
        final String[] portNames, final List<ExtensionRuntime> extensions)
    {
        this.stats = stats;
        this.worker = worker;
        this.extensions = extensions.toArray(ExtensionRuntime[]::new);
        this.ports = ports.clone();
        final String prefix = "worker " + worker + ": ";
        drops = new AtomicCounter[DropReason.values().length];
        for (final DropReason reason : DropReason.values())
        {
            drops[reason.ordinal()] = manager.newCounter(prefix + "drop " + reason.label(), CounterType.WORKER_DROP);
        }
        events = new AtomicCounter[WorkerEvent.values().length];
        for (final WorkerEvent event : WorkerEvent.values())
        {
            events[event.ordinal()] = manager.newCounter(prefix + event.label(), CounterType.WORKER_EVENT);
        }
        rx = new AtomicCounter[ports.length];
        tx = new AtomicCounter[ports.length];
        for (int p = 0; p < ports.length; p++)
        {
            rx[p] = manager.newCounter(prefix + "rx-packets " + portNames[p], CounterType.WORKER);
            tx[p] = manager.newCounter(prefix + "tx-packets " + portNames[p], CounterType.WORKER);
        }
        bursts = manager.newCounter(prefix + "rx-bursts", CounterType.WORKER);
        idlePolls = manager.newCounter(prefix + "idle-polls", CounterType.WORKER);
        busyCycles = manager.newCounter(prefix + "busy-cycles", CounterType.WORKER);
        totalCycles = manager.newCounter(prefix + "total-cycles", CounterType.WORKER);
    }

    public void publish()
    {
        for (int r = 0; r < drops.length; r++)
        {
            drops[r].setRelease(stats.drops[r]);
        }
        for (int e = 0; e < events.length; e++)
        {
            events[e].setRelease(stats.events[e]);
        }
        for (int p = 0; p < ports.length; p++)
        {
            rx[p].setRelease(stats.rxPackets[ports[p]]);
            tx[p].setRelease(stats.txPackets[ports[p]]);
        }
        bursts.setRelease(stats.rxBursts);
        idlePolls.setRelease(stats.idlePolls);
        busyCycles.setRelease(stats.busyCycles);
        totalCycles.setRelease(stats.totalCycles);
        for (final ExtensionRuntime extension : extensions)
        {
            extension.publish(worker);
        }
    }
}
