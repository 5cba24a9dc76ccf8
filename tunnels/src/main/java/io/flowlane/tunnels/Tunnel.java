package io.flowlane.tunnels;

/**
 * One tunnel, whatever its protocol (seed 002's Tunnel Protocol Abstraction Layer): what the
 * control plane creates, scales, migrates traffic onto and deletes, and what routes point at.
 * Implementations are immutable values; {@link TunnelTable} turns them into the tables the
 * encapsulation and decapsulation stages read.
 */
public sealed interface Tunnel permits GreTunnel, EspTunnel
{
    String name();

    TunnelProtocol protocol();

    Endpoints endpoints();

    /** Largest outer packet the tunnel sends (the path MTU it is configured for). */
    int mtu();

    /** Bytes the encapsulation adds at most (outer IP header included). */
    int overhead();

    /** Shaped rate in bits per second; 0 means not shaped. */
    long bandwidth();

    /** The same tunnel with another shaped rate (seed 002's "tunnel scaling"). */
    Tunnel withBandwidth(long bitsPerSecond);

    /** Largest inner packet that fits: {@link #mtu()} minus {@link #overhead()}. */
    default int innerMtu()
    {
        return mtu() - overhead();
    }
}
