package io.flowlane.controlplane.channel;

import static io.flowlane.dataplane.testing.Frames.ip;
import static io.flowlane.dataplane.testing.Frames.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.AckDecoder;
import io.flowlane.controlplane.sbe.CommandKind;
import io.flowlane.controlplane.sbe.EntityKind;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.RouteAddDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.dataplane.fib.EcmpGroupTable;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.pipeline.FlowHash;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.EspTunnel;
import io.flowlane.tunnels.GreTunnel;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The control channel over Aeron IPC with a real media driver and real DPDK ports (net_ring):
 * commands change what workers forward, every bad message is refused naming its field with the
 * tables untouched, telemetry arrives, the journal answers history queries and holds no SA key,
 * and an appliance restarted on the journal comes back with identical tables (same digest).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlChannelTest
{
    static final long WEST_HOST_MAC = 0x02_00_00_00_00_32L;
    static final long GW2_MAC = 0x02_00_00_00_01_02L;
    static final long GW3_MAC = 0x02_00_00_00_01_03L;
    static final byte[] KEK = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final byte[] SA_KEY_OUT = HexFormat.of().parseHex("5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0");
    static final byte[] SA_KEY_IN = HexFormat.of().parseHex("c0ffee5ec2e7c0ffee5ec2e7c0ffee5e");
    static final String AERON_DIR = "/dev/shm/flowlane-cc-test-" + ProcessHandle.current().pid();

    static Path work;
    static ApplianceHarness harness;
    static ControlClient client;
    static TestPort west;
    static TestPort east;

    static String yaml(final String link)
    {
        return """
            eal: {vdevs: [unused]}
            mempool: {mbufs: 4095, cache: 64}
            ports:
              - {name: west, device: net_ring_%1$s_w_a}
              - {name: east, device: net_ring_%1$s_e_a}
            interfaces:
              - {name: west, port: west, ipv4: [10.0.0.1/24]}
              - {name: east, port: east, ipv4: [10.1.0.1/24]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
              - {interface: east, address: 10.1.0.3, mac: "02:00:00:00:01:03"}
            routes:
              - prefix: 198.19.0.0/16
                via: [{address: 10.1.0.2}]
            tunnels: []
            control:
              aeron-dir: %2$s
              journal: %3$s
              key-encryption-key-file: %4$s
              telemetry-interval-ms: 50
            """.formatted(link, AERON_DIR, work.resolve("journal"), work.resolve("kek.hex"));
    }

    @BeforeAll
    static void start() throws IOException
    {
        work = Files.createTempDirectory("flowlane-control");
        Files.writeString(work.resolve("kek.hex"), HexFormat.of().formatHex(KEK) + "\n");
        harness = new ApplianceHarness(yaml("cc1"), 1, "cc1_w", "cc1_e");
        west = harness.link("cc1_w");
        east = harness.link("cc1_e");
        client = ControlClient.connect(ControlClient.Config.ipc(AERON_DIR, KEK)).awaitConnected(10_000);
    }

    @AfterAll
    static void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (harness != null)
        {
            harness.close();
        }
    }

    static byte[] udp(final int dst, final int srcPort)
    {
        return Frames.udp4(harness.appliance.port("west").mac(), WEST_HOST_MAC, 0, ip(10, 0, 0, 50), dst, 64, srcPort, 80, 18);
    }

    static ControlClient.Ack applied(final long correlationId)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        assertTrue(ack.applied(), () -> "applied, not rejected: " + ack.field() + ": " + ack.reason());
        return ack;
    }

    static ControlClient.Ack rejected(final long correlationId, final String field)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        assertFalse(ack.applied(), "rejected");
        assertEquals(field, ack.field(), () -> "field named in the error ack (reason: " + ack.reason() + ")");
        assertFalse(ack.reason().isEmpty(), "a reason is given");
        return ack;
    }

    static String digest()
    {
        return applied(client.command(CommandKind.TABLE_DIGEST)).reason();
    }

    static ControlChannelRuntime runtime()
    {
        for (final ExtensionRuntime extension : harness.appliance.extensions())
        {
            if (extension instanceof ControlChannelRuntime runtime)
            {
                return runtime;
            }
        }
        throw new AssertionError("no control channel runtime");
    }

    @Test
    @Order(1)
    void aRouteSentOverTheChannelIsUsedByTheWorkerOnceAcknowledged()
    {
        west.send(udp(ip(203, 0, 113, 5), 1000));
        assertTrue(east.receive(1, 300).isEmpty(), "no route yet: nothing forwarded");

        final ControlClient.Ack ack = applied(client.routeAdd(4, ip(203, 0, 113, 0) & 0xFFFF_FFFFL, 0, 24,
            List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1))));
        assertEquals(RouteAddDecoder.TEMPLATE_ID, ack.templateId());
        assertTrue(ack.latencyNanos() > 0, "update-to-applied latency measured");

        west.send(udp(ip(203, 0, 113, 5), 1000));
        final List<byte[]> out = east.receive(1, 2000);
        assertEquals(1, out.size(), "forwarded with the new route");
        assertEquals(GW2_MAC, Frames.mac(out.get(0), 0));

        applied(client.routeDelete(4, ip(203, 0, 113, 0) & 0xFFFF_FFFFL, 0, 24));
        west.send(udp(ip(203, 0, 113, 5), 1000));
        assertTrue(east.receive(1, 300).isEmpty(), "route deleted: nothing forwarded");
        assertTrue(runtime().latency().count() >= 2, "latencies recorded in the histogram");
    }

    @Test
    @Order(2)
    void steeringWeightsMoveFlowsBetweenEcmpMembers()
    {
        final long prefix = ip(198, 51, 100, 0) & 0xFFFF_FFFFL;
        applied(client.routeAdd(4, prefix, 0, 24,
            List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1), NextHop.viaIpv4(null, ip(10, 1, 0, 3), 1))));
        assertEquals(Set.of(GW2_MAC, GW3_MAC), gatewaysOf(ip(198, 51, 100, 7)), "both members used");
        applied(client.steeringWeights(4, prefix, 0, 24, 0, 1));
        assertEquals(Set.of(GW3_MAC), gatewaysOf(ip(198, 51, 100, 7)), "all flows moved to the second member");
        applied(client.steeringWeights(4, prefix, 0, 24, 1, 0));
        assertEquals(Set.of(GW2_MAC), gatewaysOf(ip(198, 51, 100, 7)), "all flows moved to the first member");
    }

    static final long PINNED_PREFIX = ip(198, 51, 101, 0) & 0xFFFF_FFFFL;
    static final int PINNED_DST = ip(198, 51, 101, 9);
    static final int FLOWS = 64;
    /** The bucket map SteeringBuckets left on PINNED_PREFIX: the restarted appliance must forward by it too. */
    static byte[] pinned;

    @Test
    @Order(3)
    void steeringBucketsSendEachFlowToTheNextHopItsBucketIsPinnedTo()
    {
        applied(client.routeAdd(4, PINNED_PREFIX, 0, 24,
            List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1), NextHop.viaIpv4(null, ip(10, 1, 0, 3), 1))));

        // Every third flow's bucket on the first next hop (10.1.0.2), every other bucket on the second.
        final byte[] memberOfBucket = new byte[EcmpGroupTable.DEFAULT_BUCKETS];
        Arrays.fill(memberOfBucket, (byte)1);
        final Set<Integer> chosen = new HashSet<>();
        for (int flow = 0; flow < FLOWS; flow += 3)
        {
            chosen.add(flow);
            memberOfBucket[bucketOf(PINNED_DST, 3000 + flow)] = 0;
        }
        applied(client.steeringBuckets(4, PINNED_PREFIX, 0, 24, memberOfBucket));
        final Map<Integer, Long> gateways = gatewayByFlow(PINNED_DST);
        for (final int flow : chosen)
        {
            assertEquals(GW2_MAC, gateways.get(flow), "flow " + flow + " (bucket pinned to next hop 0) reaches 10.1.0.2");
        }
        assertFlowsFollow(memberOfBucket, gateways);

        // The next hops' weights are now their bucket counts: the same weights sent back move no flow.
        int first = 0;
        for (final byte member : memberOfBucket)
        {
            first += member == 0 ? 1 : 0;
        }
        final int second = memberOfBucket.length - first;
        final String routes = String.join("\n", client.listing(CommandKind.SHOW_ROUTES, 0, 0, 5_000).lines());
        assertTrue(routes.contains("via 10.1.0.2 *" + first) && routes.contains("via 10.1.0.3 *" + second),
            "weights listed as bucket counts " + first + "/" + second + ": " + routes);
        applied(client.steeringWeights(4, PINNED_PREFIX, 0, 24, first, second));
        assertFlowsFollow(memberOfBucket, gatewayByFlow(PINNED_DST));

        // The opposite map: what was on 10.1.0.2 goes to 10.1.0.3 and the other way round.
        for (int b = 0; b < memberOfBucket.length; b++)
        {
            memberOfBucket[b] ^= 1;
        }
        applied(client.steeringBuckets(4, PINNED_PREFIX, 0, 24, memberOfBucket));
        assertFlowsFollow(memberOfBucket, gatewayByFlow(PINNED_DST));
        pinned = memberOfBucket.clone();

        // One next hop: no ECMP group. All zeros is what it does already; another index names no next hop.
        final long single = ip(198, 51, 102, 0) & 0xFFFF_FFFFL;
        applied(client.routeAdd(4, single, 0, 24, List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 3), 1))));
        applied(client.steeringBuckets(4, single, 0, 24, new byte[EcmpGroupTable.DEFAULT_BUCKETS]));
        assertEquals(Set.of(GW3_MAC), gatewaysOf(ip(198, 51, 102, 9)));
        final byte[] beyond = new byte[EcmpGroupTable.DEFAULT_BUCKETS];
        beyond[5] = 1;
        final ControlClient.Ack refused = rejected(client.steeringBuckets(4, single, 0, 24, beyond), "memberOfBucket");
        assertTrue(refused.reason().contains("bucket 5 names next hop 1"), refused.reason());
        // A second next hop later makes an ECMP group from the weights it comes with.
        applied(client.routeAdd(4, single, 0, 24,
            List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 3), 1), NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1))));
        assertEquals(Set.of(GW2_MAC, GW3_MAC), gatewaysOf(ip(198, 51, 102, 9)), "both next hops used");
    }

    /**
     * The flow-hash bucket of the test's UDP flow to {@code dst} from source port {@code srcPort}:
     * the data plane's software hash (net_ring gives no RSS hash) of its addresses and ports, & 255.
     */
    static int bucketOf(final int dst, final int srcPort)
    {
        return FlowHash.ipv4Fields(ip(10, 0, 0, 50), dst, 17, srcPort << 16 | 80) & (EcmpGroupTable.DEFAULT_BUCKETS - 1);
    }

    /** Sends FLOWS flows (source ports 3000..) to {@code dst}; the gateway MAC each one reached, by flow. */
    private static Map<Integer, Long> gatewayByFlow(final int dst)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int flow = 0; flow < FLOWS; flow++)
        {
            frames.add(udp(dst, 3000 + flow));
        }
        west.send(0, frames);
        final List<byte[]> out = east.receive(FLOWS, 3000);
        assertEquals(FLOWS, out.size());
        final Map<Integer, Long> gateways = new HashMap<>();
        for (final byte[] frame : out)
        {
            gateways.put(u16(frame, 14 + 20) - 3000, Frames.mac(frame, 0));
        }
        assertEquals(FLOWS, gateways.size(), "one frame of each flow");
        return gateways;
    }

    /** Each flow reached the gateway of the next hop its bucket is pinned to, and each next hop had several flows. */
    private static void assertFlowsFollow(final byte[] memberOfBucket, final Map<Integer, Long> gateways)
    {
        final int[] flowsOf = new int[2];
        for (int flow = 0; flow < FLOWS; flow++)
        {
            final int member = memberOfBucket[bucketOf(PINNED_DST, 3000 + flow)];
            flowsOf[member]++;
            assertEquals(member == 0 ? GW2_MAC : GW3_MAC, gateways.get(flow), "flow " + flow + " on next hop " + member);
        }
        assertTrue(flowsOf[0] >= 8 && flowsOf[1] >= 8, "several flows on each next hop: " + Arrays.toString(flowsOf));
    }

    private static Set<Long> gatewaysOf(final int dst)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int flow = 0; flow < 64; flow++)
        {
            frames.add(udp(dst, 3000 + flow));
        }
        west.send(0, frames);
        final List<byte[]> out = east.receive(64, 3000);
        assertEquals(64, out.size());
        final Set<Long> macs = new HashSet<>();
        out.forEach(frame -> macs.add(Frames.mac(frame, 0)));
        return macs;
    }

    @Test
    @Order(4)
    void tunnelsAreCreatedScaledAndUsedThroughTheChannel()
    {
        final Endpoints endpoints = Endpoints.parse("10.1.0.1", "10.1.0.2", 64);
        applied(client.tunnelCreate(new GreTunnel("gre-cc", endpoints, 42, false, false, 1500, 0)));
        applied(client.routeAdd(4, ip(192, 0, 2, 0) & 0xFFFF_FFFFL, 0, 24, List.of(NextHop.tunnel("gre-cc", 1))));
        west.send(udp(ip(192, 0, 2, 9), 1000));
        final List<byte[]> out = east.receive(1, 2000);
        assertEquals(1, out.size(), "encapsulated and forwarded");
        assertEquals(47, out.get(0)[14 + 9] & 0xFF, "outer protocol is GRE");
        assertEquals(GW2_MAC, Frames.mac(out.get(0), 0), "outer packet routed to the tunnel's remote");
        applied(client.tunnelScale("gre-cc", 100_000_000L));

        final EspTunnel esp = new EspTunnel("esp-cc", Endpoints.parse("10.1.0.1", "10.1.0.3", 64),
            new SecurityAssociation(0x1001, SA_KEY_OUT, 0x0a0b0c0d, true, 1024, 0, 0),
            new SecurityAssociation(0x2002, SA_KEY_IN, 0x01020304, true, 1024, 0, 0),
            List.of(TrafficSelector.parse("10.0.0.0/24", "192.0.3.0/24")), 1500, 0);
        applied(client.tunnelCreate(esp));
        applied(client.routeAdd(4, ip(192, 0, 3, 0) & 0xFFFF_FFFFL, 0, 24, List.of(NextHop.tunnel("esp-cc", 1))));
        west.send(udp(ip(192, 0, 3, 9), 1000));
        final List<byte[]> sealed = east.receive(1, 2000);
        assertEquals(1, sealed.size());
        assertEquals(50, sealed.get(0)[14 + 9] & 0xFF, "outer protocol is ESP");
        assertEquals(0x1001, Frames.u32(sealed.get(0), 14 + 20), "SPI of the outbound SA sent over the channel");

        final ControlClient.Listing sas = client.listing(CommandKind.SHOW_SA, 0, 0, 5_000);
        assertEquals(2, sas.total());
        final String rows = String.join("\n", sas.lines());
        assertTrue(rows.contains("esp-cc\tout\t0x1001\taes128-gcm\ttrue\t1024\t1"), "outbound SA, one packet sent: " + rows);
        assertTrue(rows.contains("esp-cc\tin\t0x2002\taes128-gcm"), rows);
        assertFalse(rows.contains(HexFormat.of().formatHex(SA_KEY_OUT)), "no key in a listing");
    }

    @Test
    @Order(5)
    void badMessagesAreRejectedNamingTheFieldAndChangeNothing()
    {
        final String before = digest();
        final long net = ip(100, 64, 0, 0) & 0xFFFF_FFFFL;
        final List<NextHop> gw = List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1));
        rejected(client.routeAdd(5, net, 0, 24, gw), "family");
        rejected(client.routeAdd(4, net, 0, 33, gw), "prefixLength");
        rejected(client.routeAdd(4, net | 1, 0, 24, gw), "prefixHi");
        rejected(client.routeAdd(4, 1L << 32, 0, 24, gw), "prefixHi");
        rejected(client.routeAdd(4, net, 0, 24, List.of()), "nextHops");
        rejected(client.routeAdd(4, net, 0, 24, List.of(NextHop.viaIpv4("nope", ip(10, 1, 0, 2), 1))), "interface");
        rejected(client.routeAdd(4, net, 0, 24, List.of(NextHop.tunnel("no-such-tunnel", 1))), "tunnel");
        rejected(client.routeAdd(4, net, 0, 24, List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 0))), "nextHops");
        // The first next hop is good, the second is not: nothing of the first may stay behind.
        rejected(client.routeAdd(4, net, 0, 24, List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1),
            NextHop.viaIpv4(null, ip(172, 16, 0, 1), 1))), "via");
        rejected(client.routeDelete(4, net, 0, 24), "prefix");
        rejected(client.steeringWeights(4, ip(198, 51, 100, 0) & 0xFFFF_FFFFL, 0, 24, 1, 1, 1), "weights");
        rejected(client.steeringBuckets(4, net, 0, 24, new byte[EcmpGroupTable.DEFAULT_BUCKETS]), "prefix");
        final ControlClient.Ack shortMap = rejected(client.steeringBuckets(4, PINNED_PREFIX, 0, 24, new byte[255]), "memberOfBucket");
        assertTrue(shortMap.reason().contains("255 buckets") && shortMap.reason().contains("has 256 ECMP buckets"), shortMap.reason());
        final byte[] third = new byte[EcmpGroupTable.DEFAULT_BUCKETS];
        third[17] = 2;
        final ControlClient.Ack noSuchHop = rejected(client.steeringBuckets(4, PINNED_PREFIX, 0, 24, third), "memberOfBucket");
        assertTrue(noSuchHop.reason().contains("bucket 17 names next hop 2"), noSuchHop.reason());
        rejected(client.tunnelDelete("gre-cc"), "name");
        rejected(client.tunnelDelete("never-was"), "name");
        rejected(client.tunnelScale("never-was", 1), "name");
        rejected(client.tunnelCreate(new GreTunnel("gre-cc", Endpoints.parse("10.1.0.1", "10.1.0.9", 64), -1, false, false,
            1500, 0)), "name");
        rejected(client.failurePrediction(EntityKind.WORKER, 0, 1.5f, 1000, "x"), "probability");
        rejected(client.failurePrediction(EntityKind.WORKER, 7, 0.9f, 1000, "x"), "entityId");
        rejected(client.failurePrediction(EntityKind.PORT, 0, 0.9f, 0, "x"), "horizonMillis");
        applied(client.failurePrediction(EntityKind.PORT, 1, 0.9f, 5000, "latency rising on east"));
        rejected(client.faultInjection("gre-cc", 1000, 0), "templateId"); // off unless the config allows it

        // An ESP SA key wrapped under another KEK does not unwrap: refused, no tunnel created.
        try (ControlClient wrongKek = ControlClient.connect(ControlClient.Config.ipc(AERON_DIR, new byte[32])).awaitConnected(5_000))
        {
            final long id = wrongKek.tunnelCreate(new EspTunnel("esp-bad", Endpoints.parse("10.1.0.1", "10.1.0.4", 64),
                new SecurityAssociation(0x3003, SA_KEY_OUT, 1, true, 1024, 0, 0),
                new SecurityAssociation(0x4004, SA_KEY_IN, 2, true, 1024, 0, 0), List.of(), 1500, 0));
            final ControlClient.Ack ack = wrongKek.awaitAck(id, 5_000);
            assertFalse(ack.applied());
            assertEquals("securityAssociations[0].wrappedKey", ack.field(), ack.reason());
        }

        // Hand-made frames: wrong version, wrong schema, unknown template, truncated, trailing bytes.
        final long route = client.routeAdd(4, net, 0, 24, gw);
        applied(route);
        applied(client.routeDelete(4, net, 0, 24));
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final int length = encodeRouteAdd(frame);
        rawRejected(frame, length, b -> b.putShort(6, (short)(MessageHeaderDecoder.SCHEMA_VERSION + 1)), "version");
        rawRejected(frame, length, b -> b.putShort(6, (short)0), "version");
        rawRejected(frame, length, b -> b.putShort(4, (short)99), "schemaId");
        rawRejected(frame, length, b -> b.putShort(2, (short)77), "templateId");
        rawRejected(frame, length - 3, b -> { }, "length");
        rawRejected(frame, length + 5, b -> { }, "length");
        rawRejected(frame, 5, b -> { }, "length");
        rawRejected(frame, length, b -> b.putShort(0, (short)(b.getShort(0) - 1)), "blockLength");
        // A var-data length with the top bit set reads as negative and walks backwards: refused, not lost.
        // (header 8 + RouteAdd block 34 + group header 4 + next-hop block 19 = the interfaceName length)
        rawRejected(frame, length, b -> b.putInt(65, 0xFFFF_FFF8), "length");
        rawRejected(frame, length, b ->
        {
            b.putInt(65, 0xFFFF_FFF8);
            b.putInt(61, b.getInt(61) + 8); // crafted so the backwards walk still adds up to the frame's length:
        }, "message");                      // only decoding catches it, and it is refused like any bad message

        assertEquals(before, digest(), "no rejected message changed the tables");
    }

    /** A valid RouteAdd for 100.64.0.0/24 in {@code frame}, by the client's encoder. */
    private static int encodeRouteAdd(final UnsafeBuffer frame)
    {
        final io.flowlane.controlplane.sbe.RouteAddEncoder encoder = new io.flowlane.controlplane.sbe.RouteAddEncoder();
        encoder.wrapAndApplyHeader(frame, 0, new io.flowlane.controlplane.sbe.MessageHeaderEncoder())
            .correlationId(4242).sentNanos(System.nanoTime()).family((short)4).prefixLength((short)24)
            .prefixHi(ip(100, 64, 0, 0) & 0xFFFF_FFFFL).prefixLo(0)
            .nextHopsCount(1).next().kind(io.flowlane.controlplane.sbe.NextHopKind.VIA).weight(1)
            .gatewayHi(ip(10, 1, 0, 2) & 0xFFFF_FFFFL).gatewayLo(0).interfaceName("").tunnelName("");
        return MessageHeaderDecoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private static void rawRejected(final UnsafeBuffer valid, final int length,
        final java.util.function.Consumer<UnsafeBuffer> corrupt, final String field)
    {
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[512]);
        copy.putBytes(0, valid, 0, 512);
        corrupt.accept(copy);
        client.sendRaw(copy, 0, length);
        final List<ControlClient.Ack> acks = new ArrayList<>();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (acks.isEmpty() && System.nanoTime() < deadline)
        {
            client.pollAcks(acks::add);
        }
        assertEquals(1, acks.size(), "one ack for the raw frame");
        assertFalse(acks.get(0).applied(), "rejected");
        assertEquals(field, acks.get(0).field(), acks.get(0).reason());
    }

    @Test
    @Order(6)
    void telemetryReportsArriveWithWorkersPortsTunnelsAndLatency()
    {
        final List<String> seen = new ArrayList<>();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        // The stream holds every report since the client joined: look at those made from now on.
        final long asked = System.nanoTime();
        client.command(CommandKind.TELEMETRY_NOW);
        while (seen.size() < 2 && System.nanoTime() < deadline)
        {
            client.pollTelemetry(report ->
            {
                if (report.timestampNanos() < asked)
                {
                    return;
                }
                final StringBuilder text = new StringBuilder();
                text.append("seq=").append(report.sequence()).append(" mbufs=").append(report.mbufsInUse()).append('/')
                    .append(report.mbufsTotal()).append(" applied=").append(report.updatesApplied());
                int workers = 0;
                for (final TelemetryReportDecoder.WorkersDecoder w : report.workers())
                {
                    workers++;
                    text.append(" w").append(w.worker()).append(" rx=").append(w.rxPackets());
                }
                int ports = 0;
                for (final TelemetryReportDecoder.PortsDecoder p : report.ports())
                {
                    ports++;
                    text.append(" p").append(p.port()).append(" rx=").append(p.rxPackets());
                }
                final Set<String> tunnels = new HashSet<>();
                for (final TelemetryReportDecoder.TunnelsDecoder t : report.tunnels())
                {
                    tunnels.add(t.name());
                }
                long p99 = -1;
                for (final TelemetryReportDecoder.UpdateLatencyDecoder l : report.updateLatency())
                {
                    if (l.percentile() == 99.0)
                    {
                        p99 = l.nanos();
                    }
                }
                assertEquals(1, workers);
                assertEquals(2, ports);
                assertEquals(Set.of("gre-cc", "esp-cc"), tunnels);
                assertTrue(p99 > 0, "update latency percentiles exported");
                assertTrue(report.updatesApplied() > 10);
                assertTrue(report.updatesRejected() > 10);
                seen.add(text.toString());
            });
        }
        assertEquals(2, seen.size(), "two reports within 5 s at 50 ms intervals");
    }

    @Test
    @Order(7)
    void journalAnswersHistoryByTimeAndHoldsNoKeyInPlainText() throws IOException
    {
        final long now = System.currentTimeMillis() * 1_000_000L;
        final int[] kinds = new int[Journal.Kind.values().length];
        try (Journal journal = Journal.openReadOnly(work.resolve("journal")))
        {
            journal.history(now - 60_000_000_000L, now + 60_000_000_000L, (kind, time, buffer, offset, length) -> kinds[kind.ordinal()]++);
            final int[] future = new int[1];
            journal.history(now + 60_000_000_000L, Long.MAX_VALUE, (kind, time, buffer, offset, length) -> future[0]++);
            assertEquals(0, future[0], "nothing from the future");
            final int[] acksRead = new int[1];
            journal.read((kind, time, buffer, offset, length) ->
            {
                if (kind == Journal.Kind.ACK)
                {
                    final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
                    assertEquals(AckDecoder.TEMPLATE_ID, header.templateId(), "acks are stored as the SBE bytes sent");
                    acksRead[0]++;
                }
            });
            assertTrue(acksRead[0] > 20);
        }
        assertTrue(kinds[Journal.Kind.COMMAND_APPLIED.ordinal()] >= 15, "applied commands journalled");
        assertTrue(kinds[Journal.Kind.COMMAND_REJECTED.ordinal()] >= 20, "rejected commands journalled");
        assertTrue(kinds[Journal.Kind.TELEMETRY.ordinal()] >= 2, "telemetry journalled");
        assertEquals(kinds[Journal.Kind.COMMAND_APPLIED.ordinal()] + kinds[Journal.Kind.COMMAND_REJECTED.ordinal()],
            kinds[Journal.Kind.ACK.ordinal()], "one ack per command");

        for (final byte[] key : List.of(SA_KEY_OUT, SA_KEY_IN, KEK))
        {
            try (Stream<Path> files = Files.walk(work.resolve("journal")))
            {
                for (final Path file : files.filter(Files::isRegularFile).toList())
                {
                    assertFalse(contains(Files.readAllBytes(file), key), "key bytes in plain text in " + file);
                }
            }
        }
    }

    @Test
    @Order(8)
    void anApplianceRestartedOnTheJournalHasIdenticalTables()
    {
        assertTrue(client.awaitAck(client.failurePrediction(EntityKind.WORKER, 0, 0.42f, 3_000, "before the restart"), 5_000).applied());
        // A command of schema version 1, as an older client (or the journal of an older appliance)
        // has it: applied, and replayed below, or the digest after the restart would lack its route.
        final UnsafeBuffer older = new UnsafeBuffer(new byte[512]);
        final int length = encodeRouteAdd(older);
        older.putShort(6, (short)1);
        client.sendRaw(older, 0, length);
        applied(4242);
        final ControlClient.Listing predictionsBefore = client.listing(CommandKind.SHOW_PREDICTIONS, 0, 100, 5_000);
        final String before = digest();
        final int routesBefore = harness.appliance.control().routeCount();
        client.close();
        client = null;
        harness.close();
        harness = null;

        harness = new ApplianceHarness(yaml("cc2"), 1, "cc2_w", "cc2_e");
        west = harness.link("cc2_w");
        east = harness.link("cc2_e");
        client = ControlClient.connect(ControlClient.Config.ipc(AERON_DIR, KEK)).awaitConnected(10_000);
        assertTrue(runtime().endpoint().recovered() > 15, "commands re-applied from the journal");
        assertEquals(before, digest(), "same routes, tunnels and SAs after the restart");
        assertEquals(routesBefore, harness.appliance.control().routeCount());
        assertEquals(predictionsBefore.lines(), client.listing(CommandKind.SHOW_PREDICTIONS, 0, 100, 5_000).lines(),
            "predictions (and when they were made) rebuilt from the journal");
        assertTrue(predictionsBefore.lines().toString().contains("before the restart"));
        assertFlowsFollow(pinned, gatewayByFlow(PINNED_DST)); // SteeringBuckets replayed: each flow on its pinned next hop

        // And they forward: the ESP tunnel's route and SA came back from the journal (the key unwrapped).
        west.send(udp(ip(192, 0, 3, 9), 1000));
        final List<byte[]> sealed = east.receive(1, 2000);
        assertEquals(1, sealed.size());
        assertEquals(0x1001, Frames.u32(sealed.get(0), 14 + 20));
        assertNotEquals(0, u16(sealed.get(0), 14 + 2));
    }

    private static boolean contains(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static long await(final LongSupplier value, final long expected)
    {
        return ApplianceHarness.await(value, expected);
    }
}
