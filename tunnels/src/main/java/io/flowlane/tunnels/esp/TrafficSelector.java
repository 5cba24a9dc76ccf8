package io.flowlane.tunnels.esp;

import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.fib.ForwardingControl;

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
        final int family = local.contains(":") ? 6 : 4;
        if (family != (remote.contains(":") ? 6 : 4))
        {
            throw new IllegalArgumentException("remote: " + remote + " is not of the same address family as local " + local);
        }
        final long[] l = prefix("local", local, family);
        final long[] r = prefix("remote", remote, family);
        return new TrafficSelector(family, l[0], l[1], (int)l[2], r[0], r[1], (int)r[2]);
    }

    /** Does an inbound inner packet from {@code src} to {@code dst} match? */
    public boolean matchesInbound(final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        return covers(remoteHi, remoteLo, remoteLength, srcHi, srcLo) && covers(localHi, localLo, localLength, dstHi, dstLo);
    }

    private boolean covers(final long pHi, final long pLo, final int length, final long hi, final long lo)
    {
        if (family == 4)
        {
            return (hi & (ForwardingControl.mask4(length) & 0xFFFF_FFFFL)) == pHi;
        }
        return (hi & ForwardingControl.mask6Hi(length)) == pHi && (lo & ForwardingControl.mask6Lo(length)) == pLo;
    }

    /** The config's own prefix parser (host bits must be zero), with the field named in errors. */
    private static long[] prefix(final String field, final String text, final int family)
    {
        try
        {
            return ConfigLoader.prefix(text, family, true);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(field + ": " + ex.getMessage());
        }
    }
}
