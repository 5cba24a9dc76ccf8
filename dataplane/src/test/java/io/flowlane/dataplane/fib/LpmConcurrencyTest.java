package io.flowlane.dataplane.fib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.packet.Ipv4Header;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * One writer churns routes while readers look up addresses whose every possible answer is known:
 * a covering route that is never deleted, plus the routes the writer toggles. A reader must only
 * ever see one of those; never "no route" and never the target of a route elsewhere, which is what
 * a reader walking into a node recycled for another prefix would see. Node pools are small, so
 * nodes are recycled all the time, under real (test-local) quiescent-state grace periods.
 */
class LpmConcurrencyTest
{
    private static final long RUN_MILLIS = 1_500;
    private static final int READERS = 2;
    /** Lookups between a reader's quiescent points, as a worker's burst. */
    private static final int BURST = 64;

    /** QSBR like the workers' (rte_rcu_qsbr): readers announce the newest epoch they have seen between bursts. */
    private static final class ReaderEpochs implements GracePeriods
    {
        private static final long OFFLINE = Long.MAX_VALUE;
        private final AtomicLong epoch = new AtomicLong(1);
        private final AtomicLongArray seen;

        ReaderEpochs(final int readers)
        {
            seen = new AtomicLongArray(readers);
            for (int r = 0; r < readers; r++)
            {
                seen.set(r, OFFLINE);
            }
        }

        void quiescent(final int reader)
        {
            seen.setRelease(reader, epoch.get());
        }

        void offline(final int reader)
        {
            seen.setRelease(reader, OFFLINE);
        }

        @Override
        public long start()
        {
            return epoch.incrementAndGet();
        }

        @Override
        public boolean completed(final long token)
        {
            for (int r = 0; r < seen.length(); r++)
            {
                if (seen.getAcquire(r) < token)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /** A route the writer toggles. */
    private record Route(Runnable add, Runnable delete)
    {
    }

    /** An address and every answer a reader may see for it (sorted). */
    private record Probe(String name, IntSupplier lookup, int[] allowed)
    {
    }

    private static int ip(final String text)
    {
        return Ipv4Header.parse(text);
    }

    @Test
    void ipv4ReadersOnlySeeAnswersFromTheKnownSetWhileOneWriterChurns() throws InterruptedException
    {
        final ReaderEpochs epochs = new ReaderEpochs(READERS);
        try (Ipv4Lpm lpm = new Ipv4Lpm(40, epochs))
        {
            lpm.add(ip("10.0.0.0"), 8, 1);
            final List<Route> routes = new ArrayList<>();
            final List<Probe> probes = new ArrayList<>();
            routes.add(ipv4Route(lpm, "10.1.0.0", 16, 2));
            routes.add(ipv4Route(lpm, "10.1.2.0", 24, 3));
            routes.add(ipv4Route(lpm, "10.1.2.0", 25, 4));
            routes.add(ipv4Route(lpm, "10.1.2.0", 28, 5));
            routes.add(ipv4Route(lpm, "10.1.2.3", 32, 6));
            routes.add(ipv4Route(lpm, "10.1.2.128", 26, 7));
            probes.add(ipv4Probe(lpm, "10.1.2.3", 1, 2, 3, 4, 5, 6));
            probes.add(ipv4Probe(lpm, "10.1.2.9", 1, 2, 3, 4, 5));
            probes.add(ipv4Probe(lpm, "10.1.2.130", 1, 2, 3, 7));
            probes.add(ipv4Probe(lpm, "10.1.2.200", 1, 2, 3));
            probes.add(ipv4Probe(lpm, "10.1.3.1", 1, 2));
            // Churn: /25s in 60 other /24s, each needing its own tbl8 group out of 40.
            for (int x = 0; x < 60; x++)
            {
                final String prefix = "10.5." + x + ".0";
                routes.add(ipv4Route(lpm, prefix, 25, 1000 + x));
                probes.add(ipv4Probe(lpm, "10.5." + x + ".5", 1, 1000 + x));
                probes.add(ipv4Probe(lpm, "10.5." + x + ".200", 1));
            }
            run(routes, probes, epochs, lpm::reclaim, lpm::nodesInUse);
            assertTrue(lpm.delete(ip("10.0.0.0"), 8));
            assertEquals(0, lpm.routeCount());
        }
    }

    @Test
    void ipv6ReadersOnlySeeAnswersFromTheKnownSetWhileOneWriterChurns() throws InterruptedException
    {
        final ReaderEpochs epochs = new ReaderEpochs(READERS);
        try (Ipv6Lpm lpm = new Ipv6Lpm(100, epochs))
        {
            final long site = 0x2001_0db8_0001_0002L;
            lpm.add(0x2001_0db8_0000_0000L, 0, 32, 1);
            final List<Route> routes = new ArrayList<>();
            final List<Probe> probes = new ArrayList<>();
            routes.add(ipv6Route(lpm, 0x2001_0db8_0001_0000L, 0, 48, 2));
            routes.add(ipv6Route(lpm, site, 0, 64, 3));
            routes.add(ipv6Route(lpm, site, 0x8000_0000_0000_0000L, 65, 4));
            routes.add(ipv6Route(lpm, site, 0x8000_0000_0000_0000L, 127, 5));
            routes.add(ipv6Route(lpm, site, 0x8000_0000_0000_0001L, 128, 6));
            probes.add(ipv6Probe(lpm, site, 0x8000_0000_0000_0001L, 1, 2, 3, 4, 5, 6));
            probes.add(ipv6Probe(lpm, site, 0x8000_0000_0000_0000L, 1, 2, 3, 4, 5));
            probes.add(ipv6Probe(lpm, site, 0x8000_0000_0000_0002L, 1, 2, 3, 4));
            probes.add(ipv6Probe(lpm, site, 1, 1, 2, 3));
            probes.add(ipv6Probe(lpm, 0x2001_0db8_0001_0003L, 1, 1, 2));
            // Churn: /64s under 40 different /40s, each needing nodes at three levels out of 100.
            for (int x = 1; x <= 40; x++)
            {
                final long hi = 0x2001_0db8_0000_0000L | ((long)x << 24) | 0x1234;
                routes.add(ipv6Route(lpm, hi, 0, 64, 1000 + x));
                probes.add(ipv6Probe(lpm, hi, 5, 1, 1000 + x));
                probes.add(ipv6Probe(lpm, hi + 1, 5, 1));
            }
            run(routes, probes, epochs, lpm::reclaim, lpm::nodesInUse);
            assertTrue(lpm.delete(0x2001_0db8_0000_0000L, 0, 32));
            lpm.reclaim();
            assertEquals(0, lpm.nodesInUse(), "readers are offline, so every unlinked node is reclaimed");
        }
    }

    private static void run(final List<Route> routes, final List<Probe> probes, final ReaderEpochs epochs,
        final Runnable reclaim, final IntSupplier nodesInUse) throws InterruptedException
    {
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicLong lookups = new AtomicLong();
        final long deadline = System.nanoTime() + RUN_MILLIS * 1_000_000;
        final Probe[] probeArray = probes.toArray(new Probe[0]);
        final List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++)
        {
            final int reader = r;
            epochs.quiescent(reader);
            final Thread thread = new Thread(() -> read(reader, probeArray, epochs, failure, lookups, deadline), "lpm-reader-" + r);
            readers.add(thread);
            thread.start();
        }

        final Random random = new Random(99);
        final boolean[] present = new boolean[routes.size()];
        long operations = 0;
        long changes = 0;
        long refused = 0;
        while (System.nanoTime() < deadline && failure.get() == null)
        {
            final int r = random.nextInt(routes.size());
            if (present[r])
            {
                routes.get(r).delete().run();
                present[r] = false;
                changes++;
            }
            else
            {
                try
                {
                    routes.get(r).add().run();
                    present[r] = true;
                    changes++;
                }
                catch (final IllegalStateException outOfNodes)
                {
                    refused++;
                }
            }
            if (++operations % 8 == 0)
            {
                reclaim.run();
            }
        }
        for (final Thread thread : readers)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertTrue(lookups.get() > 10_000, "readers ran: " + lookups.get());
        // Far more changes than the pool has nodes: nodes were unlinked and reused many times over.
        assertTrue(changes > 1_000, "writer ran: " + changes);

        for (int r = 0; r < routes.size(); r++)
        {
            if (present[r])
            {
                routes.get(r).delete().run();
            }
        }
        reclaim.run();
        System.out.printf("LpmConcurrencyTest: %d route changes, %d adds refused for want of nodes, %d concurrent lookups, " +
            "%d nodes left under the permanent route%n", changes, refused, lookups.get(), nodesInUse.getAsInt());
    }

    private static void read(final int reader, final Probe[] probes, final ReaderEpochs epochs,
        final AtomicReference<String> failure, final AtomicLong lookups, final long deadline)
    {
        long done = 0;
        try
        {
            while (System.nanoTime() < deadline && failure.get() == null)
            {
                for (int i = 0; i < BURST; i++)
                {
                    final Probe probe = probes[(int)((done + i) % probes.length)];
                    final int target = probe.lookup().getAsInt();
                    if (Arrays.binarySearch(probe.allowed(), target) < 0)
                    {
                        failure.compareAndSet(null, probe.name() + " gave " + target + ", allowed " + Arrays.toString(probe.allowed()));
                    }
                }
                done += BURST;
                epochs.quiescent(reader);
            }
        }
        finally
        {
            epochs.offline(reader);
            lookups.addAndGet(done);
        }
    }

    private static Route ipv4Route(final Ipv4Lpm lpm, final String prefix, final int depth, final int target)
    {
        final int address = ip(prefix);
        return new Route(() -> lpm.add(address, depth, target), () -> lpm.delete(address, depth));
    }

    private static Probe ipv4Probe(final Ipv4Lpm lpm, final String address, final int... allowed)
    {
        final int value = ip(address);
        final int[] sorted = allowed.clone();
        Arrays.sort(sorted);
        return new Probe(address, () -> lpm.lookup(value), sorted);
    }

    private static Route ipv6Route(final Ipv6Lpm lpm, final long hi, final long lo, final int depth, final int target)
    {
        return new Route(() -> lpm.add(hi, lo, depth, target), () -> lpm.delete(hi, lo, depth));
    }

    private static Probe ipv6Probe(final Ipv6Lpm lpm, final long hi, final long lo, final int... allowed)
    {
        final int[] sorted = allowed.clone();
        Arrays.sort(sorted);
        return new Probe(Long.toHexString(hi) + ":" + Long.toHexString(lo), () -> lpm.lookup(hi, lo), sorted);
    }
}
