package io.flowlane.perf.jmh;

import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.dataplane.fib.Ipv4Lpm;
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
 * {@link Ipv4Lpm#lookup} in a table of a million prefixes with an Internet-like length mix
 * ({@link SyntheticRoutes}: 60% /24, 22% /22–/23, the rest /12–/21, 3% /25–/32), per lookup.
 *
 * <ul>
 * <li>{@link #lookup}: 1024 independent lookups per call, as ip4-lookup does a burst, so the CPU
 *     can overlap their cache misses: the cost per lookup at full throughput.</li>
 * <li>{@link #lookupDependent}: each lookup's address depends on the previous lookup's target, so
 *     the misses cannot overlap: the latency of one lookup (hits only; see the loop).</li>
 * <li>{@link #build}: the million {@code add}s into an empty table, in ms, one build per iteration.</li>
 * </ul>
 *
 * <p>{@code addresses=hit}: 2^20 addresses under prefixes drawn uniformly from the million, each
 * with a route (two loads for the 3% under a /24 with longer prefixes). Uniform over prefixes
 * means nearly every lookup misses the caches and, with tbl24's 64 MiB on 4 KiB pages (as the
 * appliance allocates it), the TLB: the worst case. {@code hot}: the same, over 1024 of the
 * prefixes only, whose entries stay in the caches (real traffic concentrates on few prefixes;
 * perf/bench.sh sends to 200 addresses under one /24). {@code miss}: addresses where no prefix is,
 * in 200.0.0.0–223.255.255.255 (one load of an empty tbl24 entry, 6 MiB of tbl24 in all).
 *
 * <pre>./flowlane java org.openjdk.jmh.Main Ipv4LpmBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class Ipv4LpmBenchmark
{
    static final int PREFIXES = 1_000_000;
    static final long SEED = 0x5EED_0004L;
    static final int BATCH = 1024;
    /** addresses=hot: lookups spread over this many prefixes only, which stay in the caches. */
    static final int HOT_PREFIXES = 1024;
    /** Lookup addresses cycled through: 4 MiB, read sequentially, so they stay out of the way of the table. */
    static final int ADDRESSES = 1 << 20;

    /** The prefixes, generated once per fork. */
    @State(Scope.Benchmark)
    public static class Routes
    {
        SyntheticRoutes.Ipv4 routes;
        int tbl8Groups;

        @Setup(Level.Trial)
        public void setUp()
        {
            routes = SyntheticRoutes.Ipv4.generate(PREFIXES, SEED);
            // One per /24 holding longer prefixes, and room to spare as a deployment would configure.
            tbl8Groups = routes.tbl8GroupsNeeded() + 1024;
        }

        Ipv4Lpm build()
        {
            final Ipv4Lpm lpm = new Ipv4Lpm(tbl8Groups, GracePeriods.NONE);
            for (int i = 0; i < routes.size(); i++)
            {
                // Targets as adjacencies 0..1023, so results differ from route to route.
                lpm.add(routes.prefix[i], routes.depth[i], RouteTarget.adjacency(i & 1023));
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

        Ipv4Lpm lpm;
        int[] lookups;
        int cursor;

        @Setup(Level.Trial)
        public void setUp(final Routes routes)
        {
            final long start = System.nanoTime();
            lpm = routes.build();
            final long built = System.nanoTime() - start;
            System.out.printf("%n%s; built in %d ms, %d tbl8 groups in use, %d MiB off-heap%n", routes.routes.describe(),
                built / 1_000_000, lpm.nodesInUse(), (64L * 1024 * 1024 + ((long)lpm.nodeCapacity() << 10)) >> 20);
            final boolean hit = switch (addresses)
            {
                case "hit", "hot" -> true;
                case "miss" -> false;
                default -> throw new IllegalArgumentException("addresses " + addresses + ": hit, hot or miss");
            };
            final int prefixes = "hot".equals(addresses) ? HOT_PREFIXES : routes.routes.size();
            lookups = hit ? routes.routes.hits(ADDRESSES, prefixes, SEED + 1) : SyntheticRoutes.Ipv4.misses(ADDRESSES, SEED + 1);
            for (final int address : lookups)
            {
                if ((lpm.lookup(address) != RouteTarget.NONE) != hit)
                {
                    throw new IllegalStateException("address " + Integer.toHexString(address) + " should " +
                        (hit ? "" : "not ") + "have a route");
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
        final Ipv4Lpm lpm = table.lpm;
        final int[] lookups = table.lookups;
        final int from = table.cursor;
        int sum = 0;
        for (int i = 0; i < BATCH; i++)
        {
            sum += lpm.lookup(lookups[from + i]);
        }
        table.cursor = (from + BATCH) & (ADDRESSES - 1);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int lookupDependent(final Table table)
    {
        final Ipv4Lpm lpm = table.lpm;
        final int[] lookups = table.lookups;
        final int from = table.cursor;
        int target = 0;
        for (int i = 0; i < BATCH; i++)
        {
            // The next address depends on this lookup's target (adjacency i & 1023: its low bit
            // varies), so the loads cannot overlap. A miss returns the constant NONE, which the CPU
            // knows as soon as it predicts the branch: for misses this measures what lookup does.
            target = lpm.lookup(lookups[(from + i + (target & 1)) & (ADDRESSES - 1)]);
        }
        table.cursor = (from + BATCH) & (ADDRESSES - 1);
        return target;
    }

    /** The table built by the last {@link #build}, freed after its iteration. */
    @State(Scope.Thread)
    public static class Built
    {
        Ipv4Lpm lpm;

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
