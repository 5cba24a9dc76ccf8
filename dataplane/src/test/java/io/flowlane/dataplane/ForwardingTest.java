package io.flowlane.dataplane;

import static io.flowlane.dataplane.testing.Frames.ip;
import static io.flowlane.dataplane.testing.Frames.mac;
import static io.flowlane.dataplane.testing.Frames.u16;
import static io.flowlane.dataplane.testing.Frames.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** IPv4 forwarding end to end over real DPDK ports (net_ring), one worker. */
class ForwardingTest
{
    static final long WEST_HOST_MAC = 0x02_00_00_00_00_32L;
    static final long GW2_MAC = 0x02_00_00_00_01_02L;
    static final long GW3_MAC = 0x02_00_00_00_01_03L;
    static final long VLAN_GW_MAC = 0x02_00_00_00_02_02L;
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 64}
        ports:
          - {name: west, device: net_ring_fw_w_a}
          - {name: east, device: net_ring_fw_e_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: east, port: east, mtu: 1400, ipv4: [10.1.0.1/24]}
          - {name: east.100, port: east, vlan: 100, ipv4: [10.2.0.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
          - {interface: east, address: 10.1.0.3, mac: "02:00:00:00:01:03"}
          - {interface: east.100, address: 10.2.0.2, mac: "02:00:00:00:02:02"}
        routes:
          - prefix: 198.18.0.0/16
            via: [{address: 10.1.0.2}, {address: 10.1.0.3}]
          - prefix: 198.19.0.0/16
            via: [{address: 10.1.0.2}]
          - prefix: 198.51.100.0/24
            via: [{address: 10.1.0.9}]
          - prefix: 192.0.2.0/24
            via: [{address: 10.2.0.2, interface: east.100}]
          - {prefix: 203.0.113.0/24, drop: true}
        """;

    static ApplianceHarness harness;
    static TestPort west;
    static TestPort east;
    static long westMac;
    static long eastMac;
    static int testPoolBaseline;

    @BeforeAll
    static void start()
    {
        harness = new ApplianceHarness(YAML, 1, "fw_w", "fw_e");
        west = harness.link("fw_w");
        east = harness.link("fw_e");
        westMac = harness.appliance.port("west").mac();
        eastMac = harness.appliance.port("east").mac();
        testPoolBaseline = harness.testPool.available();
    }

    /** A reply that came after its test gave up would be read as the next test's: start empty. */
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

    static byte[] udp(final int dst, final int ttl, final int srcPort)
    {
        return Frames.udp4(westMac, WEST_HOST_MAC, 0, ip(10, 0, 0, 50), dst, ttl, srcPort, 80, 18);
    }

    @Test
    void forwardsWithTtlDecrementedChecksumUpdatedAndMacsRewritten()
    {
        final byte[] sent = udp(ip(198, 19, 5, 5), 64, 1000);
        west.send(sent);
        final List<byte[]> out = east.receive(1, 10_000);
        assertEquals(1, out.size(), "one packet forwarded to east");
        final byte[] frame = out.get(0);
        assertEquals(GW2_MAC, Frames.mac(frame, 0), "destination MAC is the next hop's");
        assertEquals(eastMac, Frames.mac(frame, 6), "source MAC is the egress port's");
        assertEquals(0x0800, u16(frame, 12));
        assertEquals(63, frame[14 + 8] & 0xFF, "TTL decremented");
        assertEquals(0, Frames.checksum(frame, 14, 20), "IPv4 header checksum verifies after the TTL change");
        assertEquals(14 + 46, frame.length, "same length: nothing added or lost");
        for (int i = 14 + 28; i < frame.length; i++)
        {
            assertEquals(sent[i], frame[i], "payload byte " + i);
        }
    }

    @Test
    void spreadsFlowsOverEcmpMembersAndKeepsEachFlowOnOnePath()
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int round = 0; round < 2; round++)
        {
            for (int flow = 0; flow < 256; flow++)
            {
                frames.add(udp(ip(198, 18, 1, 1), 64, 2000 + flow));
            }
        }
        west.send(0, frames);
        final List<byte[]> out = east.receive(512, 3000);
        assertEquals(512, out.size());
        final Map<Integer, Long> pathOfFlow = new HashMap<>();
        final Map<Long, Integer> perMac = new HashMap<>();
        for (final byte[] frame : out)
        {
            final int srcPort = u16(frame, 14 + 20);
            final long dst = Frames.mac(frame, 0);
            perMac.merge(dst, 1, Integer::sum);
            final Long previous = pathOfFlow.putIfAbsent(srcPort, dst);
            assertTrue(previous == null || previous == dst, "flow " + srcPort + " kept its path");
        }
        assertEquals(Set.of(GW2_MAC, GW3_MAC), perMac.keySet());
        assertTrue(perMac.get(GW2_MAC) > 512 / 4 && perMac.get(GW3_MAC) > 512 / 4, "both members carry a fair share: " + perMac);
    }

    @Test
    void dropsAndCountsPacketsWithoutRoute()
    {
        final long before = harness.drops(DropReason.NO_ROUTE);
        west.send(udp(ip(8, 8, 8, 8), 64, 1));
        assertEquals(before + 1, ApplianceHarness.await(() -> harness.drops(DropReason.NO_ROUTE), before + 1));
        assertTrue(east.drain(100).isEmpty());
    }

    @Test
    void discardsTrafficToDropRoutes()
    {
        final long before = harness.drops(DropReason.BLACKHOLE);
        west.send(udp(ip(203, 0, 113, 7), 64, 1));
        assertEquals(before + 1, ApplianceHarness.await(() -> harness.drops(DropReason.BLACKHOLE), before + 1));
        assertTrue(east.drain(100).isEmpty());
    }

    @Test
    void answersArpRequestsForItsOwnAddress()
    {
        west.send(Frames.arpRequest(WEST_HOST_MAC, ip(10, 0, 0, 77), ip(10, 0, 0, 1)));
        final byte[] reply = west.receive(1, 10_000).get(0);
        assertEquals(WEST_HOST_MAC, Frames.mac(reply, 0));
        assertEquals(westMac, Frames.mac(reply, 6));
        assertEquals(0x0806, u16(reply, 12));
        assertEquals(2, u16(reply, 14 + 6), "operation: reply");
        assertEquals(westMac, Frames.mac(reply, 14 + 8), "sender MAC: ours");
        assertEquals(ip(10, 0, 0, 1), u32(reply, 14 + 14), "sender IP: the address asked for");
        assertEquals(WEST_HOST_MAC, Frames.mac(reply, 14 + 18));
        assertEquals(ip(10, 0, 0, 77), u32(reply, 14 + 24));
    }

    @Test
    void ignoresArpRequestsForOtherAddresses()
    {
        final long before = harness.drops(DropReason.ARP_CONSUMED);
        west.send(Frames.arpRequest(WEST_HOST_MAC, ip(10, 0, 0, 78), ip(10, 0, 0, 99)));
        assertEquals(before + 1, ApplianceHarness.await(() -> harness.drops(DropReason.ARP_CONSUMED), before + 1));
        assertTrue(west.drain(100).isEmpty());
    }

    @Test
    void resolvesAnUnknownNextHopWithArpThenForwards()
    {
        west.send(udp(ip(198, 51, 100, 1), 64, 1));
        final byte[] request = east.receive(1, 10_000).get(0);
        assertEquals(0xFFFF_FFFF_FFFFL, Frames.mac(request, 0), "ARP request is broadcast");
        assertEquals(0x0806, u16(request, 12));
        assertEquals(1, u16(request, 14 + 6));
        assertEquals(ip(10, 1, 0, 1), u32(request, 14 + 14), "asked from the egress interface's address");
        assertEquals(ip(10, 1, 0, 9), u32(request, 14 + 24), "asks for the next hop");
        assertTrue(harness.drops(DropReason.NEIGHBOR_MISS) >= 1);

        final long gatewayMac = 0x02_00_00_00_01_09L;
        east.send(Frames.arpReply(eastMac, gatewayMac, ip(10, 1, 0, 9), ip(10, 1, 0, 1)));
        final long deadline = System.currentTimeMillis() + 3000;
        List<byte[]> out = List.of();
        while (out.isEmpty() && System.currentTimeMillis() < deadline)
        {
            west.send(udp(ip(198, 51, 100, 1), 64, 1));
            out = east.receive(1, 100).stream().filter(f -> u16(f, 12) == 0x0800).toList();
        }
        assertEquals(gatewayMac, Frames.mac(out.get(0), 0), "forwarded to the learned MAC");
    }

    @Test
    void sendsIcmpTimeExceededToTheSourceWhenTtlExpires()
    {
        harness.appliance.apply(control ->
        {
            control.addIpv4Neighbor(control.tables().interfaces().byName("west"), ip(10, 0, 0, 50), WEST_HOST_MAC);
            return null;
        });
        final byte[] expiring = udp(ip(198, 19, 1, 1), 1, 4242);
        west.send(expiring);
        final byte[] icmp = west.receive(1, 10_000).get(0);
        assertEquals(WEST_HOST_MAC, Frames.mac(icmp, 0));
        final int ip = 14;
        assertEquals(1, icmp[ip + 9], "protocol ICMP");
        assertEquals(ip(10, 0, 0, 1), u32(icmp, ip + 12), "from the receiving interface");
        assertEquals(ip(10, 0, 0, 50), u32(icmp, ip + 16), "to the original source");
        assertEquals(0, Frames.checksum(icmp, ip, 20));
        final int total = u16(icmp, ip + 2);
        assertEquals(20 + 8 + 20 + 8, total, "quotes the original header and 8 bytes");
        assertEquals(11, icmp[ip + 20] & 0xFF, "type: time exceeded");
        assertEquals(0, icmp[ip + 21]);
        assertEquals(0, Frames.checksum(icmp, ip + 20, total - 20), "ICMP checksum verifies");
        for (int i = 0; i < 28; i++)
        {
            assertEquals(expiring[14 + i], icmp[ip + 28 + i], "quoted byte " + i);
        }
        assertTrue(east.drain(100).isEmpty(), "the expired packet is not forwarded");
    }

    @Test
    void sendsFragmentationNeededForDontFragmentPacketsAboveTheEgressMtu()
    {
        harness.appliance.apply(control ->
        {
            control.addIpv4Neighbor(control.tables().interfaces().byName("west"), ip(10, 0, 0, 50), WEST_HOST_MAC);
            return null;
        });
        west.send(Frames.udp4(westMac, WEST_HOST_MAC, 0, ip(10, 0, 0, 50), ip(198, 19, 1, 1), 64, 1, 2, 1401 - 28));
        final byte[] icmp = west.receive(1, 10_000).get(0);
        assertEquals(3, icmp[14 + 20] & 0xFF, "destination unreachable");
        assertEquals(4, icmp[14 + 21] & 0xFF, "fragmentation needed");
        assertEquals(1400, u16(icmp, 14 + 26), "next-hop MTU (RFC 1191)");
        assertTrue(east.drain(100).isEmpty());
    }

    @Test
    void answersPingToItsOwnAddress()
    {
        harness.appliance.apply(control ->
        {
            control.addIpv4Neighbor(control.tables().interfaces().byName("west"), ip(10, 0, 0, 50), WEST_HOST_MAC);
            return null;
        });
        final java.nio.ByteBuffer b = Frames.ethernet(westMac, WEST_HOST_MAC, 0, 0x0800, 20 + 8 + 8);
        b.put((byte)0x45).put((byte)0).putShort((short)36).putShort((short)7).putShort((short)0).put((byte)64).put((byte)1)
            .putShort((short)0).putInt(ip(10, 0, 0, 50)).putInt(ip(10, 0, 0, 1));
        b.putShort(24, (short)Frames.checksum(b.array(), 14, 20));
        b.put((byte)8).put((byte)0).putShort((short)0).putShort((short)0x77).putShort((short)1).putLong(0x0102030405060708L);
        b.putShort(36, (short)Frames.checksum(b.array(), 34, 16));
        west.send(b.array());
        final byte[] reply = west.receive(1, 10_000).get(0);
        assertEquals(0, reply[34], "echo reply");
        assertEquals(ip(10, 0, 0, 1), u32(reply, 26));
        assertEquals(ip(10, 0, 0, 50), u32(reply, 30));
        assertEquals(0, Frames.checksum(reply, 14, 20));
        assertEquals(0, Frames.checksum(reply, 34, 16));
        assertEquals(0x77, u16(reply, 38), "identifier kept");
    }

    @Test
    void tagsPacketsLeavingOnAVlanInterface()
    {
        west.send(udp(ip(192, 0, 2, 10), 64, 5));
        final byte[] frame = east.receive(1, 10_000).get(0);
        assertEquals(VLAN_GW_MAC, Frames.mac(frame, 0));
        assertEquals(0x8100, u16(frame, 12));
        assertEquals(100, u16(frame, 14) & 0x0FFF);
        assertEquals(0x0800, u16(frame, 16));
        assertEquals(63, frame[18 + 8] & 0xFF);
        assertEquals(0, Frames.checksum(frame, 18, 20));
    }

    @Test
    void stripsTheTagOfPacketsArrivingOnAVlanInterfaceAndLeavingUntagged()
    {
        final byte[] tagged = Frames.udp4(eastMac, VLAN_GW_MAC, 100, ip(10, 2, 0, 2), ip(198, 19, 0, 1), 64, 1, 2, 18);
        east.send(tagged);
        final byte[] frame = east.receive(1, 10_000).get(0);
        assertEquals(GW2_MAC, Frames.mac(frame, 0));
        assertEquals(0x0800, u16(frame, 12), "untagged on the way out");
        assertEquals(63, frame[14 + 8] & 0xFF);
    }

    @Test
    void appliesRouteChangesWhileRunning()
    {
        final int dst = ip(100, 64, 0, 1);
        west.send(udp(dst, 64, 9));
        assertTrue(east.drain(100).isEmpty(), "no route yet");
        harness.appliance.apply(control ->
        {
            control.addIpv4Route(ip(100, 64, 0, 0), 10, List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 3), 1)));
            return null;
        });
        west.send(udp(dst, 64, 9));
        assertEquals(GW3_MAC, Frames.mac(east.receive(1, 10_000).get(0), 0));
        harness.appliance.apply(control -> control.deleteIpv4Route(ip(100, 64, 0, 0), 10));
        west.send(udp(dst, 64, 9));
        assertTrue(east.drain(100).isEmpty(), "route gone again");
    }

    @Test
    void countsAndDropsMalformedFramesWithoutLeakingBuffers()
    {
        final Map<DropReason, byte[]> cases = new java.util.LinkedHashMap<>();
        final byte[] good = udp(ip(198, 19, 1, 1), 64, 1);
        cases.put(DropReason.RUNT, java.util.Arrays.copyOf(good, 10));
        cases.put(DropReason.IP4_TRUNCATED, java.util.Arrays.copyOf(good, 14 + 12));
        final byte[] badVersion = good.clone();
        badVersion[14] = 0x65;
        cases.put(DropReason.IP4_BAD_VERSION, badVersion);
        final byte[] shortIhl = good.clone();
        shortIhl[14] = 0x44;
        cases.put(DropReason.IP4_BAD_HEADER_LENGTH, shortIhl);
        final byte[] longTotal = good.clone();
        longTotal[16] = 0x05;
        cases.put(DropReason.IP4_BAD_TOTAL_LENGTH, longTotal);
        final byte[] badChecksum = good.clone();
        badChecksum[24] ^= 0x55;
        cases.put(DropReason.IP4_BAD_CHECKSUM, badChecksum);
        cases.put(DropReason.IP4_MARTIAN_SOURCE, Frames.udp4(westMac, WEST_HOST_MAC, 0, ip(127, 0, 0, 1), ip(198, 19, 1, 1), 64, 1, 1, 18));
        cases.put(DropReason.IP4_NOT_ROUTABLE, Frames.udp4(westMac, WEST_HOST_MAC, 0, ip(10, 0, 0, 50), ip(239, 1, 1, 1), 64, 1, 1, 18));
        final byte[] foreignMac = Frames.udp4(0x02_AA_BB_CC_DD_EEL, WEST_HOST_MAC, 0, ip(10, 0, 0, 50), ip(198, 19, 1, 1), 64, 1, 1, 18);
        cases.put(DropReason.NOT_FOR_US, foreignMac);
        final byte[] unknownType = good.clone();
        unknownType[12] = (byte)0x88;
        unknownType[13] = (byte)0xB5;
        cases.put(DropReason.UNKNOWN_ETHERTYPE, unknownType);
        cases.put(DropReason.UNKNOWN_INTERFACE, Frames.udp4(westMac, WEST_HOST_MAC, 42, ip(10, 0, 0, 50), ip(198, 19, 1, 1), 64, 1, 1, 18));
        final byte[] qinq = good.clone();
        qinq[12] = (byte)0x88;
        qinq[13] = (byte)0xA8;
        cases.put(DropReason.VLAN_UNSUPPORTED, qinq);
        final byte[] arpGarbage = Frames.arpRequest(WEST_HOST_MAC, ip(10, 0, 0, 50), ip(10, 0, 0, 1));
        arpGarbage[14 + 4] = 8;
        cases.put(DropReason.ARP_MALFORMED, arpGarbage);
        final byte[] ip6Truncated = java.util.Arrays.copyOf(Frames.udp6(westMac, WEST_HOST_MAC, 1, 2, 3, 4, 64, 0), 14 + 30);
        cases.put(DropReason.IP6_TRUNCATED, ip6Truncated);

        for (final Map.Entry<DropReason, byte[]> c : cases.entrySet())
        {
            final long before = harness.drops(c.getKey());
            west.send(c.getValue());
            assertEquals(before + 1, ApplianceHarness.await(() -> harness.drops(c.getKey()), before + 1),
                "dropped as " + c.getKey().label());
        }
        assertTrue(east.drain(100).isEmpty(), "nothing malformed was forwarded");
        west.drain(100);
        assertEquals(testPoolBaseline, harness.awaitTestPoolAvailable(testPoolBaseline), "every dropped mbuf went back to its pool");
    }

    @Test
    void keepsEveryMbufAccountedForUnderLoad()
    {
        final List<byte[]> frames = new ArrayList<>();
        final Set<Integer> destinations = new HashSet<>();
        for (int i = 0; i < 2000; i++)
        {
            final int dst = i % 4 == 3 ? ip(8, 8, 8, i & 0xFF) : ip(198, 18 + (i & 1), i >> 8, i & 0xFF);
            destinations.add(dst);
            frames.add(udp(dst, 64, i));
        }
        west.send(0, frames);
        final List<byte[]> out = east.receive(1500, 5000);
        assertEquals(1500, out.size(), "three of four packets have a route");
        assertTrue(east.drain(100).isEmpty());
        assertEquals(testPoolBaseline, harness.awaitTestPoolAvailable(testPoolBaseline));
    }
}
