package io.flowlane.tunnels;

import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.Ipv4Fragmenter;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.StageId;

import static io.flowlane.dataplane.packet.NativeMemory.u8;

/**
 * What every encapsulation stage does first to a packet routed into a tunnel: the hop's TTL or
 * hop-limit decrement (the packet is forwarded, RFC 1812 §5.3.1) and the tunnel MTU check.
 *
 * <p>MTU (RFC 4459): an inner packet too big for the tunnel is never fragmented after
 * encapsulation (outer fragments would make the far end reassemble, §3.1). IPv4 with DF and all
 * IPv6 get an ICMP "fragmentation needed" / "packet too big" quoting the tunnel's inner MTU, so
 * the sender's path MTU discovery adapts (§3.3); IPv4 without DF is fragmented before
 * encapsulation (§3.2: the tunnel endpoint forwards inner fragments, the final destination
 * reassembles them), each fragment becoming its own tunnel packet.
 */
final class TunnelIngress
{
    private TunnelIngress()
    {
    }

    /**
     * True if the packet may be encapsulated; otherwise it has been sent on to ICMP or dropped.
     * An IPv4 packet without DF that is too big leaves as its first fragment; the others were
     * added to the vector for the same stage and come through here themselves.
     */
    static boolean admit(final PacketVector v, final int i, final int innerMtu, final Ipv4Fragmenter fragmenter)
    {
        final long ip = v.l3[i];
        if ((u8(ip) >>> 4) == 4)
        {
            if (Ipv4Header.ttl(ip) <= 1)
            {
                v.icmpError[i] = IcmpHeader.V4_TIME_EXCEEDED << 24;
                v.to(i, StageId.ICMP4_ERROR);
                return false;
            }
            if (v.l3Length[i] > innerMtu)
            {
                if ((Ipv4Header.flagsAndFragment(ip) & Ipv4Header.FLAG_DF) != 0)
                {
                    v.icmpError[i] = IcmpHeader.V4_DEST_UNREACHABLE << 24 | IcmpHeader.V4_CODE_FRAGMENTATION_NEEDED << 16 | innerMtu;
                    v.to(i, StageId.ICMP4_ERROR);
                    return false;
                }
                // Cut before the TTL decrement below: each fragment copies the header as received
                // and is decremented once when it passes here.
                final DropReason failed = fragmenter.fragment(v, i, innerMtu, v.next[i]);
                if (failed != null)
                {
                    v.drop(i, failed == DropReason.MTU_EXCEEDED ? DropReason.TUNNEL_MTU : failed);
                    return false;
                }
            }
            Ipv4Header.decrementTtl(ip);
            return true;
        }
        final int hopLimit = Ipv6Header.hopLimit(ip);
        if (hopLimit <= 1)
        {
            v.icmpError[i] = IcmpHeader.V6_TIME_EXCEEDED << 24;
            v.to(i, StageId.ICMP6_ERROR);
            return false;
        }
        if (v.l3Length[i] > innerMtu)
        {
            v.icmpError[i] = IcmpHeader.V6_PACKET_TOO_BIG << 24 | Math.min(innerMtu, 0xFFFF);
            v.to(i, StageId.ICMP6_ERROR);
            return false;
        }
        Ipv6Header.hopLimit(ip, hopLimit - 1);
        return true;
    }

    /** Room in front of the packet for {@code overhead} bytes and the largest L2 header. */
    static boolean hasHeadroom(final long mbuf, final long l3, final int overhead)
    {
        return io.flowlane.dataplane.packet.Mbuf.headroom(mbuf) + (l3 - io.flowlane.dataplane.packet.Mbuf.data(mbuf)) >=
            overhead + io.flowlane.dataplane.packet.EthernetHeader.LENGTH + io.flowlane.dataplane.packet.EthernetHeader.VLAN_TAG_LENGTH;
    }
}
