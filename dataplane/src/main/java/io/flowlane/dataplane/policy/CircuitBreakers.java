package io.flowlane.dataplane.policy;

import org.agrona.concurrent.Agent;

import java.util.List;

/**
 * A control-thread duty: each class's circuit breaker (seed 004). Every breaker window it sums the
 * workers' counters; a class with more than its drop ratio policed opens (every packet of it is
 * dropped, which sheds a flood before it costs the workers a classification and a bucket per
 * packet) and closes again after its open time. Trips are counted.
 */
public final class CircuitBreakers implements Agent
{
    private final TrafficClasses classes;
    private final List<ClassPolicer> policers;
    private final long[] windowStart;
    private final long[] matchedAtStart;
    private final long[] policedAtStart;
    private final long[] openUntil;
    private final long[] trips;

    public CircuitBreakers(final TrafficClasses classes, final List<ClassPolicer> policers)
    {
        this.classes = classes;
        this.policers = List.copyOf(policers);
        final int n = classes.count();
        windowStart = new long[n];
        matchedAtStart = new long[n];
        policedAtStart = new long[n];
        openUntil = new long[n];
        trips = new long[n];
    }

    @Override
    public int doWork()
    {
        final long now = System.nanoTime();
        int work = 0;
        for (int c = 0; c < classes.count(); c++)
        {
            final TrafficClass.Breaker breaker = classes.classes().get(c).breaker();
            if (breaker == null)
            {
                continue;
            }
            if (classes.breakerOpen(c))
            {
                if (now - openUntil[c] >= 0)
                {
                    classes.breakerOpen(c, false);
                    restartWindow(c, now);
                    work++;
                }
                continue;
            }
            if (now - windowStart[c] < breaker.windowMillis() * 1_000_000L)
            {
                continue;
            }
            final long matched = matchedPackets(c) - matchedAtStart[c];
            final long policed = policedPackets(c) - policedAtStart[c];
            if (matched > 0 && (double)policed / matched > breaker.dropRatio())
            {
                classes.breakerOpen(c, true);
                openUntil[c] = now + breaker.openMillis() * 1_000_000L;
                trips[c]++;
                work++;
            }
            restartWindow(c, now);
        }
        return work;
    }

    private void restartWindow(final int c, final long now)
    {
        windowStart[c] = now;
        matchedAtStart[c] = matchedPackets(c);
        policedAtStart[c] = policedPackets(c);
    }

    /** Packets of class {@code c} matched by all workers so far. */
    public long matchedPackets(final int c)
    {
        long total = 0;
        for (final ClassPolicer policer : policers)
        {
            total += policer.matchedPackets(c);
        }
        return total;
    }

    /** Packets of class {@code c} policed by all workers so far. */
    public long policedPackets(final int c)
    {
        long total = 0;
        for (final ClassPolicer policer : policers)
        {
            total += policer.policedPackets(c);
        }
        return total;
    }

    /** Packets of class {@code c} shed by its open breaker, all workers. */
    public long breakerDrops(final int c)
    {
        long total = 0;
        for (final ClassPolicer policer : policers)
        {
            total += policer.breakerDrops(c);
        }
        return total;
    }

    /** Times class {@code c}'s breaker opened. */
    public long trips(final int c)
    {
        return trips[c];
    }

    public List<ClassPolicer> policers()
    {
        return policers;
    }

    @Override
    public String roleName()
    {
        return "circuit-breakers";
    }
}
