package io.flowlane.tunnels;

import io.flowlane.dataplane.packet.Ipv6Header;

/** Checks every tunnel's parameters share; messages name the field. */
final class TunnelChecks
{
    private TunnelChecks()
    {
    }

    static void common(final String name, final int mtu, final long bandwidth, final int overhead)
    {
        if (name == null || name.isBlank())
        {
            throw new IllegalArgumentException("name: a tunnel needs a name");
        }
        if (mtu < overhead + Ipv6Header.MIN_MTU / 2 || mtu > 9216)
        {
            throw new IllegalArgumentException("mtu: " + mtu + " leaves too little room for inner packets after " +
                overhead + " bytes of encapsulation, or exceeds 9216");
        }
        if (bandwidth < 0)
        {
            throw new IllegalArgumentException("bandwidth: " + bandwidth + " is negative");
        }
    }
}
