package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.port.InterfaceTable;

/**
 * A worker's counters, written only by that worker as plain longs (no atomics on the packet
 * path) and copied to shared memory by {@code Worker} at a low rate for readers elsewhere.
 */
public final class WorkerStats
{
    private static final DropBlame[] BLAMES = blames();

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
        return totalDrops() - blamedOn(DropBlame.POLICY);
    }

    /**
     * Drops the node itself caused ({@link DropBlame#NODE}: no buffer room or mbufs, cipher
     * failures, injected faults), leaving out bad input and a path that is down or refuses the
     * packets: what a node's health is judged on, not what it was sent or where it must send.
     */
    public long nodeDrops()
    {
        return blamedOn(DropBlame.NODE);
    }

    /** Summed on the reader's thread (telemetry), not the worker's; allocates nothing. */
    public long blamedOn(final DropBlame blame)
    {
        long sum = 0;
        for (int r = 0; r < drops.length; r++)
        {
            if (BLAMES[r] == blame)
            {
                sum += drops[r];
            }
        }
        return sum;
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

    private static DropBlame[] blames()
    {
        final DropReason[] reasons = DropReason.values();
        final DropBlame[] blames = new DropBlame[reasons.length];
        for (final DropReason reason : reasons)
        {
            blames[reason.ordinal()] = reason.blame();
        }
        return blames;
    }
}
