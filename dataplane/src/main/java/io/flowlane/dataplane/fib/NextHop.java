package io.flowlane.dataplane.fib;

/**
 * One way out for a route.
 *
 * @param kind      {@link Kind#VIA} a gateway, {@link Kind#DROP} discard, {@link Kind#LOCAL} deliver to us,
 *                  {@link Kind#TUNNEL} into a tunnel (encapsulate, then route the outer packet)
 * @param interfaceName egress interface; null means "the interface whose connected subnet holds the gateway"
 * @param gateway   the gateway's address: an IPv4 address in the low 32 bits of {@code gatewayHi},
 *                  or an IPv6 address as hi/lo
 * @param weight    relative share of flows in an ECMP group (1 = equal share)
 * @param tunnel    the tunnel's name for {@link Kind#TUNNEL}, else null
 */
public record NextHop(Kind kind, String interfaceName, long gatewayHi, long gatewayLo, int weight, String tunnel)
{
    public enum Kind
    {
        VIA, DROP, LOCAL, TUNNEL
    }

    public NextHop
    {
        if (weight < 0)
        {
            throw new IllegalArgumentException("weight: " + weight + " is negative");
        }
    }

    public static NextHop viaIpv4(final String interfaceName, final int gateway, final int weight)
    {
        return new NextHop(Kind.VIA, interfaceName, gateway & 0xFFFF_FFFFL, 0, weight, null);
    }

    public static NextHop viaIpv6(final String interfaceName, final long hi, final long lo, final int weight)
    {
        return new NextHop(Kind.VIA, interfaceName, hi, lo, weight, null);
    }

    public static NextHop drop()
    {
        return new NextHop(Kind.DROP, null, 0, 0, 1, null);
    }

    /** Into the named tunnel (its encapsulation stage adds the outer headers). */
    public static NextHop tunnel(final String tunnel, final int weight)
    {
        if (tunnel == null || tunnel.isEmpty())
        {
            throw new IllegalArgumentException("tunnel: a tunnel next hop needs the tunnel's name");
        }
        return new NextHop(Kind.TUNNEL, null, 0, 0, weight, tunnel);
    }

    public int gatewayIpv4()
    {
        return (int)gatewayHi;
    }
}
