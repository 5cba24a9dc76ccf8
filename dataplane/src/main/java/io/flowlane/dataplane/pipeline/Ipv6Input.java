package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;

/**
 * Validates the IPv6 fixed header, trims padding, and separates link-scope multicast (neighbor
 * discovery and friends, handled locally) from what is to be routed.
 */
public final class Ipv6Input implements Stage
{
    @Override
    public byte id()
    {
        return StageId.IP6_INPUT;
    }

    @Override
    public void process(final PacketVector v)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP6_INPUT)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int available = v.l3Length[i];
            if (available < Ipv6Header.LENGTH)
            {
                v.drop(i, DropReason.IP6_TRUNCATED);
                continue;
            }
            if ((u8(ip) >>> 4) != 6)
            {
                v.drop(i, DropReason.IP6_BAD_VERSION);
                continue;
            }
            final int length = Ipv6Header.LENGTH + Ipv6Header.payloadLength(ip);
            if (length > available)
            {
                v.drop(i, DropReason.IP6_BAD_PAYLOAD_LENGTH);
                continue;
            }
            if (Ipv6Header.isMulticast(Ipv6Header.sourceHi(ip)))
            {
                v.drop(i, DropReason.IP6_MARTIAN_SOURCE);
                continue;
            }
            if (length < available)
            {
                Mbuf.trim(v.mbuf[i], available - length);
                v.l3Length[i] = length;
            }
            final long dstHi = Ipv6Header.destinationHi(ip);
            if (Ipv6Header.isMulticast(dstHi))
            {
                // ff02::/16 is link-local scope: NDP lives there. Wider scopes need multicast routing.
                if ((dstHi >>> 48) == 0xFF02)
                {
                    v.to(i, StageId.IP6_LOCAL);
                }
                else
                {
                    v.drop(i, DropReason.IP6_NOT_ROUTABLE);
                }
                continue;
            }
            v.to(i, StageId.IP6_LOOKUP);
        }
    }
}
