package io.flowlane.tunnels.esp;

import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;

/**
 * A security policy entry of a route-based ESP tunnel (RFC 4301 §4.4.1 selectors, addresses
 * only): traffic between {@code local} and {@code remote} is protected by the tunnel. Outbound,
 * routes to {@code remote} point at the tunnel; inbound, a decrypted packet must come from
 * {@code remote} and go to {@code local}, or it is dropped (RFC 4301 §5.2, step 4).
 * Addresses: IPv4 in the low 32 bits of hi.
 */
public record TrafficSelector(int family, long localHi, long localLo, int localLength, long remoteHi, long remoteLo, int remoteLength)
{
    public static TrafficSelector parse(final String local, final String remote)
    {
        final long[] l = prefix("local", local);
        final long[] r = prefix("remote", remote);
        if (l[3] != r[3])
        {
            throw new IllegalArgumentException("remote: " + remote + " is not of the same address family as local " + local);
        }
        return new TrafficSelector((int)l[3], l[0], l[1], (int)l[2], r[0], r[1], (int)r[2]);
    }

    /** Does an inbound inner packet from {@code src} to {@code dst} match? */
    public boolean matchesInbound(final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        return covers(remoteHi, remoteLo, remoteLength, srcHi, srcLo) && covers(localHi, localLo, localLength, dstHi, dstLo);
    }

    boolean covers(final long pHi, final long pLo, final int length, final long hi, final long lo)
    {
        if (family == 4)
        {
            final long mask = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            return (hi & mask) == pHi;
        }
        final long maskHi = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
        final long maskLo = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return (hi & maskHi) == pHi && (lo & maskLo) == pLo;
    }

    private static long[] prefix(final String field, final String text)
    {
        final int slash = text.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException(field + ": " + text + " is not a prefix (address/length)");
        }
        final String address = text.substring(0, slash);
        final int length;
        try
        {
            length = Integer.parseInt(text.substring(slash + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(field + ": " + text + " has no valid prefix length");
        }
        if (address.contains(":"))
        {
            if (length < 0 || length > 128)
            {
                throw new IllegalArgumentException(field + ": prefix length " + length + " is outside 0..128");
            }
            final long[] a = Ipv6Header.parse(address);
            final long maskHi = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
            final long maskLo = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
            if ((a[0] & ~maskHi) != 0 || (a[1] & ~maskLo) != 0)
            {
                throw new IllegalArgumentException(field + ": " + text + " has host bits set");
            }
            return new long[] {a[0], a[1], length, 6};
        }
        if (length < 0 || length > 32)
        {
            throw new IllegalArgumentException(field + ": prefix length " + length + " is outside 0..32");
        }
        final long a = Ipv4Header.parse(address) & 0xFFFF_FFFFL;
        final long mask = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
        if ((a & ~mask) != 0)
        {
            throw new IllegalArgumentException(field + ": " + text + " has host bits set");
        }
        return new long[] {a, 0, length, 4};
    }
}
