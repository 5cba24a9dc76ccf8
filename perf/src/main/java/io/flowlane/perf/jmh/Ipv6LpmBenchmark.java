package io.flowlane.perf.jmh;

import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.dataplane.fib.Ipv6Lpm;
import io.flowlane.dataplane.fib.RouteTarget;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Ipv6Lpm#lookup} in a table of {@code prefixes} prefixes (default 200 000, about today's
 * global IPv6 table) with an Internet-like length mix ({@link SyntheticRoutes}: 55% /48, 12% /32,
 * 8% /44, 7% /40, the rest /29–/64), per lookup; the same benchmarks and {@code addresses} as
 * {@link Ipv4LpmBenchmark}. A lookup is one load per level: 5 for a /48 (the 16-bit root, then a
 * byte a level), 3 for a /32; a miss ({@code addresses=miss}, in 3000::/4 where nothing is) is
 * one load of the root (256 KiB).
 *
 * <pre>./flowlane java org.openjdk.jmh.Main Ipv6LpmBenchmark -prof gc
 * ./flowlane java org.openjdk.jmh.Main Ipv6LpmBenchmark -p prefixes=1000000</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class Ipv6LpmBenchmark
{
    static final long SEED = 0x5EED_0006L;
    static final int BATCH = 1024;
    /** addresses=hot: lookups spread over this many prefixes only, which stay in the caches. */
    static final int HOT_PREFIXES = 1024;
    /** Lookup addresses cycled through (hi, lo interleaved: 16 MiB, read sequentially). */
    static final int ADDRESSES = 1 << 20;

    /** The prefixes, generated once per fork. */
    @State(Scope.Benchmark)
    public static class Routes
    {
        @Param({"200000"})
        public int prefixes;

        SyntheticRoutes.Ipv6 routes;
        int nodes;

        @Setup(Level.Trial)
        public void setUp()
        {
            routes = SyntheticRoutes.Ipv6.generate(prefixes, SEED);
            nodes = routes.nodesNeeded() + 1024;
        }

        Ipv6Lpm build()
        {
            final Ipv6Lpm lpm = new Ipv6Lpm(nodes, GracePeriods.NONE);
            for (int i = 0; i < routes.size(); i++)
            {
                lpm.add(routes.hi[i], 0, routes.depth[i], RouteTarget.adjacency(i & 1023));
            }
            return lpm;
        }
    }

    /** The built table and the addresses to look up. */
    @State(Scope.Benchmark)
    public static class Table
    {
        @Param({"hit", "hot", "miss"})
        public String addresses;

        Ipv6Lpm lpm;
        long[] lookups;
        int cursor;

        @Setup(Level.Trial)
        public void setUp(final Routes routes)
        {
            final long start = System.nanoTime();
            lpm = routes.build();
            final long built = System.nanoTime() - start;
            System.out.printf("%n%s; built in %d ms, %d nodes in use, %d MiB off-heap%n", routes.routes.describe(),
                built / 1_000_000, lpm.nodesInUse(), (256L * 1024 + ((long)lpm.nodeCapacity() << 10)) >> 20);
            final boolean hit = switch (addresses)
            {
                case "hit", "hot" -> true;
                case "miss" -> false;
                default -> throw new IllegalArgumentException("addresses " + addresses + ": hit, hot or miss");
            };
            final int prefixes = "hot".equals(addresses) ? HOT_PREFIXES : routes.routes.size();
            lookups = hit ? routes.routes.hits(ADDRESSES, prefixes, SEED + 1) : SyntheticRoutes.Ipv6.misses(ADDRESSES, SEED + 1);
            for (int i = 0; i < ADDRESSES; i++)
            {
                if ((lpm.lookup(lookups[2 * i], lookups[2 * i + 1]) != RouteTarget.NONE) != hit)
                {
                    throw new IllegalStateException("address " + Long.toHexString(lookups[2 * i]) + ":" +
                        Long.toHexString(lookups[2 * i + 1]) + " should " + (hit ? "" : "not ") + "have a route");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            lpm.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lookup(final Table table)
    {
        final Ipv6Lpm lpm = table.lpm;
        final long[] lookups = table.lookups;
        final int from = 2 * table.cursor;
        int sum = 0;
        for (int i = 0; i < 2 * BATCH; i += 2)
        {
            sum += lpm.lookup(lookups[from + i], lookups[from + i + 1]);
        }
        table.cursor = (table.cursor + BATCH) & (ADDRESSES - 1);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lookupDependent(final Table table)
    {
        final Ipv6Lpm lpm = table.lpm;
        final long[] lookups = table.lookups;
        final int from = table.cursor;
        int target = 0;
        for (int i = 0; i < BATCH; i++)
        {
            // The next address depends on this lookup's target (adjacency i & 1023: its low bit
            // varies), so the loads cannot overlap. A miss returns the constant NONE, which the CPU
            // knows as soon as it predicts the branch: for misses this measures what lookup does.
            final int a = 2 * ((from + i + (target & 1)) & (ADDRESSES - 1));
            target = lpm.lookup(lookups[a], lookups[a + 1]);
        }
        table.cursor = (from + BATCH) & (ADDRESSES - 1);
        return target;
    }

    /** The table built by the last {@link #build}, freed after its iteration. */
    @State(Scope.Thread)
    public static class Built
    {
        Ipv6Lpm lpm;

        @TearDown(Level.Iteration)
        public void free()
        {
            if (lpm != null)
            {
                lpm.close();
                lpm = null;
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int build(final Routes routes, final Built built)
    {
        built.lpm = routes.build();
        return built.lpm.routeCount();
    }
}
