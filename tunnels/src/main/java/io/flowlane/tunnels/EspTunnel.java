package io.flowlane.tunnels;

import io.flowlane.tunnels.esp.EspHeader;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import java.util.List;

/**
 * An IPsec ESP tunnel-mode tunnel (RFC 4303) with AES-GCM (RFC 4106): one outbound and one
 * inbound security association, and the traffic selectors (the SPD entries) it protects.
 */
public record EspTunnel(
    String name, Endpoints endpoints, SecurityAssociation outbound, SecurityAssociation inbound,
    List<TrafficSelector> selectors, int mtu, long bandwidth) implements Tunnel
{
    public EspTunnel
    {
        TunnelChecks.common(name, mtu, bandwidth, endpoints.ipHeaderLength() + EspHeader.MAX_OVERHEAD);
        if (outbound.spi() == inbound.spi())
        {
            throw new IllegalArgumentException("inbound-sa.spi: the same SPI as the outbound SA");
        }
        for (final TrafficSelector selector : selectors)
        {
            if (selector.family() != 4 && selector.family() != 6)
            {
                throw new IllegalArgumentException("selectors: bad family");
            }
        }
        selectors = List.copyOf(selectors);
    }

    @Override
    public TunnelProtocol protocol()
    {
        return TunnelProtocol.ESP;
    }

    @Override
    public int overhead()
    {
        return endpoints.ipHeaderLength() + EspHeader.MAX_OVERHEAD;
    }

    @Override
    public EspTunnel withBandwidth(final long bitsPerSecond)
    {
        return new EspTunnel(name, endpoints, outbound, inbound, selectors, mtu, bitsPerSecond);
    }
}
