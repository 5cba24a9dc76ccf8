package io.flowlane.perf.jmh;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.perf.FrameTemplates;
import io.flowlane.tunnels.esp.EspHeader;
import io.flowlane.tunnels.gre.GreHeader;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.HexFormat;
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
 * The Java cost per packet of the tunnel stages, through the real stages in a worker's real graph
 * (the tunnels module plugged in as the appliance plugs it), in the style of
 * {@link ForwardingGraphBenchmark}: a burst of 32 IPv4 packets runs through the graph into a
 * net_ring port and is taken back.
 *
 * <ul>
 * <li>{@code forward}: plain routing (ethernet-input → ip4-input → ip4-lookup → ip4-rewrite → tx),
 *     the reference the tunnel paths are compared with.</li>
 * <li>{@code gre-encap}: routed into a GRE tunnel with a key: … ip4-lookup → gre-encap →
 *     ip4-lookup (outer) → ip4-rewrite → tx.</li>
 * <li>{@code esp-encrypt}: routed into an ESP tunnel (AES-128-GCM, ESN): … ip4-lookup →
 *     esp-encrypt → ip4-lookup (outer) → ip4-rewrite → tx.</li>
 * <li>{@code gre-decap}: GRE from the tunnel's peer: ethernet-input → ip4-input → ip4-local →
 *     gre-decap → ip4-input (inner) → ip4-lookup → ip4-rewrite → tx.</li>
 * <li>{@code esp-decrypt}: ESP from the peer, the same way through esp-decrypt (anti-replay
 *     window, ICV check, selectors).</li>
 * </ul>
 *
 * <p>{@code size} is the plain frame on the wire (64 or 1400 bytes with FCS): the packet before
 * encapsulation, or after decapsulation. {@link #baseline} does everything else the same for
 * each path (refill the frames, hand them to the ring, take them back), so
 * {@code graph − baseline} is what the graph costs per packet, and that of a tunnel path minus
 * that of {@code forward} is what the tunnel adds. For esp-decrypt every packet needs a new
 * sequence number (the replay window rejects repeats), so its refill seals each packet anew with
 * the peer's SA; the baseline does the same sealing, so it cancels out in the subtraction.
 *
 * <pre>./flowlane java org.openjdk.jmh.Main TunnelStages</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class TunnelStagesBenchmark
{
    static final int BURST = WorkerGraphRig.BURST;
    static final long PEER_MAC = 0x02_fe_00_00_01_02L;
    static final int LOCAL = Ipv4Header.parse("10.1.0.1");
    static final int PEER = Ipv4Header.parse("10.1.0.2");
    static final int INNER_SOURCE = Ipv4Header.parse("10.0.0.2");
    static final long GRE_KEY = 42;
    /** The peer's outbound SA = our inbound SA of esp1. */
    static final int IN_SPI = 0x2001;
    static final String IN_KEY = "ffeeddccbbaa99887766554433221100";
    static final int IN_SALT = 0x0a0b_0c0d;

    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 256}
        ports:
          - {name: west, device: net_ring_jmh_tw_a}
          - {name: east, device: net_ring_jmh_te_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: east, port: east, ipv4: [10.1.0.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: east, address: 10.1.0.2, mac: "02:fe:00:00:01:02"}
        tunnels:
          - {name: gre1, protocol: gre, source: 10.1.0.1, destination: 10.1.0.2, key: 42}
          - name: esp1
            protocol: esp
            source: 10.1.0.1
            destination: 10.1.0.2
            outbound-sa: {spi: 0x1001, key: 00112233445566778899aabbccddeeff, salt: "01020304", esn: true}
            inbound-sa:  {spi: 0x2001, key: ffeeddccbbaa99887766554433221100, salt: 0a0b0c0d, esn: true, replay-window: 1024}
        routes:
          - {prefix: 198.18.0.0/16, via: [{address: 10.1.0.2}]}
          - {prefix: 198.19.0.0/16, via: [{tunnel: gre1}]}
          - {prefix: 198.20.0.0/16, via: [{tunnel: esp1}]}
        """;

    @Param({"forward", "gre-encap", "esp-encrypt", "gre-decap", "esp-decrypt"})
    public String path;
    /** Plain frame size on the wire, FCS included. */
    @Param({"64", "1400"})
    public int size;

    private final Arena arena = Arena.ofShared();
    private WorkerGraphRig rig;
    private int rxPort;
    /** The frames that arrive, one per packet of the burst, and their length. */
    private long templates;
    private int templateLength;
    // esp-decrypt: the peer's sealing
    private boolean seal;
    private long sealContext;
    private long nonce;
    private long aad;
    private int plaintext;
    private long peerSequence;

    @Setup(Level.Trial)
    public void setUp()
    {
        rig = new WorkerGraphRig(arena, YAML, "jmh_tw", "jmh_te");
        if (rig.appliance.extensions().isEmpty())
        {
            throw new IllegalStateException("the tunnels module is not on the class path");
        }
        buildTemplates();
        // Once, outside the measurement: the path does what it says.
        graph();
        check();
    }

    private void buildTemplates()
    {
        final long westMac = rig.appliance.tables().interfaces().mac(0);
        final long eastMac = rig.appliance.tables().interfaces().mac(1);
        final int dstBase = switch (path)
        {
            case "gre-encap" -> Ipv4Header.parse("198.19.1.1");
            case "esp-encrypt" -> Ipv4Header.parse("198.20.1.1");
            case "forward", "gre-decap", "esp-decrypt" -> Ipv4Header.parse("198.18.1.1");
            default -> throw new IllegalArgumentException("path " + path);
        };
        final FrameTemplates plain = new FrameTemplates(arena, BURST, size, westMac, 0x02_fe_00_00_01_01L, INNER_SOURCE, dstBase, BURST);
        final int innerIp = plain.length - EthernetHeader.LENGTH;
        switch (path)
        {
            case "forward", "gre-encap", "esp-encrypt" ->
            {
                rxPort = rig.appliance.port("west").id();
                templates = plain.base;
                templateLength = plain.length;
            }
            case "gre-decap" ->
            {
                rxPort = rig.east.id();
                final int greLength = GreHeader.length(false, true, false);
                templateLength = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH + greLength + innerIp;
                templates = arena.allocate((long)BURST * templateLength, 64).address();
                for (int i = 0; i < BURST; i++)
                {
                    final long eth = templates + (long)i * templateLength;
                    EthernetHeader.write(eth, eastMac, PEER_MAC, 0, EthernetHeader.TYPE_IPV4);
                    final long ip = eth + EthernetHeader.LENGTH;
                    Ipv4Header.write(ip, 0, templateLength - EthernetHeader.LENGTH, i, Ipv4Header.FLAG_DF, 64,
                        Ipv4Header.PROTO_GRE, PEER, LOCAL);
                    final long gre = ip + Ipv4Header.MIN_LENGTH;
                    NativeMemory.u16be(gre, GreHeader.FLAG_KEY);
                    NativeMemory.u16be(gre + 2, EthernetHeader.TYPE_IPV4);
                    NativeMemory.u32be(gre + GreHeader.keyOffset(GreHeader.FLAG_KEY), (int)GRE_KEY);
                    NativeMemory.move(plain.address(i) + EthernetHeader.LENGTH, gre + greLength, innerIp);
                }
            }
            case "esp-decrypt" ->
            {
                rxPort = rig.east.id();
                final int padding = EspHeader.padding(innerIp);
                plaintext = innerIp + padding + EspHeader.TRAILER_LENGTH;
                final int espLength = EspHeader.HEADER_LENGTH + plaintext + EspHeader.ICV_LENGTH;
                templateLength = EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH + espLength;
                templates = arena.allocate((long)BURST * templateLength, 64).address();
                for (int i = 0; i < BURST; i++)
                {
                    final long eth = templates + (long)i * templateLength;
                    EthernetHeader.write(eth, eastMac, PEER_MAC, 0, EthernetHeader.TYPE_IPV4);
                    final long ip = eth + EthernetHeader.LENGTH;
                    Ipv4Header.write(ip, 0, Ipv4Header.MIN_LENGTH + espLength, i, Ipv4Header.FLAG_DF, 64,
                        Ipv4Header.PROTO_ESP, PEER, LOCAL);
                    final long esp = ip + Ipv4Header.MIN_LENGTH;
                    NativeMemory.u32be(esp + EspHeader.SPI, IN_SPI);
                    final long payload = esp + EspHeader.HEADER_LENGTH;
                    NativeMemory.move(plain.address(i) + EthernetHeader.LENGTH, payload, innerIp);
                    EspHeader.writeTrailer(payload + innerIp, padding, EspHeader.NEXT_IPV4);
                }
                seal = true;
                final byte[] key = HexFormat.of().parseHex(IN_KEY);
                sealContext = AesGcm.newContext(key, true);
                Arrays.fill(key, (byte)0);
                nonce = arena.allocate(16, 16).address();
                aad = arena.allocate(16, 16).address();
            }
            default -> throw new IllegalArgumentException("path " + path);
        }
    }

    /** Puts the pristine frame back in every mbuf (for esp-decrypt: sealed with the next sequence number) and hands the burst to the vector. */
    private void refill()
    {
        rig.refill(templates, templateLength);
        if (seal)
        {
            for (int i = 0; i < BURST; i++)
            {
                sealEsp(rig.frame(i) + EthernetHeader.LENGTH + Ipv4Header.MIN_LENGTH, ++peerSequence);
            }
        }
        rig.vector.load(BURST, rxPort);
    }

    /** What the peer's esp-encrypt does: sequence number, IV, nonce, ESN AAD, seal in place. */
    private void sealEsp(final long esp, final long seq)
    {
        NativeMemory.u32be(esp + EspHeader.SEQUENCE, (int)seq);
        NativeMemory.u64be(esp + EspHeader.IV, seq);
        NativeMemory.u32be(nonce, IN_SALT);
        NativeMemory.u64be(nonce + 4, seq);
        NativeMemory.u32be(aad, IN_SPI);
        NativeMemory.u32be(aad + 4, (int)(seq >>> 32));
        NativeMemory.u32be(aad + 8, (int)seq);
        final long payload = esp + EspHeader.HEADER_LENGTH;
        if (!AesGcm.seal(sealContext, nonce, aad, 12, payload, plaintext, payload + plaintext))
        {
            throw new IllegalStateException("seal failed");
        }
    }

    /** After one run: the first packet out looks like what the path should have made of it. */
    private void check()
    {
        final long frame = rig.frame(0);
        final int length = rig.frameLength(0);
        final int plainLength = FrameTemplates.frameLength(size);
        final long ip = frame + EthernetHeader.LENGTH;
        final int protocol = Ipv4Header.protocol(ip);
        final int expectedProtocol;
        final int expectedLength;
        switch (path)
        {
            case "gre-encap" ->
            {
                expectedProtocol = Ipv4Header.PROTO_GRE;
                expectedLength = plainLength + Ipv4Header.MIN_LENGTH + GreHeader.length(false, true, false);
            }
            case "esp-encrypt" ->
            {
                final int innerIp = plainLength - EthernetHeader.LENGTH;
                expectedProtocol = Ipv4Header.PROTO_ESP;
                expectedLength = plainLength + Ipv4Header.MIN_LENGTH + EspHeader.HEADER_LENGTH + EspHeader.padding(innerIp) +
                    EspHeader.TRAILER_LENGTH + EspHeader.ICV_LENGTH;
            }
            default ->
            {
                expectedProtocol = Ipv4Header.PROTO_UDP;
                expectedLength = plainLength;
            }
        }
        if (protocol != expectedProtocol || length != expectedLength || EthernetHeader.destination(frame) != PEER_MAC ||
            Ipv4Header.ttl(ip) != (expectedProtocol == Ipv4Header.PROTO_UDP ? 63 : 64))
        {
            throw new IllegalStateException(path + ": out came protocol " + protocol + ", " + length + " bytes, ttl " +
                Ipv4Header.ttl(ip) + "; expected protocol " + expectedProtocol + ", " + expectedLength + " bytes");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int graph()
    {
        refill();
        rig.graph.run(rig.vector);
        return rig.reclaim(path);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int baseline()
    {
        refill();
        rig.baseline();
        return rig.reclaim(path);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (sealContext != 0)
        {
            AesGcm.freeContext(sealContext);
        }
        rig.close();
    }
}
