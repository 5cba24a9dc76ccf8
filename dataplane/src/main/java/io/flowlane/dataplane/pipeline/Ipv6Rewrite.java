package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.NeighborTable;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv6Header;

/**
 * Per-hop edits of a forwarded IPv6 packet: hop limit (no header checksum in IPv6), MTU (routers
 * never fragment IPv6: too big means ICMPv6 Packet Too Big, RFC 8200 §5), MAC and Ethernet header.
 */
public final class Ipv6Rewrite implements Stage
{
    @Override
    public byte id()
    {
        return StageId.IP6_REWRITE;
    }

    @Override
    public void process(final PacketVector v)
    {
        final AdjacencyTable adjacencies = v.tables.adjacencies();
        final NeighborTable neighbors = v.tables.neighbors();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP6_REWRITE)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int adjacency = v.adjacency[i];
            final boolean originated = v.originated[i];
            final int hopLimit = Ipv6Header.hopLimit(ip);
            if (!originated && hopLimit <= 1)
            {
                v.icmpError[i] = IcmpHeader.V6_TIME_EXCEEDED << 24;
                v.to(i, StageId.ICMP6_ERROR);
                continue;
            }
            final int mtu = adjacencies.mtu(adjacency);
            if (v.l3Length[i] > mtu)
            {
                if (originated)
                {
                    v.drop(i, DropReason.TUNNEL_MTU);
                    continue;
                }
                v.icmpError[i] = IcmpHeader.V6_PACKET_TOO_BIG << 24 | Math.min(mtu, 0xFFFF);
                v.to(i, StageId.ICMP6_ERROR);
                continue;
            }
            long mac = adjacencies.destinationMac(adjacency);
            if (mac == 0 && adjacencies.kind(adjacency) == AdjacencyTable.GLEAN)
            {
                mac = neighbors.lookupIpv6(adjacencies.interfaceIndex(adjacency),
                    Ipv6Header.destinationHi(ip), Ipv6Header.destinationLo(ip));
            }
            if (mac == 0)
            {
                v.to(i, StageId.NEIGHBOR_DISCOVERY);
                continue;
            }
            if (!originated)
            {
                Ipv6Header.hopLimit(ip, hopLimit - 1);
            }
            if (!L2Header.write(v.mbuf[i], ip, mac & ~AdjacencyTable.RESOLVED, adjacencies.sourceMac(adjacency),
                adjacencies.vlan(adjacency), EthernetHeader.TYPE_IPV6))
            {
                v.drop(i, DropReason.NO_HEADROOM);
                continue;
            }
            v.txPort[i] = adjacencies.port(adjacency);
            v.to(i, StageId.TX);
        }
    }
}
