package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.port.InterfaceTable;

/**
 * A worker's counters, written only by that worker as plain longs (no atomics on the packet
 * path) and copied to shared memory by {@code Worker} at a low rate for readers elsewhere.
 */
public final class WorkerStats
{
    public final long[] drops = new long[DropReason.values().length];
    public final long[] events = new long[WorkerEvent.values().length];
    public final long[] rxPackets = new long[InterfaceTable.MAX_PORTS];
    public final long[] txPackets = new long[InterfaceTable.MAX_PORTS];
    public long rxBursts;
    public long idlePolls;
    /** TSC cycles spent in polls that found packets, and in all polls. */
    public long busyCycles;
    public long totalCycles;

    public void drop(final byte reason)
    {
        drops[reason]++;
    }

    public void event(final WorkerEvent event)
    {
        events[event.ordinal()]++;
    }

    public long totalDrops()
    {
        long sum = 0;
        for (final long d : drops)
        {
            sum += d;
        }
        return sum;
    }

    /**
     * Drops that are not policy: everything but packets policed by their traffic class or shed
     * by its open breaker, which are the configured outcome, not a sign of trouble (health).
     */
    public long unintendedDrops()
    {
        return totalDrops() - drops[DropReason.POLICED.ordinal()] - drops[DropReason.CLASS_BREAKER_OPEN.ordinal()];
    }

    public long totalRx()
    {
        long sum = 0;
        for (final long r : rxPackets)
        {
            sum += r;
        }
        return sum;
    }

    public long totalTx()
    {
        long sum = 0;
        for (final long t : txPackets)
        {
            sum += t;
        }
        return sum;
    }
}
