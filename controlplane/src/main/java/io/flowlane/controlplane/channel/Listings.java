package io.flowlane.controlplane.channel;

import io.flowlane.controlplane.sbe.CommandKind;
import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.ForwardingControl.RouteKey;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.port.Interface;
import io.flowlane.tunnels.EspTunnel;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.TunnelTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code show routes|interfaces|sa} list, as text rows (a header line, then one line a row,
 * tab-separated), built on the control thread from the writer's view of the tables. Keys are never
 * listed: an SA row says which cipher and key size, not the key.
 */
final class Listings
{
    static final int MAX_ROWS = 10_000;
    /** Rows stop here even if fewer than asked (an ECMP route's row can be long): a listing is one Aeron message. */
    static final int MAX_CHARS = 1 << 20;

    private Listings()
    {
    }

    /** Rows [offset, offset + limit) of the listing; {@code total} receives the number of rows in all. */
    static String rows(final CommandKind kind, final ForwardingControl forwarding, final TunnelTable tunnels, final int offset,
        final int limit, final long[] total)
    {
        final int count = Math.min(limit == 0 ? MAX_ROWS : limit, MAX_ROWS);
        final StringBuilder text = new StringBuilder();
        switch (kind)
        {
            case SHOW_ROUTES ->
            {
                text.append("prefix\tnext-hops\n");
                final List<RouteKey> keys = forwarding.sortedRouteKeys();
                total[0] = keys.size();
                for (int i = offset; i < Math.min(keys.size(), offset + count) && text.length() < MAX_CHARS; i++)
                {
                    final RouteKey key = keys.get(i);
                    text.append(key).append('\t');
                    final List<NextHop> hops = forwarding.nextHops(key);
                    if (hops.isEmpty())
                    {
                        // Installed by an interface: its own address, or its connected subnet.
                        text.append(key.length() == (key.family() == 4 ? 32 : 128) ? "local" : "connected");
                    }
                    for (int h = 0; h < hops.size(); h++)
                    {
                        text.append(h == 0 ? "" : ", ").append(hop(key.family(), hops.get(h), hops.size()));
                    }
                    text.append('\n');
                }
            }
            case SHOW_INTERFACES ->
            {
                text.append("name\tport\tvlan\tmac\tmtu\taddresses\n");
                final List<Interface> all = new ArrayList<>(forwarding.tables().interfaces().all());
                total[0] = all.size();
                for (int i = offset; i < Math.min(all.size(), offset + count); i++)
                {
                    final Interface itf = all.get(i);
                    text.append(itf.name()).append('\t').append(itf.port()).append('\t').append(itf.vlan()).append('\t')
                        .append(EthernetHeader.macToString(itf.mac())).append('\t').append(itf.mtu()).append('\t');
                    final List<String> addresses = new ArrayList<>();
                    for (int a = 0; a < itf.ipv4().length; a++)
                    {
                        addresses.add(Ipv4Header.toString(itf.ipv4()[a]) + "/" + itf.ipv4Prefix()[a]);
                    }
                    for (int a = 0; a < itf.ipv6Prefix().length; a++)
                    {
                        addresses.add(Ipv6Header.toString(itf.ipv6()[2 * a], itf.ipv6()[2 * a + 1]) + "/" + itf.ipv6Prefix()[a]);
                    }
                    text.append(String.join(", ", addresses)).append('\n');
                }
            }
            case SHOW_SA ->
            {
                text.append("tunnel\tdirection\tspi\tcipher\tesn\treplay-window\tsequence\n");
                final List<EspTunnel> esp = new ArrayList<>();
                if (tunnels != null)
                {
                    for (final Tunnel tunnel : tunnels.all())
                    {
                        if (tunnel instanceof EspTunnel e)
                        {
                            esp.add(e);
                        }
                    }
                }
                esp.sort(Comparator.comparing(EspTunnel::name));
                total[0] = 2L * esp.size();
                for (int row = offset; row < Math.min(2 * esp.size(), offset + count); row++)
                {
                    final EspTunnel e = esp.get(row / 2);
                    if (row % 2 == 0)
                    {
                        sa(text, e.name(), "out", e.outbound(), tunnels.transmitSequence(e.name()));
                    }
                    else
                    {
                        sa(text, e.name(), "in", e.inbound(), tunnels.receiveSequence(e.name()));
                    }
                }
            }
            default -> throw new IllegalArgumentException("not a listing: " + kind);
        }
        return text.toString();
    }

    private static void sa(final StringBuilder text, final String tunnel, final String direction,
        final io.flowlane.tunnels.esp.SecurityAssociation sa, final long sequence)
    {
        final byte[] key = sa.key();
        final int bits = key.length * 8;
        java.util.Arrays.fill(key, (byte)0);
        text.append(tunnel).append('\t').append(direction).append('\t').append("0x").append(Long.toHexString(sa.spi())).append('\t')
            .append("aes").append(bits).append("-gcm").append('\t').append(sa.extendedSequence()).append('\t')
            .append(sa.replayWindow()).append('\t').append(sequence).append('\n');
    }

    private static String hop(final int family, final NextHop hop, final int members)
    {
        final String weight = members > 1 ? " *" + hop.weight() : "";
        return switch (hop.kind())
        {
            case VIA -> "via " + (family == 4 ? Ipv4Header.toString(hop.gatewayIpv4()) : Ipv6Header.toString(hop.gatewayHi(),
                hop.gatewayLo())) + (hop.interfaceName() == null ? "" : " @" + hop.interfaceName()) + weight;
            case TUNNEL -> "tunnel " + hop.tunnel() + weight;
            case DROP -> "drop";
            case LOCAL -> "local";
        };
    }
}
