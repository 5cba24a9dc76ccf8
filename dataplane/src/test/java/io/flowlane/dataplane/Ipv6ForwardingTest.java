package io.flowlane.dataplane;

import static io.flowlane.dataplane.testing.Frames.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

/** IPv6 forwarding, hop limit, Packet Too Big and neighbor discovery over real DPDK ports. */
class Ipv6ForwardingTest
{
    static final long HOST_MAC = 0x02_00_00_00_06_50L;
    static final long GW_MAC = 0x02_00_00_00_06_02L;
    static final String YAML = """
        eal: {vdevs: [unused]}
        ports:
          - {name: west, device: net_ring_v6_w_a}
          - {name: east, device: net_ring_v6_e_a}
        interfaces:
          - {name: west, port: west, ipv6: ["2001:db8::1/64"]}
          - {name: east, port: east, mtu: 1400, ipv6: ["2001:db8:1::1/64"]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: east, address: "2001:db8:1::2", mac: "02:00:00:00:06:02"}
          - {interface: west, address: "2001:db8::50", mac: "02:00:00:00:06:50"}
        routes:
          - prefix: "2001:db8:99::/48"
            via: [{address: "2001:db8:1::2"}]
        """;

    /** Generous: a reply comes as soon as the worker sends it; the first of a kind may meet the interpreter on a loaded machine. */
    static final long REPLY_TIMEOUT_MS = 10_000;

    static ApplianceHarness harness;
    static TestPort west;
    static TestPort east;
    static long westMac;
    static final long[] HOST = Ipv6Header.parse("2001:db8::50");
    static final long[] OWN = Ipv6Header.parse("2001:db8::1");
    static final long[] REMOTE = Ipv6Header.parse("2001:db8:99::7");

    @BeforeAll
    static void start()
    {
        harness = new ApplianceHarness(YAML, 1, "v6_w", "v6_e");
        west = harness.link("v6_w");
        east = harness.link("v6_e");
        westMac = harness.appliance.port("west").mac();
    }

    /**
     * A reply that came after its test gave up would be read as the next test's reply: each test
     * starts with both links empty.
     */
    @BeforeEach
    void drainLeftovers()
    {
        west.drain(0);
        east.drain(0);
    }

    @AfterAll
    static void stop()
    {
        harness.close();
    }

    @Test
    void forwardsWithHopLimitDecremented()
    {
        west.send(Frames.udp6(westMac, HOST_MAC, HOST[0], HOST[1], REMOTE[0], REMOTE[1], 64, 20));
        final byte[] frame = east.receive(1, REPLY_TIMEOUT_MS).get(0);
        assertEquals(GW_MAC, Frames.mac(frame, 0));
        assertEquals(harness.appliance.port("east").mac(), Frames.mac(frame, 6));
        assertEquals(0x86DD, u16(frame, 12));
        assertEquals(63, frame[14 + 7] & 0xFF);
    }

    @Test
    void sendsTimeExceededWhenTheHopLimitExpires()
    {
        west.send(Frames.udp6(westMac, HOST_MAC, HOST[0], HOST[1], REMOTE[0], REMOTE[1], 1, 20));
        final byte[] icmp = west.receive(1, REPLY_TIMEOUT_MS).get(0);
        assertEquals(HOST_MAC, Frames.mac(icmp, 0));
        assertEquals(58, icmp[14 + 6], "ICMPv6");
        assertEquals(3, icmp[14 + 40] & 0xFF, "time exceeded");
        assertEquals(0, icmpv6Checksum(icmp), "ICMPv6 checksum verifies (pseudo-header included)");
        assertTrue(east.drain(100).isEmpty());
    }

    @Test
    void sendsPacketTooBigInsteadOfFragmenting()
    {
        west.send(Frames.udp6(westMac, HOST_MAC, HOST[0], HOST[1], REMOTE[0], REMOTE[1], 64, 1400));
        final byte[] icmp = west.receive(1, REPLY_TIMEOUT_MS).get(0);
        assertEquals(2, icmp[14 + 40] & 0xFF, "packet too big");
        assertEquals(1400, Frames.u32(icmp, 14 + 44), "MTU of the egress link");
        assertEquals(1280 + 14, icmp.length, "quotes as much as fits in the minimum MTU");
        assertEquals(0, icmpv6Checksum(icmp));
    }

    @Test
    void answersNeighborSolicitationForItsOwnAddress()
    {
        final long[] solicitor = Ipv6Header.parse("2001:db8::77");
        final ByteBuffer b = Frames.ethernet(0x3333_FF00_0001L, HOST_MAC, 0, 0x86DD, 40 + 32);
        b.putInt(0x6000_0000).putShort((short)32).put((byte)58).put((byte)255)
            .putLong(solicitor[0]).putLong(solicitor[1]).putLong(0xFF02_0000_0000_0000L).putLong(0x0000_0001_FF00_0001L);
        b.put((byte)135).put((byte)0).putShort((short)0).putInt(0).putLong(OWN[0]).putLong(OWN[1]);
        b.put((byte)1).put((byte)1).put(Frames.mac(HOST_MAC));
        final byte[] ns = b.array();
        final int sum = icmpv6Checksum(ns);
        ns[14 + 42] = (byte)(sum >>> 8);
        ns[14 + 43] = (byte)sum;
        west.send(ns);
        final byte[] na = west.receive(1, REPLY_TIMEOUT_MS).get(0);
        assertEquals(HOST_MAC, Frames.mac(na, 0));
        assertEquals(136, na[14 + 40] & 0xFF, "neighbor advertisement");
        assertEquals(255, na[14 + 7] & 0xFF, "hop limit 255 (RFC 4861)");
        assertEquals(OWN[0], ByteBuffer.wrap(na).getLong(14 + 48), "target is our address");
        assertEquals(westMac, Frames.mac(na, 14 + 40 + 26), "target link-layer option carries our MAC");
        assertEquals(0xE0, na[14 + 44] & 0xE0, "router, solicited, override");
        assertEquals(0, icmpv6Checksum(na));
    }

    /** The ICMPv6 checksum over pseudo-header + message; 0 when the stored checksum is right. */
    static int icmpv6Checksum(final byte[] frame)
    {
        final int ip = 14;
        final int length = u16(frame, ip + 4);
        final byte[] pseudo = new byte[40 + length];
        System.arraycopy(frame, ip + 8, pseudo, 0, 32);
        ByteBuffer.wrap(pseudo).putInt(32, length).putInt(36, 58);
        System.arraycopy(frame, ip + 40, pseudo, 40, length);
        return Frames.checksum(pseudo, 0, pseudo.length);
    }
}
