package io.flowlane.perf.jmh;

import io.flowlane.perf.FrameTemplates;

import java.lang.foreign.Arena;
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
 * The Java cost of forwarding one 64-byte IPv4 packet: a burst of 32 runs through the worker's
 * real graph (ethernet-input → ip4-input → ip4-lookup → ip4-rewrite → tx) into a net_ring port.
 * {@link #baseline} does everything else the same (refill the frames, hand the burst to the ring,
 * take it back), so {@code forward − baseline} is what the graph adds per packet; the whole-system
 * comparison with l3fwd is perf/bench.sh.
 *
 * <pre>./flowlane java org.openjdk.jmh.Main ForwardingGraph</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ForwardingGraphBenchmark
{
    static final int BURST = WorkerGraphRig.BURST;
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 256}
        ports:
          - {name: west, device: net_ring_jmh_w_a}
          - {name: east, device: net_ring_jmh_e_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: east, port: east, ipv4: [10.1.0.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: east, address: 10.1.0.2, mac: "02:fe:00:00:01:02"}
          - {interface: east, address: 10.1.0.3, mac: "02:fe:00:00:01:03"}
          - {interface: east, address: 10.1.0.4, mac: "02:fe:00:00:01:04"}
        routes:
          - prefix: 198.18.0.0/16
            via: VIA
        """;
    /** One next hop; or two sharing the flows by ECMP plus a backup (weight 0), picked per packet by flow hash. */
    static final String ONE = "[{address: 10.1.0.2}]";
    static final String ECMP = "[{address: 10.1.0.2}, {address: 10.1.0.3}, {address: 10.1.0.4, weight: 0}]";

    @Param({"one", "ecmp"})
    public String nextHops;

    private final Arena arena = Arena.ofShared();
    private WorkerGraphRig rig;
    private FrameTemplates frames;

    @Setup(Level.Trial)
    public void setUp()
    {
        rig = new WorkerGraphRig(arena, YAML.replace("VIA", "ecmp".equals(nextHops) ? ECMP : ONE), "jmh_w", "jmh_e");
        frames = new FrameTemplates(arena, BURST, 64, rig.appliance.tables().interfaces().mac(0), 0x02_fe_00_00_01_01L,
            0x0A_00_00_02, 0xC6_12_01_01, BURST);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int forward()
    {
        rig.refill(frames.base, frames.length);
        rig.vector.load(BURST, 0);
        rig.graph.run(rig.vector);
        return rig.reclaim("forward");
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int baseline()
    {
        rig.refill(frames.base, frames.length);
        rig.vector.load(BURST, 0);
        rig.baseline();
        return rig.reclaim("baseline");
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        rig.close();
    }
}
