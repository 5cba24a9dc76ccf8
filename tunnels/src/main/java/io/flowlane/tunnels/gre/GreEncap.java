package io.flowlane.tunnels.gre;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.Ipv4Fragmenter;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.Stage;
import io.flowlane.dataplane.pipeline.StageId;
import io.flowlane.tunnels.TunnelStages;

/**
 * gre-encap: puts a routed packet into its GRE tunnel. Outer IP header (DSCP copied from the
 * inner packet, RFC 2983's uniform model; DF set, since we never fragment outer packets) and the
 * GRE header with the tunnel's key, sequence number and checksum as configured, then the outer
 * packet goes back to route lookup for its own next hop.
 */
public final class GreEncap implements Stage
{
    private final TunnelStages tunnels;
    private final Ipv4Fragmenter fragmenter;

    public GreEncap(final TunnelStages tunnels, final Ipv4Fragmenter fragmenter)
    {
        this.tunnels = tunnels;
        this.fragmenter = fragmenter;
    }

    @Override
    public byte id()
    {
        return io.flowlane.tunnels.TunnelTable.GRE_ENCAP;
    }

    @Override
    public void process(final PacketVector v)
    {
        tunnels.refresh();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != io.flowlane.tunnels.TunnelTable.GRE_ENCAP)
            {
                continue;
            }
            final int slot = tunnels.slotOf(v, i, io.flowlane.tunnels.TunnelStages.GRE);
            if (slot < 0 || !tunnels.admit(v, i, slot, fragmenter))
            {
                continue;
            }
            final long inner = v.l3[i];
            final int innerLength = v.l3Length[i];
            final boolean innerV4 = (u8(inner) >>> 4) == 4;
            final boolean checksum = tunnels.greChecksum(slot);
            final long key = tunnels.greKey(slot);
            final boolean sequence = tunnels.greSequence(slot);
            final int greLength = GreHeader.length(checksum, key >= 0, sequence);
            final boolean outerV4 = tunnels.family(slot) == 4;
            final int ipLength = outerV4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
            if (!tunnels.hasHeadroom(v.mbuf[i], inner, ipLength + greLength))
            {
                v.drop(i, DropReason.NO_HEADROOM);
                continue;
            }
            final long gre = inner - greLength;
            final int flags = (checksum ? GreHeader.FLAG_CHECKSUM : 0) | (key >= 0 ? GreHeader.FLAG_KEY : 0) |
                (sequence ? GreHeader.FLAG_SEQUENCE : 0);
            u16be(gre, flags);
            u16be(gre + 2, innerV4 ? EthernetHeader.TYPE_IPV4 : EthernetHeader.TYPE_IPV6);
            if (checksum)
            {
                u32be(gre + 4, 0);
            }
            if (key >= 0)
            {
                u32be(gre + GreHeader.keyOffset(flags), (int)key);
            }
            if (sequence)
            {
                u32be(gre + GreHeader.sequenceOffset(flags), (int)tunnels.nextSequence(slot));
            }
            if (checksum)
            {
                u16be(gre + 4, Checksum.compute(gre, greLength + innerLength));
            }
            final int tos = innerV4 ? u8(inner + Ipv4Header.TOS) : (u16be(inner) >>> 4) & 0xFF;
            final long outer = gre - ipLength;
            tunnels.writeOuter(outer, slot, tos & 0xFC, greLength + innerLength, Ipv4Header.PROTO_GRE);
            v.l3[i] = outer;
            v.l3Length[i] = ipLength + greLength + innerLength;
            v.originated[i] = true;
            tunnels.countTransmit(slot, v.l3Length[i]);
            v.to(i, outerV4 ? StageId.IP4_LOOKUP : StageId.IP6_LOOKUP);
        }
    }
}
