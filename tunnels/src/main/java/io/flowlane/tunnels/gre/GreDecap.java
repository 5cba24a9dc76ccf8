package io.flowlane.tunnels.gre;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.Stage;
import io.flowlane.dataplane.pipeline.StageId;
import io.flowlane.tunnels.TunnelStages;
import io.flowlane.tunnels.TunnelTable;

/**
 * gre-decap: GRE packets addressed to us (claimed from ip4-local/ip6-local). Validates the header
 * (RFC 2784 §2.3: version 0, RFC 1701 bits clear; the checksum when present), finds the tunnel
 * by outer source, outer destination and key, enforces RFC 2890 sequencing when the tunnel asks
 * for it, and hands the inner IPv4/IPv6 packet to input validation and routing.
 */
public final class GreDecap implements Stage
{
    private final TunnelStages tunnels;

    public GreDecap(final TunnelStages tunnels)
    {
        this.tunnels = tunnels;
    }

    @Override
    public byte id()
    {
        return TunnelTable.GRE_DECAP;
    }

    @Override
    public void process(final PacketVector v)
    {
        tunnels.refresh();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != TunnelTable.GRE_DECAP)
            {
                continue;
            }
            final long ip = v.l3[i];
            final boolean v4 = (u8(ip) >>> 4) == 4;
            final int ipLength = v4 ? Ipv4Header.headerLength(ip) : Ipv6Header.LENGTH;
            final long gre = ip + ipLength;
            final int greAndPayload = v.l3Length[i] - ipLength;
            if (greAndPayload < GreHeader.BASE_LENGTH)
            {
                v.drop(i, DropReason.GRE_MALFORMED);
                continue;
            }
            final int flags = GreHeader.flags(gre);
            if ((flags & GreHeader.MUST_BE_ZERO) != 0 || (flags & GreHeader.VERSION_MASK) != 0)
            {
                v.drop(i, DropReason.GRE_MALFORMED);
                continue;
            }
            final int greLength = GreHeader.length(flags);
            if (greAndPayload < greLength)
            {
                v.drop(i, DropReason.GRE_MALFORMED);
                continue;
            }
            if ((flags & GreHeader.FLAG_CHECKSUM) != 0 && !Checksum.verifies(gre, greAndPayload))
            {
                v.drop(i, DropReason.GRE_BAD_CHECKSUM);
                continue;
            }
            final long key = (flags & GreHeader.FLAG_KEY) != 0 ? u32be(gre + GreHeader.keyOffset(flags)) & 0xFFFF_FFFFL : -1;
            final int slot = v4 ?
                tunnels.greTunnel(4, Ipv4Header.source(ip) & 0xFFFF_FFFFL, 0, Ipv4Header.destination(ip) & 0xFFFF_FFFFL, 0, key) :
                tunnels.greTunnel(6, Ipv6Header.sourceHi(ip), Ipv6Header.sourceLo(ip), Ipv6Header.destinationHi(ip),
                    Ipv6Header.destinationLo(ip), key);
            if (slot < 0)
            {
                v.drop(i, DropReason.GRE_UNKNOWN_TUNNEL);
                continue;
            }
            if (tunnels.greSequence(slot))
            {
                if ((flags & GreHeader.FLAG_SEQUENCE) == 0 ||
                    !tunnels.acceptGreSequence(slot, u32be(gre + GreHeader.sequenceOffset(flags)) & 0xFFFF_FFFFL))
                {
                    v.drop(i, DropReason.GRE_OUT_OF_SEQUENCE);
                    continue;
                }
            }
            final int protocol = GreHeader.protocol(gre);
            final byte next;
            if (protocol == EthernetHeader.TYPE_IPV4)
            {
                next = StageId.IP4_INPUT;
            }
            else if (protocol == EthernetHeader.TYPE_IPV6)
            {
                next = StageId.IP6_INPUT;
            }
            else
            {
                v.drop(i, DropReason.GRE_UNSUPPORTED_PAYLOAD);
                continue;
            }
            v.l3[i] = gre + greLength;
            v.l3Length[i] = greAndPayload - greLength;
            v.originated[i] = false;
            tunnels.countReceive(slot, v.l3Length[i]);
            v.to(i, next);
        }
    }
}
