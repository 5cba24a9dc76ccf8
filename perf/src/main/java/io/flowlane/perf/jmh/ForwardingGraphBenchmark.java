package io.flowlane.perf.jmh;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.eal.EalConfig;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.pipeline.IcmpRateLimiter;
import io.flowlane.dataplane.pipeline.NeighborEvents;
import io.flowlane.dataplane.pipeline.PacketGraph;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.port.MbufPool;
import io.flowlane.dataplane.port.RingPortPair;
import io.flowlane.perf.FrameTemplates;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
    static final int BURST = 32;
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
        routes:
          - prefix: 198.18.0.0/16
            via: [{address: 10.1.0.2}]
        """;

    private final Arena arena = Arena.ofShared();
    private Appliance appliance;
    private EthPort east;
    private EthPort eastPeer;
    private long scratch;
    private PacketGraph graph;
    private PacketVector vector;
    private FrameTemplates frames;
    private long[] mbufs;

    @Setup(Level.Trial)
    public void setUp()
    {
        // Hugepages as deployed, unless -Dflowlane.noHuge=true (then ordinary 4 KiB pages, as in the tests).
        final boolean noHuge = Boolean.getBoolean("flowlane.noHuge");
        final EalConfig eal = new EalConfig(java.util.List.of(), java.util.List.of(), noHuge, noHuge ? 512 : 256,
            "flowlane-jmh-" + ProcessHandle.current().pid(), false, "warning", java.util.List.of());
        Eal.init(eal);
        final MbufPool peerPool = MbufPool.create("jmh_peer", 1023, 0, MbufPool.DEFAULT_DATA_ROOM, -1);
        final EthPort westPeer = RingPortPair.create("jmh_w", 1, 1024).b();
        westPeer.configure(1, 1, 1024, 1024, peerPool, false, 0);
        westPeer.start();
        eastPeer = RingPortPair.create("jmh_e", 1, 1024).b();
        eastPeer.configure(1, 1, 1024, 1024, peerPool, false, 0);
        eastPeer.start();
        final ApplianceConfig parsed = ConfigLoader.parse("jmh.yaml", YAML);
        appliance = Appliance.start(parsed.embeddedIn(eal));
        // The appliance's own worker idles on its empty rings; this thread is the benchmark's worker.
        graph = new PacketGraph(arena, 0, 0, new NeighborEvents(1024), new IcmpRateLimiter(1000, 100), appliance.pool().address());
        vector = new PacketVector(arena, new WorkerStats());
        vector.tables = appliance.tables();
        east = appliance.port("east");
        scratch = arena.allocate(ValueLayout.JAVA_LONG, BURST).address();
        frames = new FrameTemplates(arena, BURST, 64, appliance.tables().interfaces().mac(0), 0x02_fe_00_00_01_01L,
            0x0A_00_00_02, 0xC6_12_01_01, BURST);
        mbufs = new long[BURST];
        for (int i = 0; i < BURST; i++)
        {
            mbufs[i] = FastPath.alloc(appliance.pool().address());
        }
    }

    /** Puts the pristine 64-byte frame back in every mbuf and hands the burst to the vector. */
    private void refill()
    {
        final long array = vector.rxArrayAddress;
        for (int i = 0; i < BURST; i++)
        {
            final long m = mbufs[i];
            Mbuf.resetHeadroom(m);
            Mbuf.setLength(m, frames.length);
            NativeMemory.move(frames.address(i), Mbuf.data(m), frames.length);
            NativeMemory.u64(array + i * 8L, m);
        }
    }

    /**
     * Takes the burst back from the ring it was transmitted into (port "east" → its peer). Every
     * packet must come back: a dropped one would mean the benchmark measured something else.
     */
    private int reclaim()
    {
        final int received = FastPath.rxBurst(eastPeer.id(), 0, scratch, BURST);
        for (int i = 0; i < received; i++)
        {
            mbufs[i] = NativeMemory.u64(scratch + i * 8L);
        }
        if (received != BURST)
        {
            throw new IllegalStateException("forwarded " + received + " of " + BURST + " packets; drops " + java.util.Arrays.toString(vector.stats.drops));
        }
        return received;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int forward()
    {
        refill();
        vector.load(BURST, 0);
        graph.run(vector);
        return reclaim();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int baseline()
    {
        refill();
        vector.load(BURST, 0);
        FastPath.txBurst(east.id(), 0, vector.rxArrayAddress, BURST);
        return reclaim();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        appliance.close();
    }
}
