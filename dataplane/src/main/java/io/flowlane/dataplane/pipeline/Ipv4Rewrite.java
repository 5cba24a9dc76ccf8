package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.NeighborTable;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv4Header;

/**
 * The last per-hop edits of a forwarded IPv4 packet: TTL (RFC 1812 §5.3.1, with an incremental
 * checksum update), the egress MTU, the next hop's MAC, and the new Ethernet header.
 * Expired TTLs and oversized DF packets go to the ICMP error stage; oversized packets without DF
 * are fragmented (RFC 1812 §5.2.6), the fragments joining this stage's loop; unknown MACs go to
 * neighbor discovery.
 */
public final class Ipv4Rewrite implements Stage
{
    private final Ipv4Fragmenter fragmenter;

    public Ipv4Rewrite(final Ipv4Fragmenter fragmenter)
    {
        this.fragmenter = fragmenter;
    }

    @Override
    public byte id()
    {
        return StageId.IP4_REWRITE;
    }

    @Override
    public void process(final PacketVector v)
    {
        final AdjacencyTable adjacencies = v.tables.adjacencies();
        final NeighborTable neighbors = v.tables.neighbors();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP4_REWRITE)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int adjacency = v.adjacency[i];
            final boolean originated = v.originated[i];
            if (!originated && Ipv4Header.ttl(ip) <= 1)
            {
                v.icmpError[i] = IcmpHeader.V4_TIME_EXCEEDED << 24;
                v.to(i, StageId.ICMP4_ERROR);
                continue;
            }
            final int mtu = adjacencies.mtu(adjacency);
            if (Ipv4Header.totalLength(ip) > mtu)
            {
                if (originated)
                {
                    // A tunnel's outer packet: its encapsulation stage checked the tunnel MTU, so
                    // the egress interface is smaller than the tunnel was configured for.
                    v.drop(i, DropReason.TUNNEL_MTU);
                }
                else if ((Ipv4Header.flagsAndFragment(ip) & Ipv4Header.FLAG_DF) != 0)
                {
                    v.icmpError[i] = IcmpHeader.V4_DEST_UNREACHABLE << 24 | IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED << 16 | mtu;
                    v.to(i, StageId.ICMP4_ERROR);
                }
                // The TTL is decremented below, after the cut: every fragment is a copy of the
                // header as received and passes through here once.
                else
                {
                    final DropReason failed = fragmenter.fragment(v, i, mtu, StageId.IP4_REWRITE);
                    if (failed != null)
                    {
                        v.drop(i, failed);
                    }
                }
                if (v.next[i] != StageId.IP4_REWRITE)
                {
                    continue;
                }
            }
            long mac = adjacencies.destinationMac(adjacency);
            if (mac == 0 && adjacencies.kind(adjacency) == AdjacencyTable.GLEAN)
            {
                mac = neighbors.lookupIpv4(adjacencies.interfaceIndex(adjacency), Ipv4Header.destination(ip));
            }
            if (mac == 0)
            {
                v.to(i, StageId.NEIGHBOR_DISCOVERY);
                continue;
            }
            if (!originated)
            {
                Ipv4Header.decrementTtl(ip);
            }
            if (!L2Header.write(v.mbuf[i], ip, mac & ~AdjacencyTable.RESOLVED, adjacencies.sourceMac(adjacency),
                adjacencies.vlan(adjacency), EthernetHeader.TYPE_IPV4))
            {
                v.drop(i, DropReason.NO_HEADROOM);
                continue;
            }
            v.txPort[i] = adjacencies.port(adjacency);
            v.to(i, StageId.TX);
        }
    }
}
