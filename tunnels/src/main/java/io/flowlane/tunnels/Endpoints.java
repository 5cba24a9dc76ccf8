package io.flowlane.tunnels;

import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;

/**
 * A tunnel's outer addresses: ours ({@code local}, the outer source) and the peer's. IPv4
 * addresses sit in the low 32 bits of {@code hi} with {@code lo} zero.
 *
 * @param ttl the outer header's TTL or hop limit
 */
public record Endpoints(int family, long localHi, long localLo, long remoteHi, long remoteLo, int ttl)
{
    public Endpoints
    {
        if (family != 4 && family != 6)
        {
            throw new IllegalArgumentException("family: " + family + " is neither 4 nor 6");
        }
        if (ttl < 1 || ttl > 255)
        {
            throw new IllegalArgumentException("ttl: " + ttl + " is outside 1..255");
        }
    }

    /** Parses "192.0.2.1" / "2001:db8::1" pairs; both must be of one family. */
    public static Endpoints parse(final String local, final String remote, final int ttl)
    {
        final boolean v6 = local.contains(":");
        if (v6 != remote.contains(":"))
        {
            throw new IllegalArgumentException("destination: " + remote + " is not of the same address family as source " + local);
        }
        if (v6)
        {
            final long[] l = Ipv6Header.parse(local);
            final long[] r = Ipv6Header.parse(remote);
            return new Endpoints(6, l[0], l[1], r[0], r[1], ttl);
        }
        return new Endpoints(4, Ipv4Header.parse(local) & 0xFFFF_FFFFL, 0, Ipv4Header.parse(remote) & 0xFFFF_FFFFL, 0, ttl);
    }

    /** Bytes of the outer IP header. */
    public int ipHeaderLength()
    {
        return family == 4 ? Ipv4Header.MIN_LENGTH : Ipv6Header.LENGTH;
    }

    @Override
    public String toString()
    {
        return address(localHi, localLo) + " -> " + address(remoteHi, remoteLo);
    }

    private String address(final long hi, final long lo)
    {
        return family == 4 ? Ipv4Header.toString((int)hi) : Ipv6Header.toString(hi, lo);
    }
}
