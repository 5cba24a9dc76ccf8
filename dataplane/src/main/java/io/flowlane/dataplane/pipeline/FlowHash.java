package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u64be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;

/**
 * The per-flow hash that picks an ECMP member: the NIC's RSS hash when it computed one, else
 * a software hash of addresses, protocol and (for unfragmented TCP/UDP) ports, so all packets
 * of a flow take one path and flows spread evenly.
 */
public final class FlowHash
{
    private FlowHash()
    {
    }

    public static int ipv4(final long mbuf, final long ip, final int l3Length)
    {
        if (Mbuf.hasRssHash(mbuf))
        {
            return Mbuf.rssHash(mbuf);
        }
        final int protocol = Ipv4Header.protocol(ip);
        final int ihl = Ipv4Header.headerLength(ip);
        final int ports = (protocol == Ipv4Header.PROTO_TCP || protocol == Ipv4Header.PROTO_UDP) &&
            !Ipv4Header.isFragment(ip) && l3Length >= ihl + 4 ? u32be(ip + ihl) : 0;
        return ipv4Fields(Ipv4Header.source(ip), Ipv4Header.destination(ip), protocol, ports);
    }

    /**
     * The software hash of an IPv4 packet from its fields, as {@link #ipv4} computes it when the NIC
     * gave no RSS hash: {@code ports} is the first four bytes of an unfragmented TCP or UDP header
     * (source port &lt;&lt; 16 | destination port), else 0. A controller that plans by flow-hash
     * bucket (the mesh manager's shards: {@code hash & 255}) computes a flow's bucket with it.
     */
    public static int ipv4Fields(final int source, final int destination, final int protocol, final int ports)
    {
        return mix(((long)source << 32) ^ (destination & 0xFFFF_FFFFL), protocol | (long)ports << 8);
    }

    public static int ipv6(final long mbuf, final long ip, final int l3Length)
    {
        if (Mbuf.hasRssHash(mbuf))
        {
            return Mbuf.rssHash(mbuf);
        }
        final int next = u8(ip + Ipv6Header.NEXT_HEADER);
        final long key = u64be(ip + 8) ^ u64be(ip + 16) ^ Long.rotateLeft(u64be(ip + 24) ^ u64be(ip + 32), 17);
        long extra = next | ((long)Ipv6Header.flowLabel(ip) << 40);
        if ((next == Ipv4Header.PROTO_TCP || next == Ipv4Header.PROTO_UDP) && l3Length >= Ipv6Header.LENGTH + 4)
        {
            extra ^= (long)u32be(ip + Ipv6Header.LENGTH) << 8;
        }
        return mix(key, extra);
    }

    /** Two rounds of a 64-bit multiply-xorshift finaliser (as in splitmix64): cheap and well mixed. */
    static int mix(final long key, final long extra)
    {
        long h = key * 0x9E37_79B9_7F4A_7C15L + extra;
        h ^= h >>> 30;
        h *= 0xBF58_476D_1CE4_E5B9L;
        h ^= h >>> 27;
        h *= 0x94D0_49BB_1331_11EBL;
        h ^= h >>> 31;
        return (int)h ^ (int)(h >>> 32);
    }
}
