package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.mac;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u64be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.packet.ArpPacket;
import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.port.Interface;

/**
 * A packet whose next hop has no MAC yet is sacrificed to ask for it: its buffer becomes an ARP
 * request (IPv4) or a neighbor solicitation to the solicited-node group (IPv6, RFC 4861 §7.2.2)
 * and is sent, as VPP's ip4-arp node does. At most one request per target per
 * {@link #RETRY_NANOS}; packets in between are dropped as throttled.
 */
public final class NeighborDiscovery implements Stage
{
    static final long RETRY_NANOS = 100_000_000L;
    private static final int CACHE = 256;
    private static final int MIN_FRAME = 60;

    private final long[] recentTarget = new long[CACHE];
    private final long[] recentNanos = new long[CACHE];

    @Override
    public byte id()
    {
        return StageId.NEIGHBOR_DISCOVERY;
    }

    @Override
    public void process(final PacketVector v)
    {
        final AdjacencyTable adjacencies = v.tables.adjacencies();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.NEIGHBOR_DISCOVERY)
            {
                continue;
            }
            final int adjacency = v.adjacency[i];
            final Interface itf = v.tables.interfaces().get(adjacencies.interfaceIndex(adjacency));
            final long ip = v.l3[i];
            final boolean glean = adjacencies.kind(adjacency) == AdjacencyTable.GLEAN;
            if ((u8(ip) >>> 4) == 4)
            {
                final int target = glean ? Ipv4Header.destination(ip) : adjacencies.nextHopV4(adjacency);
                if (throttled(itf.index(), target, 0) || itf.primaryIpv4() == 0)
                {
                    v.drop(i, DropReason.NEIGHBOR_MISS_THROTTLED);
                    continue;
                }
                if (!arpRequest(v.mbuf[i], ip, itf, target))
                {
                    v.drop(i, DropReason.NO_HEADROOM);
                    continue;
                }
                v.stats.event(WorkerEvent.ARP_REQUESTS_SENT);
            }
            else
            {
                final long hi = glean ? Ipv6Header.destinationHi(ip) : adjacencies.nextHopV6Hi(adjacency);
                final long lo = glean ? Ipv6Header.destinationLo(ip) : adjacencies.nextHopV6Lo(adjacency);
                if (throttled(itf.index(), hi, lo) || !itf.hasIpv6())
                {
                    v.drop(i, DropReason.NEIGHBOR_MISS_THROTTLED);
                    continue;
                }
                if (!neighborSolicitation(v.mbuf[i], ip, itf, hi, lo))
                {
                    v.drop(i, DropReason.NO_HEADROOM);
                    continue;
                }
                v.stats.event(WorkerEvent.NEIGHBOR_SOLICITATIONS_SENT);
            }
            // The data packet that triggered the request is gone; count it as a drop.
            v.stats.drops[DropReason.NEIGHBOR_MISS.ordinal()]++;
            v.txPort[i] = itf.port();
            v.to(i, StageId.TX);
        }
    }

    private boolean throttled(final int itf, final long hi, final long lo)
    {
        final long key = hi * 31 + lo * 17 + itf;
        final int slot = (int)(FlowHash.mix(key, itf) & (CACHE - 1));
        final long now = System.nanoTime();
        if (recentTarget[slot] == key && now - recentNanos[slot] < RETRY_NANOS)
        {
            return true;
        }
        recentTarget[slot] = key;
        recentNanos[slot] = now;
        return false;
    }

    private static boolean arpRequest(final long m, final long l3, final Interface itf, final int target)
    {
        if (!L2Header.write(m, l3, EthernetHeader.BROADCAST, itf.mac(), itf.vlan(), EthernetHeader.TYPE_ARP))
        {
            return false;
        }
        ArpPacket.write(l3, ArpPacket.OP_REQUEST, itf.mac(), itf.primaryIpv4(), 0, target);
        final int l2 = EthernetHeader.lengthFor(itf.vlan());
        final int length = Math.max(MIN_FRAME, l2 + ArpPacket.LENGTH);
        Mbuf.setLength(m, length);
        NativeMemory.zero(l3 + ArpPacket.LENGTH, length - l2 - ArpPacket.LENGTH);
        return true;
    }

    private static boolean neighborSolicitation(final long m, final long ip, final Interface itf, final long hi, final long lo)
    {
        final long groupMac = 0x3333_FF00_0000L | (lo & 0xFF_FFFFL);
        if (!L2Header.write(m, ip, groupMac, itf.mac(), itf.vlan(), EthernetHeader.TYPE_IPV6))
        {
            return false;
        }
        final int icmpLength = 32;
        final long groupHi = 0xFF02_0000_0000_0000L;
        final long groupLo = 0x0000_0001_FF00_0000L | (lo & 0xFF_FFFFL);
        final long[] own = itf.ipv6();
        Ipv6Header.write(ip, icmpLength, Ipv6Header.NEXT_ICMPV6, 255, own[0], own[1], groupHi, groupLo);
        final long icmp = ip + Ipv6Header.LENGTH;
        IcmpHeader.typeAndCode(icmp, IcmpHeader.V6_NEIGHBOR_SOLICITATION, 0);
        IcmpHeader.checksum(icmp, 0);
        u32be(icmp + 4, 0);
        u64be(icmp + 8, hi);
        u64be(icmp + 16, lo);
        u8(icmp + 24, 1); // option: source link-layer address
        u8(icmp + 25, 1); // length in units of 8 bytes
        mac(icmp + 26, itf.mac());
        IcmpHeader.checksum(icmp, Checksum.fold(Checksum.add(
            Ipv6Header.pseudoHeaderSum(ip, icmpLength, Ipv6Header.NEXT_ICMPV6), icmp, icmpLength)));
        Mbuf.setLength(m, EthernetHeader.lengthFor(itf.vlan()) + Ipv6Header.LENGTH + icmpLength);
        return true;
    }
}
