package io.flowlane.dataplane.fib;

import static io.flowlane.dataplane.fib.Ipv4LpmTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowlane.dataplane.packet.Ipv6Header;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

class Ipv6LpmTest
{
    /** Nested routes over 2001:db8:1234:5678:9abc:def0:1234:5678 at the root, level and half boundaries. */
    private static final long[][] NESTED = {
        {0, 0, 0, 100},
        {0x2001_0000_0000_0000L, 0, 16, 116},
        {0x2001_0000_0000_0000L, 0, 17, 117},
        {0x2001_0db8_1234_0000L, 0, 48, 148},
        {0x2001_0db8_1234_5678L, 0, 64, 164},
        {0x2001_0db8_1234_5678L, 0x8000_0000_0000_0000L, 65, 165},
        {0x2001_0db8_1234_5678L, 0x9abc_def0_1234_5678L, 128, 228},
    };

    @Test
    void lookupReturnsLongestMatchingPrefix()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(32, GracePeriods.NONE))
        {
            for (final long[] route : NESTED)
            {
                lpm.add(route[0], route[1], (int)route[2], (int)route[3]);
            }
            assertEquals(228, lpm.lookup(0x2001_0db8_1234_5678L, 0x9abc_def0_1234_5678L));
            assertEquals(165, lpm.lookup(0x2001_0db8_1234_5678L, 0x9abc_def0_1234_5679L));
            assertEquals(165, lpm.lookup(0x2001_0db8_1234_5678L, 0xFFFF_FFFF_FFFF_FFFFL));
            assertEquals(164, lpm.lookup(0x2001_0db8_1234_5678L, 0x7FFF_FFFF_FFFF_FFFFL));
            assertEquals(148, lpm.lookup(0x2001_0db8_1234_5679L, 0));
            assertEquals(117, lpm.lookup(0x2001_0db8_1235_0000L, 1));
            assertEquals(116, lpm.lookup(0x2001_8000_0000_0000L, 0));
            assertEquals(100, lpm.lookup(0x2002_0000_0000_0000L, 0));
            assertEquals(100, lpm.lookup(0, 0));
            assertEquals(100, lpm.lookup(-1L, -1L));
            assertEquals(7, lpm.routeCount());
            assertEquals(14, lpm.nodesInUse(), "the /128 needs a node at each of the 14 levels below the root");
        }
    }

    @Test
    void deleteRestoresCoveringRoute()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(32, GracePeriods.NONE))
        {
            lpm.add(0x2001_0db8_0000_0000L, 0, 32, 1);
            lpm.add(0x2001_0db8_0001_0000L, 0, 48, 2);
            lpm.add(0x2001_0db8_0001_0000L, 1, 128, 3);
            assertTrue(lpm.delete(0x2001_0db8_0001_0000L, 0, 48));
            assertEquals(1, lpm.lookup(0x2001_0db8_0001_0000L, 2));
            assertEquals(3, lpm.lookup(0x2001_0db8_0001_0000L, 1));
            assertTrue(lpm.delete(0x2001_0db8_0001_0000L, 1, 128));
            assertEquals(1, lpm.lookup(0x2001_0db8_0001_0000L, 1));
            lpm.reclaim();
            assertEquals(2, lpm.nodesInUse(), "only the /32's path (/24 and /32 levels) is left");
            assertFalse(lpm.delete(0x2001_0db8_0001_0000L, 1, 128));
            assertTrue(lpm.delete(0x2001_0db8_0000_0000L, 0, 32));
            lpm.reclaim();
            assertEquals(0, lpm.nodesInUse());
            assertEquals(RouteTarget.NONE, lpm.lookup(0x2001_0db8_0001_0000L, 1));
        }
    }

    @Test
    void addAndDeleteInEveryOrderKeepTheLongestMatch()
    {
        final long[][] probes = boundaryProbes();
        try (Ipv6Lpm lpm = new Ipv6Lpm(32, GracePeriods.NONE))
        {
            final boolean[] present = new boolean[NESTED.length];
            final List<int[]> orders = permutations(new int[] {0, 1, 2, 3, 4, 5, 6});
            assertEquals(5040, orders.size());
            for (final int[] order : orders)
            {
                for (final int route : order)
                {
                    lpm.add(NESTED[route][0], NESTED[route][1], (int)NESTED[route][2], (int)NESTED[route][3]);
                    present[route] = true;
                    checkNested(lpm, probes, present, order);
                }
                for (final int route : order)
                {
                    assertTrue(lpm.delete(NESTED[route][0], NESTED[route][1], (int)NESTED[route][2]));
                    present[route] = false;
                    checkNested(lpm, probes, present, order);
                }
                lpm.reclaim();
                assertEquals(0, lpm.nodesInUse(), "nodes left after order " + Arrays.toString(order));
                assertEquals(0, lpm.routeCount());
            }
        }
    }

    @Test
    void forEachRouteVisitsRoutesByDepthThenUnsignedPrefix()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(64, GracePeriods.NONE))
        {
            lpm.add(0xFE80_0000_0000_0000L, 0, 10, 3);
            lpm.add(0x2001_0db8_0000_0000L, 0, 32, 2);
            lpm.add(0x2001_0db8_0000_0000L, 2, 128, 5);
            lpm.add(0x2001_0db8_0000_0000L, 0x8000_0000_0000_0001L, 128, 6);
            lpm.add(0x2001_0db8_0000_0000L, 1, 128, 4);
            lpm.add(0, 0, 0, 1);
            final List<String> visited = new ArrayList<>();
            lpm.forEachRoute((hi, lo, depth, target) -> visited.add(Ipv6Header.toString(hi, lo) + "/" + depth + "=" + target));
            assertEquals(List.of(Ipv6Header.toString(0, 0) + "/0=1", Ipv6Header.toString(0xFE80_0000_0000_0000L, 0) + "/10=3",
                Ipv6Header.toString(0x2001_0db8_0000_0000L, 0) + "/32=2",
                Ipv6Header.toString(0x2001_0db8_0000_0000L, 1) + "/128=4",
                Ipv6Header.toString(0x2001_0db8_0000_0000L, 2) + "/128=5",
                Ipv6Header.toString(0x2001_0db8_0000_0000L, 0x8000_0000_0000_0001L) + "/128=6"), visited);
        }
    }

    @Test
    void matchesReferenceUnderRandomAddsAndDeletes()
    {
        final Random random = new Random(6);
        final long[][] seeds = new long[16][];
        for (int s = 0; s < seeds.length; s++)
        {
            seeds[s] = new long[] {0x2001_0db8_0000_0000L | (random.nextLong() >>> 32), random.nextLong()};
        }
        final ReferenceLpm reference = new ReferenceLpm(128);
        final List<long[]> live = new ArrayList<>();
        int peakNodes = 0;
        try (Ipv6Lpm lpm = new Ipv6Lpm(1 << 16, GracePeriods.NONE))
        {
            for (int op = 0; op < 20_000; op++)
            {
                if (live.isEmpty() || random.nextInt(100) < 60)
                {
                    // Few routes of /16 or less: each rewrites a whole root range and every node below it.
                    final int depth = random.nextInt(16) == 0 ? random.nextInt(17) : 17 + random.nextInt(112);
                    final long[] address = clustered(random, seeds);
                    final long hi = address[0] & ReferenceLpm.maskHi(depth);
                    final long lo = address[1] & ReferenceLpm.maskLo(depth);
                    final int target = random.nextInt(RouteTarget.MASK + 1);
                    lpm.add(hi, lo, depth, target);
                    if (reference.add(hi, lo, depth, target))
                    {
                        live.add(new long[] {hi, lo, depth});
                    }
                    checkAround(lpm, reference, hi, lo, depth, random, seeds);
                }
                else if (random.nextInt(10) == 0)
                {
                    final int depth = random.nextInt(129);
                    final long[] address = clustered(random, seeds);
                    final long hi = address[0] & ReferenceLpm.maskHi(depth);
                    final long lo = address[1] & ReferenceLpm.maskLo(depth);
                    assertEquals(reference.delete(hi, lo, depth), lpm.delete(hi, lo, depth));
                    checkAround(lpm, reference, hi, lo, depth, random, seeds);
                }
                else
                {
                    final int pick = random.nextInt(live.size());
                    final long[] route = live.get(pick);
                    live.set(pick, live.get(live.size() - 1));
                    live.remove(live.size() - 1);
                    assertEquals(reference.delete(route[0], route[1], (int)route[2]), lpm.delete(route[0], route[1], (int)route[2]));
                    checkAround(lpm, reference, route[0], route[1], (int)route[2], random, seeds);
                }
                peakNodes = Math.max(peakNodes, lpm.nodesInUse());
                if (op % 1000 == 0)
                {
                    assertEquals(reference.size(), lpm.routeCount());
                }
            }
            for (final long[] route : reference.routes())
            {
                assertTrue(lpm.delete(route[0], route[1], (int)route[2]));
            }
            lpm.reclaim();
            assertEquals(0, lpm.routeCount());
            assertEquals(0, lpm.nodesInUse(), "every node is free once every route is gone (peak " + peakNodes + ")");
        }
    }

    /**
     * 200,000 prefixes shaped like an IPv6 Internet table: 30,000 random /32 allocations under a
     * few regional /16 blocks, most routes /32-/48 inside them, some /49-/64 and a few /128 host
     * routes, assigned mostly from the bottom of each allocation as registries do (uniformly
     * random bits below /32 would cost a node per level per route: over 280,000 nodes).
     */
    @Test
    void holdsTwoHundredThousandPrefixes()
    {
        final int count = 200_000;
        final Random random = new Random(200_000);
        final long[] regions = {0x2001L, 0x2400L, 0x2401L, 0x2403L, 0x2600L, 0x2602L, 0x2605L, 0x2607L, 0x2800L, 0x2803L,
            0x2a00L, 0x2a01L, 0x2a02L, 0x2a03L, 0x2a05L, 0x2a06L, 0x2a0aL, 0x2c0fL};
        final long[] allocations = new long[30_000];
        for (int a = 0; a < allocations.length; a++)
        {
            allocations[a] = (regions[random.nextInt(regions.length)] << 48) | ((random.nextLong() >>> 48) << 32);
        }
        final ReferenceLpm reference = new ReferenceLpm(128);
        final long[][] routes = new long[count][];
        int generated = 0;
        while (generated < count)
        {
            final int depth = internetDepth(random);
            final long allocation = allocations[random.nextInt(allocations.length)];
            final long hi = (allocation | assignedBelow(random)) & ReferenceLpm.maskHi(depth);
            final long lo = random.nextLong() & ReferenceLpm.maskLo(depth);
            if (!reference.contains(hi, lo, depth))
            {
                final int target = random.nextInt(RouteTarget.MASK + 1);
                reference.add(hi, lo, depth, target);
                routes[generated++] = new long[] {hi, lo, depth, target};
            }
        }

        try (Ipv6Lpm lpm = new Ipv6Lpm(1 << 18, GracePeriods.NONE))
        {
            final long addStart = System.nanoTime();
            for (final long[] route : routes)
            {
                lpm.add(route[0], route[1], (int)route[2], (int)route[3]);
            }
            final long addNanos = System.nanoTime() - addStart;
            assertEquals(count, lpm.routeCount());

            for (int i = 0; i < 300_000; i++)
            {
                final long allocation = allocations[random.nextInt(allocations.length)];
                checkLookup(lpm, reference, allocation | assignedBelow(random), random.nextLong());
                checkLookup(lpm, reference, allocation | (random.nextLong() >>> 32), random.nextLong());
                checkLookup(lpm, reference, random.nextLong(), random.nextLong());
            }
            for (int i = 0; i < count; i += 2)
            {
                final long[] route = routes[i];
                final int depth = (int)route[2];
                final long lastHi = route[0] | ~ReferenceLpm.maskHi(depth);
                final long lastLo = route[1] | ~ReferenceLpm.maskLo(depth);
                checkLookup(lpm, reference, route[0], route[1]);
                checkLookup(lpm, reference, lastHi, lastLo);
                checkLookup(lpm, reference, route[1] == 0 ? route[0] - 1 : route[0], route[1] - 1);
                checkLookup(lpm, reference, lastLo == -1L ? lastHi + 1 : lastHi, lastLo + 1);
            }
            System.out.printf("Ipv6Lpm: %d prefixes added in %d ms, %d nodes of %d used (%d MiB)%n", count,
                addNanos / 1_000_000, lpm.nodesInUse(), lpm.nodeCapacity(), lpm.nodesInUse() / 1024);
        }
    }

    @Test
    void lookupDoesNotAllocate()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(32, GracePeriods.NONE))
        {
            for (final long[] route : NESTED)
            {
                lpm.add(route[0], route[1], (int)route[2], (int)route[3]);
            }
            final long[][] probes = boundaryProbes();
            long sink = 0;
            for (int i = 0; i < 200_000; i++)
            {
                final long[] probe = probes[i % probes.length];
                sink += lpm.lookup(probe[0], probe[1]);
            }
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000_000; i++)
            {
                final long[] probe = probes[i % probes.length];
                sink += lpm.lookup(probe[0], probe[1]);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated by a million lookups (checksum " + sink + ")");
        }
    }

    @Test
    void outOfNodesThrowsAndLeavesNothingHalfApplied()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(10, GracePeriods.NONE))
        {
            lpm.add(0x2001_0db8_0000_0000L, 0, 32, 1);
            assertEquals(2, lpm.nodesInUse());
            final int before1 = lpm.lookup(0x2001_0db8_0000_0000L, 1);
            final int before2 = lpm.lookup(0x2001_0db8_0001_0000L, 0);

            // A /128 under the /32 needs 12 more nodes; 8 are free. None may be taken.
            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> lpm.add(0x2001_0db8_0000_0000L, 1, 128, 2));
            assertMessage(full, "2001:db8:0:0:0:0:0:1/128", "out of nodes", "needs 12", "10 configured");
            assertEquals(2, lpm.nodesInUse());
            assertEquals(1, lpm.routeCount());
            assertEquals(before1, lpm.lookup(0x2001_0db8_0000_0000L, 1));
            assertEquals(before2, lpm.lookup(0x2001_0db8_0001_0000L, 0));
            assertFalse(lpm.delete(0x2001_0db8_0000_0000L, 1, 128));

            // The same depth fits where the path is shorter: a /64 needs 4 more.
            lpm.add(0x2001_0db8_0000_0001L, 0, 64, 3);
            assertEquals(6, lpm.nodesInUse());
            assertEquals(3, lpm.lookup(0x2001_0db8_0000_0001L, 1));
        }
    }

    @Test
    void rejectsBadArgumentsNamingTheField()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(4, GracePeriods.NONE))
        {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(0x2001_0000_0000_0000L, 0, 129, 1)),
                "depth", "129");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(0x2001_0000_0000_0000L, 0, -1, 1)),
                "depth", "-1");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.delete(0, 0, 200)), "depth", "200");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(0x2001_0000_0000_0000L, 0, 16, -5)),
                "target", "-5", "2001:0:0:0:0:0:0:0/16");
            assertMessage(assertThrows(IllegalArgumentException.class,
                () -> lpm.add(0x2001_0000_0000_0000L, 0, 16, RouteTarget.MASK + 1)), "target");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(0x2001_0db8_0000_0000L, 0, 16, 1)),
                "prefix", "2001:db8:0:0:0:0:0:0/16", "2001:0:0:0:0:0:0:0/16");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(0x2001_0db8_0000_0000L, 1, 64, 1)),
                "prefix", "/64");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.delete(0, 1, 127)), "prefix", "/127");
            assertEquals(0, lpm.routeCount());
            assertEquals(0, lpm.nodesInUse());
        }
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Ipv6Lpm(-1, GracePeriods.NONE)), "nodes");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Ipv6Lpm(4, null)), "gracePeriods");
    }

    // ---- helpers ----

    /** Each nested prefix's first and last address and their neighbours outside it. */
    private static long[][] boundaryProbes()
    {
        final List<long[]> probes = new ArrayList<>();
        for (final long[] route : NESTED)
        {
            final int depth = (int)route[2];
            final long lastHi = route[0] | ~ReferenceLpm.maskHi(depth);
            final long lastLo = route[1] | ~ReferenceLpm.maskLo(depth);
            probes.add(new long[] {route[0], route[1]});
            probes.add(new long[] {lastHi, lastLo});
            probes.add(new long[] {route[1] == 0 ? route[0] - 1 : route[0], route[1] - 1});
            probes.add(new long[] {lastLo == -1L ? lastHi + 1 : lastHi, lastLo + 1});
        }
        return probes.toArray(new long[0][]);
    }

    private static void checkNested(final Ipv6Lpm lpm, final long[][] probes, final boolean[] present, final int[] order)
    {
        for (final long[] probe : probes)
        {
            int expected = RouteTarget.NONE;
            int expectedDepth = -1;
            for (int r = 0; r < NESTED.length; r++)
            {
                final int depth = (int)NESTED[r][2];
                if (present[r] && (probe[0] & ReferenceLpm.maskHi(depth)) == NESTED[r][0] &&
                    (probe[1] & ReferenceLpm.maskLo(depth)) == NESTED[r][1] && depth > expectedDepth)
                {
                    expected = (int)NESTED[r][3];
                    expectedDepth = depth;
                }
            }
            final int actual = lpm.lookup(probe[0], probe[1]);
            if (actual != expected)
            {
                fail("order " + Arrays.toString(order) + ", present " + Arrays.toString(present) + ": " +
                    Ipv6Header.toString(probe[0], probe[1]) + " gave " + actual + ", expected " + expected);
            }
        }
    }

    private static List<int[]> permutations(final int[] items)
    {
        final List<int[]> result = new ArrayList<>();
        permute(items.clone(), 0, result);
        return result;
    }

    private static void permute(final int[] items, final int from, final List<int[]> result)
    {
        if (from == items.length)
        {
            result.add(items.clone());
            return;
        }
        for (int i = from; i < items.length; i++)
        {
            int t = items[from];
            items[from] = items[i];
            items[i] = t;
            permute(items, from + 1, result);
            t = items[from];
            items[from] = items[i];
            items[i] = t;
        }
    }

    /** A seed address with up to three of its bits 16..127 flipped, so that prefixes nest and overlap. */
    private static long[] clustered(final Random random, final long[][] seeds)
    {
        final long[] seed = seeds[random.nextInt(seeds.length)];
        long hi = seed[0];
        long lo = seed[1];
        final int flips = random.nextInt(4);
        for (int f = 0; f < flips; f++)
        {
            final int bit = 16 + random.nextInt(112);
            if (bit < 64)
            {
                hi ^= 1L << (63 - bit);
            }
            else
            {
                lo ^= 1L << (127 - bit);
            }
        }
        return new long[] {hi, lo};
    }

    private static void checkAround(final Ipv6Lpm lpm, final ReferenceLpm reference, final long hi, final long lo,
        final int depth, final Random random, final long[][] seeds)
    {
        final long lastHi = hi | ~ReferenceLpm.maskHi(depth);
        final long lastLo = lo | ~ReferenceLpm.maskLo(depth);
        checkLookup(lpm, reference, hi, lo);
        checkLookup(lpm, reference, lastHi, lastLo);
        checkLookup(lpm, reference, lo == 0 ? hi - 1 : hi, lo - 1);
        checkLookup(lpm, reference, lastLo == -1L ? lastHi + 1 : lastHi, lastLo + 1);
        checkLookup(lpm, reference, hi | (random.nextLong() & ~ReferenceLpm.maskHi(depth)),
            lo | (random.nextLong() & ~ReferenceLpm.maskLo(depth)));
        for (int i = 0; i < 4; i++)
        {
            final long[] near = clustered(random, seeds);
            checkLookup(lpm, reference, near[0], near[1]);
        }
        checkLookup(lpm, reference, random.nextLong(), random.nextLong());
    }

    private static void checkLookup(final Ipv6Lpm lpm, final ReferenceLpm reference, final long hi, final long lo)
    {
        final int expected = reference.lookup(hi, lo);
        final int actual = lpm.lookup(hi, lo);
        if (actual != expected)
        {
            fail(Ipv6Header.toString(hi, lo) + ": lookup gave " + actual + ", the reference " + expected +
                " (covering routes " + reference.covering(hi, lo) + ")");
        }
        final int generic = lpm.trie().lookup(hi, lo);
        if (generic != expected)
        {
            fail(Ipv6Header.toString(hi, lo) + ": the generic walk gave " + generic + ", the reference " + expected);
        }
    }

    /**
     * Bits 32..63 below an allocation the way registries hand them out: mostly from the bottom
     * up (the first few hundred /48s, the first /56s and /64s of those), now and then anywhere.
     */
    private static long assignedBelow(final Random random)
    {
        final long site = random.nextInt(8) == 0 ? random.nextInt(1 << 16) : random.nextInt(256);
        final long subnet = random.nextInt(8) == 0 ? random.nextInt(1 << 16) : random.nextInt(16);
        return (site << 16) | subnet;
    }

    /** About 3% /19-/31, 22% /32, 55% /33-/48 (mostly /48), 19% /49-/64, 1% /128. */
    private static int internetDepth(final Random random)
    {
        final int band = random.nextInt(100);
        if (band < 3)
        {
            return 19 + random.nextInt(13);
        }
        if (band < 25)
        {
            return 32;
        }
        if (band < 80)
        {
            return random.nextInt(3) == 0 ? 33 + random.nextInt(15) : 48;
        }
        if (band < 99)
        {
            return random.nextInt(2) == 0 ? 49 + random.nextInt(15) : 64;
        }
        return 128;
    }
}
