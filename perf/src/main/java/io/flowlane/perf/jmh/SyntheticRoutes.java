package io.flowlane.perf.jmh;

import java.util.SplittableRandom;

import org.agrona.collections.IntHashSet;
import org.agrona.collections.LongHashSet;

/**
 * Seeded routing tables with the prefix-length mix of the Internet's, for the LPM benchmarks:
 * the same seed gives the same prefixes and the same lookup addresses on every run.
 *
 * <p>The mixes are rounded from public BGP table statistics (RouteViews/RIPE RIS dumps, 2023–24):
 * IPv4 about 60% /24, 22% /22–/23, the rest /12–/21, with 3% more-specifics /25–/32 added that a
 * full table barely has but an appliance's own table (host routes, small customer nets) does;
 * IPv6 mostly /48, then /32, /44, /40, /36, /29. Prefixes are spread uniformly over announced-looking
 * space, so lookups that draw uniformly over prefixes (not weighted by traffic, which in real
 * traffic piles onto a few prefixes) touch the table about as cache-unfriendly as it gets.
 */
final class SyntheticRoutes
{
    /** Depth and its share in parts per 10 000; the 3% /25–/32 as 0.375% each. */
    private static final int[][] IPV4_MIX = {
        {12, 5}, {13, 5}, {14, 10}, {15, 10}, {16, 120}, {17, 70}, {18, 120}, {19, 240}, {20, 420}, {21, 500},
        {22, 1200}, {23, 1000}, {24, 6000},
        {25, 38}, {26, 38}, {27, 37}, {28, 37}, {29, 38}, {30, 38}, {31, 37}, {32, 37},
    };
    private static final int[][] IPV6_MIX = {
        {29, 400}, {32, 1200}, {36, 400}, {40, 700}, {42, 200}, {44, 800}, {46, 300}, {47, 200}, {48, 5500},
        {56, 200}, {64, 100},
    };
    /** First 16 bits of IPv6 space handed out: 2001::/16, 2003::/16 and the RIRs' /12s (2400, 2600, 2800, 2a00, 2c00). */
    private static final int[] IPV6_ROOTS = ipv6Roots();

    private SyntheticRoutes()
    {
    }

    /** A set of distinct IPv4 prefixes. */
    static final class Ipv4
    {
        final int[] prefix;
        final byte[] depth;

        private Ipv4(final int[] prefix, final byte[] depth)
        {
            this.prefix = prefix;
            this.depth = depth;
        }

        /**
         * {@code count} distinct prefixes with {@link #IPV4_MIX}'s lengths, under first octets 1..199
         * (10 and 127 left out); 200.0.0.0–223.255.255.255 stays empty for the misses.
         */
        static Ipv4 generate(final int count, final long seed)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int[] cumulative = cumulative(IPV4_MIX);
            final LongHashSet seen = new LongHashSet(count * 2);
            final int[] prefix = new int[count];
            final byte[] depth = new byte[count];
            int n = 0;
            while (n < count)
            {
                final int d = pick(IPV4_MIX, cumulative, random);
                int first;
                do
                {
                    first = 1 + random.nextInt(199);
                }
                while (first == 10 || first == 127);
                final int p = ((first << 24) | random.nextInt(1 << 24)) & mask(d);
                if (seen.add(((p & 0xFFFF_FFFFL) << 8) | d))
                {
                    prefix[n] = p;
                    depth[n] = (byte)d;
                    n++;
                }
            }
            return new Ipv4(prefix, depth);
        }

        int size()
        {
            return prefix.length;
        }

        /** tbl8 groups the table needs: one per /24 that holds a longer prefix. */
        int tbl8GroupsNeeded()
        {
            final IntHashSet groups = new IntHashSet();
            for (int i = 0; i < prefix.length; i++)
            {
                if (depth[i] > 24)
                {
                    groups.add(prefix[i] >>> 8);
                }
            }
            return groups.size();
        }

        /**
         * Addresses under prefixes drawn uniformly from {@code prefixes} of the table's (all of
         * them, or a few as busy traffic has), the host bits random: every one has a route.
         */
        int[] hits(final int count, final int prefixes, final long seed)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int[] chosen = choose(prefix.length, prefixes, random);
            final int[] addresses = new int[count];
            for (int i = 0; i < count; i++)
            {
                final int p = chosen[random.nextInt(chosen.length)];
                addresses[i] = prefix[p] | (random.nextInt() & ~mask(depth[p]));
            }
            return addresses;
        }

        /** Addresses in 200.0.0.0–223.255.255.255, where no prefix is. */
        static int[] misses(final int count, final long seed)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int[] addresses = new int[count];
            for (int i = 0; i < count; i++)
            {
                addresses[i] = ((200 + random.nextInt(24)) << 24) | random.nextInt(1 << 24);
            }
            return addresses;
        }

        /** "n prefixes: k /24 (x%), ..." for the benchmark's log. */
        String describe()
        {
            return SyntheticRoutes.describe(depth, 32);
        }

        private static int mask(final int depth)
        {
            return depth == 0 ? 0 : -1 << (32 - depth);
        }
    }

    /**
     * A set of distinct IPv6 prefixes, all of them /64 or shorter (so {@code lo} is 0). Providers'
     * allocations are random /32s (a quarter as many as prefixes) under {@link #IPV6_ROOTS}; the
     * /29s are allocations widened, and prefixes longer than /32 sit under an allocation, in one
     * of its first 16 /40s (providers assign from the start of their block), the bits below that
     * random.
     */
    static final class Ipv6
    {
        final long[] hi;
        final byte[] depth;

        private Ipv6(final long[] hi, final byte[] depth)
        {
            this.hi = hi;
            this.depth = depth;
        }

        static Ipv6 generate(final int count, final long seed)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final long[] allocations = new long[Math.max(1, count / 4)];
            final LongHashSet distinct = new LongHashSet(allocations.length * 2);
            for (int a = 0; a < allocations.length; )
            {
                final long allocation = ((long)IPV6_ROOTS[random.nextInt(IPV6_ROOTS.length)] << 48) |
                    ((long)random.nextInt(1 << 16) << 32);
                if (distinct.add(allocation))
                {
                    allocations[a++] = allocation;
                }
            }
            final int[] cumulative = cumulative(IPV6_MIX);
            final LongHashSet[] seen = new LongHashSet[65];
            final long[] hi = new long[count];
            final byte[] depth = new byte[count];
            int n = 0;
            while (n < count)
            {
                final int d = pick(IPV6_MIX, cumulative, random);
                long p = allocations[random.nextInt(allocations.length)];
                if (d > 32)
                {
                    p |= ((long)random.nextInt(16) << 24) | (random.nextInt() & 0x00FF_FFFFL);
                }
                p &= mask(d);
                if (seen[d] == null)
                {
                    seen[d] = new LongHashSet();
                }
                if (seen[d].add(p))
                {
                    hi[n] = p;
                    depth[n] = (byte)d;
                    n++;
                }
            }
            return new Ipv6(hi, depth);
        }

        int size()
        {
            return hi.length;
        }

        /**
         * 256-entry nodes an {@link io.flowlane.dataplane.fib.Ipv6Lpm} with a 16-bit root needs
         * for these prefixes: a prefix of depth {@code d > 16} needs one node on each level
         * 1..ceil((d - 16) / 8), the node on level {@code i} shared by every prefix with the same
         * first {@code 16 + 8(i - 1)} bits.
         */
        int nodesNeeded()
        {
            final LongHashSet[] nodes = new LongHashSet[7];
            int total = 0;
            for (int level = 1; level < nodes.length; level++)
            {
                nodes[level] = new LongHashSet();
            }
            for (int i = 0; i < hi.length; i++)
            {
                final int levels = depth[i] <= 16 ? 0 : (depth[i] - 16 + 7) / 8;
                for (int level = 1; level <= levels; level++)
                {
                    final int bits = 16 + 8 * (level - 1);
                    if (nodes[level].add(hi[i] >>> (64 - bits)))
                    {
                        total++;
                    }
                }
            }
            return total;
        }

        /** Addresses (hi, lo interleaved) under prefixes drawn uniformly from {@code prefixes} of the table's, host bits random. */
        long[] hits(final int count, final int prefixes, final long seed)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final int[] chosen = choose(hi.length, prefixes, random);
            final long[] addresses = new long[2 * count];
            for (int i = 0; i < count; i++)
            {
                final int p = chosen[random.nextInt(chosen.length)];
                addresses[2 * i] = hi[p] | (random.nextLong() & ~mask(depth[p]));
                addresses[2 * i + 1] = random.nextLong();
            }
            return addresses;
        }

        /** Addresses (hi, lo interleaved) in 3000::/4, where no prefix is. */
        static long[] misses(final int count, final long seed)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final long[] addresses = new long[2 * count];
            for (int i = 0; i < count; i++)
            {
                addresses[2 * i] = 0x3000_0000_0000_0000L | (random.nextLong() >>> 4);
                addresses[2 * i + 1] = random.nextLong();
            }
            return addresses;
        }

        String describe()
        {
            return SyntheticRoutes.describe(depth, 64);
        }

        private static long mask(final int depth)
        {
            return depth == 0 ? 0 : -1L << (64 - depth);
        }
    }

    /** {@code k} distinct indices of {@code 0..n-1} (all of them when {@code k >= n}). */
    private static int[] choose(final int n, final int k, final SplittableRandom random)
    {
        final int[] indices = new int[n];
        for (int i = 0; i < n; i++)
        {
            indices[i] = i;
        }
        final int chosen = Math.min(n, k);
        for (int i = 0; i < chosen; i++)
        {
            final int j = i + random.nextInt(n - i);
            final int swap = indices[i];
            indices[i] = indices[j];
            indices[j] = swap;
        }
        return java.util.Arrays.copyOf(indices, chosen);
    }

    private static int[] cumulative(final int[][] mix)
    {
        final int[] cumulative = new int[mix.length];
        int sum = 0;
        for (int i = 0; i < mix.length; i++)
        {
            sum += mix[i][1];
            cumulative[i] = sum;
        }
        if (sum != 10_000)
        {
            throw new IllegalStateException("prefix-length mix sums to " + sum + " parts per 10 000");
        }
        return cumulative;
    }

    private static int pick(final int[][] mix, final int[] cumulative, final SplittableRandom random)
    {
        final int r = random.nextInt(10_000);
        int i = 0;
        while (r >= cumulative[i])
        {
            i++;
        }
        return mix[i][0];
    }

    private static int[] ipv6Roots()
    {
        final int[] roots = new int[2 + 5 * 16];
        roots[0] = 0x2001;
        roots[1] = 0x2003;
        final int[] rirs = {0x2400, 0x2600, 0x2800, 0x2A00, 0x2C00};
        int n = 2;
        for (final int rir : rirs)
        {
            for (int i = 0; i < 16; i++)
            {
                roots[n++] = rir + i;
            }
        }
        return roots;
    }

    private static String describe(final byte[] depths, final int maxDepth)
    {
        final int[] counts = new int[maxDepth + 1];
        for (final byte d : depths)
        {
            counts[d]++;
        }
        final StringBuilder text = new StringBuilder().append(depths.length).append(" prefixes:");
        for (int d = 0; d <= maxDepth; d++)
        {
            if (counts[d] > 0)
            {
                text.append(String.format(" /%d %.1f%%", d, 100.0 * counts[d] / depths.length));
            }
        }
        return text.toString();
    }
}
