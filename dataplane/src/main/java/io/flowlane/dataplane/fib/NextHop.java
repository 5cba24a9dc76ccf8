package io.flowlane.dataplane.fib;

/**
 * One way out for a route.
 *
 * @param kind      {@link Kind#VIA} a gateway, {@link Kind#DROP} discard, {@link Kind#LOCAL} deliver to us
 * @param interfaceName egress interface; null means "the interface whose connected subnet holds the gateway"
 * @param gateway   the gateway's address: an IPv4 address in the low 32 bits of {@code gatewayHi},
 *                  or an IPv6 address as hi/lo
 * @param weight    relative share of flows in an ECMP group (1 = equal share)
 */
public record NextHop(Kind kind, String interfaceName, long gatewayHi, long gatewayLo, int weight)
{
    public enum Kind
    {
        VIA, DROP, LOCAL
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
        return new NextHop(Kind.VIA, interfaceName, gateway & 0xFFFF_FFFFL, 0, weight);
    }

    public static NextHop viaIpv6(final String interfaceName, final long hi, final long lo, final int weight)
    {
        return new NextHop(Kind.VIA, interfaceName, hi, lo, weight);
    }

    public static NextHop drop()
    {
        return new NextHop(Kind.DROP, null, 0, 0, 1);
    }

    public int gatewayIpv4()
    {
        return (int)gatewayHi;
    }
}
