package io.flowlane.tunnels;

import io.flowlane.tunnels.gre.GreHeader;

/**
 * A GRE tunnel (RFC 2784), optionally with the RFC 2890 key and sequence number and the
 * RFC 2784 checksum.
 *
 * @param key       the 32-bit key, or -1 for none
 * @param sequence  number packets and drop those that arrive out of order
 * @param checksum  send and require the GRE checksum
 */
public record GreTunnel(String name, Endpoints endpoints, long key, boolean sequence, boolean checksum, int mtu, long bandwidth)
    implements Tunnel
{
    public GreTunnel
    {
        if (key < -1 || key > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("key: " + key + " is not a 32-bit unsigned value");
        }
        TunnelChecks.common(name, mtu, bandwidth, endpoints.ipHeaderLength() + GreHeader.length(checksum, key >= 0, sequence));
    }

    @Override
    public TunnelProtocol protocol()
    {
        return TunnelProtocol.GRE;
    }

    @Override
    public int overhead()
    {
        return endpoints.ipHeaderLength() + GreHeader.length(checksum, key >= 0, sequence);
    }

    @Override
    public GreTunnel withBandwidth(final long bitsPerSecond)
    {
        return new GreTunnel(name, endpoints, key, sequence, checksum, mtu, bitsPerSecond);
    }
}
