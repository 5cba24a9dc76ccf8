package io.flowlane.perf.jmh;

import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.pipeline.EthernetInput;
import io.flowlane.dataplane.pipeline.Ipv4Input;
import io.flowlane.dataplane.pipeline.Ipv6Input;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.StageId;
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
 * The parse stages' cost per packet: a burst of 32 smallest UDP frames in real mbufs (from the
 * appliance's pool, {@link WorkerGraphRig}) through the real {@link EthernetInput} and then
 * {@link Ipv4Input} or {@link Ipv6Input}, called directly, outside the graph.
 *
 * <ul>
 * <li>{@link #load}: {@link PacketVector#load} alone (what a worker does with every received
 *     burst before the first stage), the baseline;</li>
 * <li>{@link #ethernetInput}: load, then ethernet-input (length, VLAN, interface from (port, VLAN),
 *     destination MAC, ether type);</li>
 * <li>{@link #parse}: load, ethernet-input, then ip4-input (RFC 1812 checks and the header
 *     checksum in software, as memif reports no checksum offload) or ip6-input.</li>
 * </ul>
 *
 * <p>So {@code ethernetInput − load} is ethernet-input per packet and {@code parse − ethernetInput}
 * the IP input stage. The stages change nothing in these frames (no padding to trim), so the same
 * burst is parsed again and again and its 32 frames and mbufs stay in L1: this is the stages' own
 * work, not the first touch of a packet that has just arrived (that miss is paid in the
 * driver's copy, see docs/performance.md). {@code family=ipv4}: 60-byte frames (64 on the wire);
 * {@code ipv6}: 62-byte frames (Ethernet, IPv6, UDP without payload).
 *
 * <pre>./flowlane java org.openjdk.jmh.Main InputStagesBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class InputStagesBenchmark
{
    static final int BURST = WorkerGraphRig.BURST;
    static final long PEER_MAC = 0x02_fe_00_00_01_01L;
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 256}
        ports:
          - {name: west, device: net_ring_jmh_iw_a}
          - {name: east, device: net_ring_jmh_ie_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24], ipv6: ["2001:db8::1/64"]}
          - {name: east, port: east, ipv4: [10.1.0.1/24], ipv6: ["2001:db8:1::1/64"]}
        workers: {count: 1, idle: backoff}
        """;

    @Param({"ipv4", "ipv6"})
    public String family;

    private final Arena arena = Arena.ofShared();
    private final EthernetInput ethernet = new EthernetInput();
    private final Ipv4Input ip4 = new Ipv4Input();
    private final Ipv6Input ip6 = new Ipv6Input();
    private WorkerGraphRig rig;
    private PacketVector vector;
    private int rxPort;
    private boolean ipv6;
    private byte expected;

    @Setup(Level.Trial)
    public void setUp()
    {
        ipv6 = switch (family)
        {
            case "ipv4" -> false;
            case "ipv6" -> true;
            default -> throw new IllegalArgumentException("family " + family + ": ipv4 or ipv6");
        };
        rig = new WorkerGraphRig(arena, YAML, "jmh_iw", "jmh_ie");
        vector = rig.vector;
        rxPort = rig.appliance.port("west").id();
        final long westMac = rig.appliance.tables().interfaces().mac(0);
        if (ipv6)
        {
            final int length = EthernetHeader.LENGTH + Ipv6Header.LENGTH + 8;
            final long frames = arena.allocate((long)BURST * length, 64).address();
            final long source = Ipv6Header.parse("2001:db8::2")[0];
            final long destination = Ipv6Header.parse("2001:db8:100::")[0];
            for (int i = 0; i < BURST; i++)
            {
                final long eth = frames + (long)i * length;
                EthernetHeader.write(eth, westMac, PEER_MAC, 0, EthernetHeader.TYPE_IPV6);
                final long ip = eth + EthernetHeader.LENGTH;
                Ipv6Header.write(ip, 8, 17, 64, source, 2, destination, i + 1);
                final long udp = ip + Ipv6Header.LENGTH;
                NativeMemory.u16be(udp, 10000 + i);
                NativeMemory.u16be(udp + 2, 4789);
                NativeMemory.u16be(udp + 4, 8);
                NativeMemory.u16be(udp + 6, 0); // ip6-input does not look at it
            }
            rig.refill(frames, length);
            expected = StageId.IP6_LOOKUP;
        }
        else
        {
            final FrameTemplates frames = new FrameTemplates(arena, BURST, 64, westMac, PEER_MAC, 0x0A_00_00_02, 0xC6_12_01_01, BURST);
            rig.refill(frames.base, frames.length);
            expected = StageId.IP4_LOOKUP;
        }
        parse();
        check();
    }

    /** Every packet went on to lookup: nothing was dropped or left behind. */
    private void check()
    {
        for (int i = 0; i < BURST; i++)
        {
            if (vector.next[i] != expected)
            {
                throw new IllegalStateException(family + ": packet " + i + " went to stage " + vector.next[i] +
                    " (drop reason " + vector.dropReason[i] + "), not to lookup " + expected);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long load()
    {
        vector.load(BURST, rxPort);
        return vector.pending;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long ethernetInput()
    {
        vector.load(BURST, rxPort);
        ethernet.process(vector);
        return vector.pending;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public long parse()
    {
        vector.load(BURST, rxPort);
        ethernet.process(vector);
        if (ipv6)
        {
            ip6.process(vector);
        }
        else
        {
            ip4.process(vector);
        }
        return vector.pending;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        parse();
        check();
        rig.close();
    }
}
