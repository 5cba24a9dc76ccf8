package io.flowlane.dataplane.fib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowlane.dataplane.packet.Ipv4Header;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

class Ipv4LpmTest
{
    /** Nested routes over 10.1.2.3 at the depths that matter to DIR-24-8: none, tbl24 only, tbl8. */
    private static final int[][] NESTED = {
        {ip("0.0.0.0"), 0, 100},
        {ip("10.0.0.0"), 8, 108},
        {ip("10.1.0.0"), 16, 116},
        {ip("10.1.2.0"), 24, 124},
        {ip("10.1.2.0"), 25, 125},
        {ip("10.1.2.0"), 30, 130},
        {ip("10.1.2.3"), 32, 132},
    };

    private static int ip(final String text)
    {
        return Ipv4Header.parse(text);
    }

    @Test
    void emptyTableMissesEverything()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            assertEquals(RouteTarget.NONE, lpm.lookup(ip("10.1.2.3")));
            assertEquals(RouteTarget.NONE, lpm.lookup(0));
            assertEquals(RouteTarget.NONE, lpm.lookup(-1));
            assertEquals(0, lpm.routeCount());
            assertEquals(0, lpm.nodesInUse());
            assertEquals(4, lpm.nodeCapacity());
        }
    }

    @Test
    void lookupReturnsLongestMatchingPrefix()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            for (final int[] route : NESTED)
            {
                lpm.add(route[0], route[1], route[2]);
            }
            assertEquals(132, lpm.lookup(ip("10.1.2.3")));
            assertEquals(130, lpm.lookup(ip("10.1.2.0")));
            assertEquals(130, lpm.lookup(ip("10.1.2.2")));
            assertEquals(125, lpm.lookup(ip("10.1.2.4")));
            assertEquals(125, lpm.lookup(ip("10.1.2.127")));
            assertEquals(124, lpm.lookup(ip("10.1.2.128")));
            assertEquals(124, lpm.lookup(ip("10.1.2.255")));
            assertEquals(116, lpm.lookup(ip("10.1.1.255")));
            assertEquals(116, lpm.lookup(ip("10.1.3.0")));
            assertEquals(108, lpm.lookup(ip("10.2.0.0")));
            assertEquals(108, lpm.lookup(ip("10.255.255.255")));
            assertEquals(100, lpm.lookup(ip("9.255.255.255")));
            assertEquals(100, lpm.lookup(ip("11.0.0.0")));
            assertEquals(100, lpm.lookup(ip("255.255.255.255")));
            assertEquals(100, lpm.lookup(ip("0.0.0.0")));
            assertEquals(7, lpm.routeCount());
            assertEquals(1, lpm.nodesInUse(), "only 10.1.2.0/24 holds routes longer than /24");
        }
    }

    @Test
    void shorterRouteAddedLaterDoesNotOverrideLongerOnes()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(ip("10.1.2.128"), 25, 1);
            lpm.add(ip("10.1.2.0"), 24, 2);
            lpm.add(ip("10.0.0.0"), 8, 3);
            lpm.add(0, 0, 4);
            assertEquals(1, lpm.lookup(ip("10.1.2.200")));
            assertEquals(2, lpm.lookup(ip("10.1.2.100")));
            assertEquals(3, lpm.lookup(ip("10.1.3.0")));
            assertEquals(4, lpm.lookup(ip("11.1.2.200")));
        }
    }

    @Test
    void defaultRouteCoversEveryAddress()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(0, 0, 7);
            final Random random = new Random(7);
            for (int i = 0; i < 10_000; i++)
            {
                assertEquals(7, lpm.lookup(random.nextInt()));
            }
            assertEquals(7, lpm.lookup(0));
            assertEquals(7, lpm.lookup(-1));
            assertTrue(lpm.delete(0, 0));
            assertEquals(RouteTarget.NONE, lpm.lookup(ip("1.2.3.4")));
        }
    }

    @Test
    void addingAnExistingRouteReplacesItsTarget()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(ip("10.0.0.0"), 8, 1);
            lpm.add(ip("10.0.0.16"), 28, 2);
            lpm.add(ip("10.0.0.0"), 8, 11);
            lpm.add(ip("10.0.0.16"), 28, 12);
            assertEquals(11, lpm.lookup(ip("10.0.0.1")));
            assertEquals(12, lpm.lookup(ip("10.0.0.17")));
            assertEquals(2, lpm.routeCount());
            assertEquals(1, lpm.nodesInUse());
            assertTrue(lpm.delete(ip("10.0.0.16"), 28));
            assertEquals(11, lpm.lookup(ip("10.0.0.17")), "the replaced /8 is what the /28 falls back to");
        }
    }

    @Test
    void deleteRestoresCoveringRoute()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(ip("10.0.0.0"), 8, 1);
            lpm.add(ip("10.1.0.0"), 16, 2);
            lpm.add(ip("10.1.2.0"), 26, 3);
            assertTrue(lpm.delete(ip("10.1.0.0"), 16));
            assertEquals(1, lpm.lookup(ip("10.1.3.3")), "the /8 covers what the /16 covered");
            assertEquals(3, lpm.lookup(ip("10.1.2.3")), "the /26 is untouched");
            assertEquals(1, lpm.lookup(ip("10.1.2.64")), "the /8 fills the rest of the tbl8 group");
            assertTrue(lpm.delete(ip("10.1.2.0"), 26));
            assertEquals(1, lpm.lookup(ip("10.1.2.3")));
            lpm.reclaim();
            assertEquals(0, lpm.nodesInUse(), "a group holding only the /8 collapses back into tbl24");
            assertTrue(lpm.delete(ip("10.0.0.0"), 8));
            assertEquals(RouteTarget.NONE, lpm.lookup(ip("10.1.2.3")));
            assertEquals(0, lpm.routeCount());
        }
    }

    @Test
    void deleteReturnsFalseForUnknownRoute()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(ip("10.0.0.0"), 8, 1);
            assertFalse(lpm.delete(ip("10.0.0.0"), 9));
            assertFalse(lpm.delete(ip("11.0.0.0"), 8));
            assertFalse(lpm.delete(0, 0));
            assertTrue(lpm.delete(ip("10.0.0.0"), 8));
            assertFalse(lpm.delete(ip("10.0.0.0"), 8));
            assertEquals(0, lpm.routeCount());
        }
    }

    /**
     * Every order of adding and then deleting the nested /8../32 routes (the /0 stays throughout,
     * since each /0 change rewrites all 2^24 tbl24 entries), checking every boundary address after
     * every step.
     */
    @Test
    void addAndDeleteInEveryOrderKeepTheLongestMatch()
    {
        final int[] probes = boundaryProbes(NESTED);
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(0, 0, 100);
            final boolean[] present = new boolean[NESTED.length];
            present[0] = true;
            final List<int[]> orders = permutations(new int[] {1, 2, 3, 4, 5, 6});
            assertEquals(720, orders.size());
            for (final int[] order : orders)
            {
                for (final int route : order)
                {
                    lpm.add(NESTED[route][0], NESTED[route][1], NESTED[route][2]);
                    present[route] = true;
                    checkNested(lpm::lookup, probes, present, order);
                }
                for (final int route : order)
                {
                    assertTrue(lpm.delete(NESTED[route][0], NESTED[route][1]));
                    present[route] = false;
                    checkNested(lpm::lookup, probes, present, order);
                }
                lpm.reclaim();
                assertEquals(0, lpm.nodesInUse(), "nodes left after order " + Arrays.toString(order));
                assertEquals(1, lpm.routeCount());
            }
        }
    }

    /**
     * All 7! orders of the nested routes including the /0, on the same engine with an 8-bit root,
     * so that the routes spread over four levels and collapses cascade through several of them.
     */
    @Test
    void addAndDeleteInEveryOrderKeepTheLongestMatchAcrossFourLevels()
    {
        final int[] probes = boundaryProbes(NESTED);
        try (MultibitTrie trie = new MultibitTrie(32, 8, 8, GracePeriods.NONE))
        {
            final boolean[] present = new boolean[NESTED.length];
            final List<int[]> orders = permutations(new int[] {0, 1, 2, 3, 4, 5, 6});
            assertEquals(5040, orders.size());
            for (final int[] order : orders)
            {
                for (final int route : order)
                {
                    trie.add((long)NESTED[route][0] << 32, 0, NESTED[route][1], NESTED[route][2]);
                    present[route] = true;
                    checkNested(address -> trie.lookup((long)address << 32, 0), probes, present, order);
                }
                assertEquals(3, trie.nodesInUse(), "the /32 needs a node at each level below the root");
                for (final int route : order)
                {
                    assertTrue(trie.delete((long)NESTED[route][0] << 32, 0, NESTED[route][1]));
                    present[route] = false;
                    checkNested(address -> trie.lookup((long)address << 32, 0), probes, present, order);
                }
                trie.reclaim();
                assertEquals(0, trie.nodesInUse(), "nodes left after order " + Arrays.toString(order));
                assertEquals(0, trie.routeCount());
            }
        }
    }

    @Test
    void forEachRouteVisitsRoutesByDepthThenUnsignedPrefix()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(4, GracePeriods.NONE))
        {
            lpm.add(ip("192.168.1.0"), 24, 5);
            lpm.add(ip("10.0.0.0"), 8, 1);
            lpm.add(ip("200.0.0.0"), 8, 2);
            lpm.add(ip("10.1.2.3"), 32, 9);
            lpm.add(ip("10.1.2.0"), 24, 4);
            lpm.add(0, 0, 0);
            lpm.add(ip("128.0.0.0"), 8, 3);
            final List<String> visited = new ArrayList<>();
            lpm.forEachRoute((prefix, depth, target) -> visited.add(Ipv4Header.toString(prefix) + "/" + depth + "=" + target));
            assertEquals(List.of("0.0.0.0/0=0", "10.0.0.0/8=1", "128.0.0.0/8=3", "200.0.0.0/8=2",
                "10.1.2.0/24=4", "192.168.1.0/24=5", "10.1.2.3/32=9"), visited);
        }
    }

    @Test
    void matchesReferenceUnderRandomAddsAndDeletes()
    {
        final Random random = new Random(42);
        // Clustered prefixes (a few seed addresses with a few bits flipped) so that routes nest,
        // overlap and share tbl8 groups, which uniform random prefixes almost never do.
        final int[] seeds = new int[24];
        for (int s = 0; s < seeds.length; s++)
        {
            seeds[s] = s % 2 == 0 ? ip("10.0.0.0") | random.nextInt(1 << 24) : ip("192.168.0.0") | random.nextInt(1 << 16);
        }
        final ReferenceLpm reference = new ReferenceLpm(32);
        final List<int[]> live = new ArrayList<>();
        try (Ipv4Lpm lpm = new Ipv4Lpm(4096, GracePeriods.NONE))
        {
            for (int op = 0; op < 40_000; op++)
            {
                if (live.isEmpty() || random.nextInt(100) < 60)
                {
                    // Few routes shorter than /8: each rewrites 2^(24 - depth) tbl24 entries.
                    final int depth = random.nextInt(500) == 0 ? random.nextInt(8) : 8 + random.nextInt(25);
                    final int prefix = clustered(random, seeds) & ReferenceLpm.mask4(depth);
                    final int target = random.nextInt(RouteTarget.MASK + 1);
                    lpm.add(prefix, depth, target);
                    if (reference.add((long)prefix << 32, 0, depth, target))
                    {
                        live.add(new int[] {prefix, depth});
                    }
                    checkAround(lpm, reference, prefix, depth, random, seeds);
                }
                else if (random.nextInt(10) == 0)
                {
                    final int depth = random.nextInt(33);
                    final int prefix = clustered(random, seeds) & ReferenceLpm.mask4(depth);
                    assertEquals(reference.delete((long)prefix << 32, 0, depth), lpm.delete(prefix, depth));
                    checkAround(lpm, reference, prefix, depth, random, seeds);
                }
                else
                {
                    final int pick = random.nextInt(live.size());
                    final int[] route = live.get(pick);
                    live.set(pick, live.get(live.size() - 1));
                    live.remove(live.size() - 1);
                    // The random deletes above may have taken it already: then both must say false.
                    assertEquals(reference.delete((long)route[0] << 32, 0, route[1]), lpm.delete(route[0], route[1]));
                    checkAround(lpm, reference, route[0], route[1], random, seeds);
                }
                if (op % 1000 == 0)
                {
                    assertEquals(reference.size(), lpm.routeCount());
                }
            }
            for (final long[] route : reference.routes())
            {
                assertTrue(lpm.delete((int)(route[0] >>> 32), (int)route[2]));
            }
            lpm.reclaim();
            assertEquals(0, lpm.routeCount());
            assertEquals(0, lpm.nodesInUse(), "every tbl8 group is free once every route is gone");
            assertEquals(RouteTarget.NONE, lpm.lookup(seeds[0]));
        }
    }

    /**
     * A million distinct random prefixes with a length mix like a full Internet table (most /24,
     * then /17-/23, a tenth /25-/32 to exercise tbl8 groups, and a few /8-/16).
     */
    @Test
    void holdsOneMillionPrefixes()
    {
        final int count = 1_000_000;
        final Random random = new Random(1_000_000);
        final ReferenceLpm reference = new ReferenceLpm(32);
        final int[] prefixes = new int[count];
        final int[] depths = new int[count];
        final int[] targets = new int[count];
        int generated = 0;
        while (generated < count)
        {
            final int depth = internetDepth(random);
            final int prefix = random.nextInt() & ReferenceLpm.mask4(depth);
            final int target = random.nextInt(RouteTarget.MASK + 1);
            if (!reference.contains((long)prefix << 32, 0, depth))
            {
                reference.add((long)prefix << 32, 0, depth, target);
                prefixes[generated] = prefix;
                depths[generated] = depth;
                targets[generated] = target;
                generated++;
            }
        }

        final long heapBefore = usedHeapAfterGc();
        try (Ipv4Lpm lpm = new Ipv4Lpm(Ipv4Lpm.DEFAULT_TBL8_GROUPS, GracePeriods.NONE))
        {
            final long addStart = System.nanoTime();
            for (int i = 0; i < count; i++)
            {
                lpm.add(prefixes[i], depths[i], targets[i]);
            }
            final long addNanos = System.nanoTime() - addStart;
            final long rulesHeap = usedHeapAfterGc() - heapBefore;
            assertEquals(count, lpm.routeCount());

            for (int i = 0; i < 1_000_000; i++)
            {
                final int address = random.nextInt();
                checkLookup(lpm, reference, address);
            }
            // Random addresses rarely land in a /25-/32: probe the edges and inside of prefixes too.
            for (int i = 0; i < count; i += 5)
            {
                final int first = prefixes[i];
                final int last = first | ~ReferenceLpm.mask4(depths[i]);
                checkLookup(lpm, reference, first);
                checkLookup(lpm, reference, last);
                checkLookup(lpm, reference, first - 1);
                checkLookup(lpm, reference, last + 1);
                checkLookup(lpm, reference, first | (random.nextInt() & ~ReferenceLpm.mask4(depths[i])));
            }

            final int[] addresses = new int[1 << 20];
            for (int i = 0; i < addresses.length; i++)
            {
                addresses[i] = random.nextInt();
            }
            long sink = 0;
            long lookupNanos = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++)
            {
                final long lookupStart = System.nanoTime();
                for (final int address : addresses)
                {
                    sink += lpm.lookup(address);
                }
                lookupNanos = Math.min(lookupNanos, System.nanoTime() - lookupStart);
            }
            System.out.printf("Ipv4Lpm: %d prefixes added in %d ms, %d tbl8 groups of %d used (%d MiB off-heap in all), " +
                "rules %d MiB of heap (%d MiB of heap in use after GC at the end), %.1f ns per random lookup (checksum %d)%n",
                count, addNanos / 1_000_000, lpm.nodesInUse(), lpm.nodeCapacity(), 64 + lpm.nodeCapacity() / 1024,
                rulesHeap >> 20, usedHeapAfterGc() >> 20, (double)lookupNanos / addresses.length, sink);
        }
    }

    @Test
    void lookupDoesNotAllocate()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(16, GracePeriods.NONE))
        {
            lpm.add(ip("10.0.0.0"), 8, 1);
            lpm.add(ip("10.1.2.128"), 25, 2);
            final int[] addresses = {ip("10.1.2.200"), ip("10.1.2.1"), ip("10.9.9.9"), ip("11.0.0.0")};
            long sink = 0;
            for (int i = 0; i < 200_000; i++)
            {
                sink += lpm.lookup(addresses[i & 3]);
            }
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000_000; i++)
            {
                sink += lpm.lookup(addresses[i & 3]);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, allocated, "bytes allocated by a million lookups");
            // 300,000 rounds over the four addresses: the /25, the /8 twice, and a miss.
            assertEquals(300_000L * (2 + 1 + 1 + RouteTarget.NONE), sink);
        }
    }

    @Test
    void outOfNodesThrowsAndLeavesTableUnchanged()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(2, GracePeriods.NONE))
        {
            lpm.add(ip("10.0.0.0"), 8, 1);
            lpm.add(ip("10.0.0.128"), 25, 2);
            lpm.add(ip("10.0.1.0"), 26, 3);
            final int[] probes = new int[1 << 12];
            for (int i = 0; i < probes.length; i++)
            {
                probes[i] = ip("10.0.0.0") + i;
            }
            final int[] before = lookupAll(lpm, probes);
            final List<String> routesBefore = dump(lpm);

            final IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> lpm.add(ip("10.0.2.0"), 25, 4));
            assertTrue(full.getMessage().contains("10.0.2.0/25"), full.getMessage());
            assertTrue(full.getMessage().contains("out of nodes"), full.getMessage());
            assertTrue(full.getMessage().contains("2 configured"), full.getMessage());

            assertEquals(Arrays.toString(before), Arrays.toString(lookupAll(lpm, probes)));
            assertEquals(routesBefore, dump(lpm));
            assertEquals(3, lpm.routeCount());
            assertEquals(2, lpm.nodesInUse());

            // Routes that need no new group still go in: /24 and shorter, or under a group in use.
            lpm.add(ip("10.0.2.0"), 24, 5);
            lpm.add(ip("10.0.0.128"), 25, 6);
            lpm.add(ip("10.0.1.64"), 27, 7);
            assertEquals(5, lpm.lookup(ip("10.0.2.1")));
            assertEquals(6, lpm.lookup(ip("10.0.0.129")));
            assertEquals(7, lpm.lookup(ip("10.0.1.65")));
            assertEquals(2, lpm.nodesInUse());
        }
    }

    @Test
    void rejectsDepthOutOfRangeNamingTheDepth()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(2, GracePeriods.NONE))
        {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(ip("10.0.0.0"), 33, 1)), "depth", "33");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(ip("10.0.0.0"), -1, 1)), "depth", "-1");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.delete(ip("10.0.0.0"), 40)), "depth", "40");
            assertEquals(0, lpm.routeCount());
        }
    }

    @Test
    void rejectsTargetOutOfRangeNamingTheTarget()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(2, GracePeriods.NONE))
        {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(ip("10.0.0.0"), 8, -1)),
                "target", "10.0.0.0/8");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(ip("10.0.0.0"), 8, RouteTarget.MASK + 1)),
                "target", String.valueOf(RouteTarget.MASK + 1));
            lpm.add(ip("10.0.0.0"), 8, RouteTarget.MASK);
            assertEquals(RouteTarget.MASK, lpm.lookup(ip("10.9.9.9")), "the largest target fits");
        }
    }

    @Test
    void rejectsPrefixWithHostBitsSetNamingThePrefix()
    {
        try (Ipv4Lpm lpm = new Ipv4Lpm(2, GracePeriods.NONE))
        {
            final IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> lpm.add(ip("10.0.0.1"), 8, 1));
            assertMessage(add, "prefix", "10.0.0.1/8", "10.0.0.0/8");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.delete(ip("10.1.2.129"), 25)),
                "prefix", "10.1.2.129/25");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> lpm.add(ip("0.0.0.1"), 0, 1)),
                "prefix", "0.0.0.1/0");
            assertEquals(0, lpm.routeCount());
            assertEquals(RouteTarget.NONE, lpm.lookup(ip("10.0.0.1")));
        }
    }

    @Test
    void rejectsBadConstructionNamingTheField()
    {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Ipv4Lpm(-1, GracePeriods.NONE)), "tbl8Groups");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Ipv4Lpm(MultibitTrie.MAX_NODES + 1, GracePeriods.NONE)),
            "tbl8Groups");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Ipv4Lpm(1, null)), "gracePeriods");
    }

    @Test
    void closeIsIdempotentAndRefusesLaterUpdates()
    {
        final Ipv4Lpm lpm = new Ipv4Lpm(1, GracePeriods.NONE);
        lpm.add(ip("10.0.0.0"), 8, 1);
        lpm.close();
        lpm.close();
        assertThrows(IllegalStateException.class, () -> lpm.add(ip("10.0.0.0"), 8, 1));
    }

    // ---- helpers ----

    @FunctionalInterface
    private interface Lookup
    {
        int lookup(int address);
    }

    /** Each nested prefix's first and last address and their neighbours outside it. */
    private static int[] boundaryProbes(final int[][] routes)
    {
        final List<Integer> probes = new ArrayList<>();
        for (final int[] route : routes)
        {
            final int first = route[0];
            final int last = first | ~ReferenceLpm.mask4(route[1]);
            probes.add(first);
            probes.add(last);
            probes.add(first - 1);
            probes.add(last + 1);
        }
        probes.add(ip("10.1.2.3"));
        probes.add(ip("10.1.2.200"));
        return probes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Checks every probe against the longest present nested route that covers it. */
    private static void checkNested(final Lookup lookup, final int[] probes, final boolean[] present, final int[] order)
    {
        for (final int probe : probes)
        {
            int expected = RouteTarget.NONE;
            int expectedDepth = -1;
            for (int r = 0; r < NESTED.length; r++)
            {
                final int mask = ReferenceLpm.mask4(NESTED[r][1]);
                if (present[r] && (probe & mask) == NESTED[r][0] && NESTED[r][1] > expectedDepth)
                {
                    expected = NESTED[r][2];
                    expectedDepth = NESTED[r][1];
                }
            }
            final int actual = lookup.lookup(probe);
            if (actual != expected)
            {
                fail("order " + Arrays.toString(order) + ", present " + Arrays.toString(present) +
                    ": " + Ipv4Header.toString(probe) + " gave " + actual + ", expected " + expected);
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
            swap(items, from, i);
            permute(items, from + 1, result);
            swap(items, from, i);
        }
    }

    private static void swap(final int[] items, final int a, final int b)
    {
        final int t = items[a];
        items[a] = items[b];
        items[b] = t;
    }

    private static int clustered(final Random random, final int[] seeds)
    {
        int address = seeds[random.nextInt(seeds.length)];
        final int flips = random.nextInt(4);
        for (int f = 0; f < flips; f++)
        {
            address ^= 1 << random.nextInt(24);
        }
        return address;
    }

    private static void checkAround(final Ipv4Lpm lpm, final ReferenceLpm reference, final int prefix, final int depth,
        final Random random, final int[] seeds)
    {
        final int last = prefix | ~ReferenceLpm.mask4(depth);
        checkLookup(lpm, reference, prefix);
        checkLookup(lpm, reference, last);
        checkLookup(lpm, reference, prefix - 1);
        checkLookup(lpm, reference, last + 1);
        checkLookup(lpm, reference, prefix | (random.nextInt() & ~ReferenceLpm.mask4(depth)));
        for (int i = 0; i < 4; i++)
        {
            checkLookup(lpm, reference, clustered(random, seeds) ^ random.nextInt(256));
        }
        checkLookup(lpm, reference, random.nextInt());
    }

    private static void checkLookup(final Ipv4Lpm lpm, final ReferenceLpm reference, final int address)
    {
        final int expected = reference.lookup((long)address << 32, 0);
        final int actual = lpm.lookup(address);
        if (actual != expected)
        {
            fail(Ipv4Header.toString(address) + ": lookup gave " + actual + ", the reference " + expected +
                " (covering routes " + reference.covering((long)address << 32, 0) + ")");
        }
        final int generic = lpm.trie().lookup((long)address << 32, 0);
        if (generic != expected)
        {
            fail(Ipv4Header.toString(address) + ": the generic walk gave " + generic + ", the reference " + expected);
        }
    }

    /** About 60% /24, 25% /17-/23, 10% /25-/32, 5% /8-/16; longer prefixes more common within each band. */
    private static int internetDepth(final Random random)
    {
        final int band = random.nextInt(100);
        if (band < 60)
        {
            return 24;
        }
        if (band < 85)
        {
            return 23 - Math.min(6, Integer.numberOfTrailingZeros(random.nextInt()));
        }
        if (band < 95)
        {
            return 25 + random.nextInt(8);
        }
        return 16 - Math.min(8, Integer.numberOfTrailingZeros(random.nextInt()));
    }

    private static long usedHeapAfterGc()
    {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int[] lookupAll(final Ipv4Lpm lpm, final int[] addresses)
    {
        final int[] targets = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++)
        {
            targets[i] = lpm.lookup(addresses[i]);
        }
        return targets;
    }

    private static List<String> dump(final Ipv4Lpm lpm)
    {
        final List<String> routes = new ArrayList<>();
        lpm.forEachRoute((prefix, depth, target) -> routes.add(Ipv4Header.toString(prefix) + "/" + depth + "=" + target));
        return routes;
    }

    static void assertMessage(final Exception exception, final String... fragments)
    {
        for (final String fragment : fragments)
        {
            assertTrue(exception.getMessage().contains(fragment),
                "message '" + exception.getMessage() + "' should mention '" + fragment + "'");
        }
    }
}
