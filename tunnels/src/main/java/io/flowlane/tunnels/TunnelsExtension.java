package io.flowlane.tunnels;

import io.flowlane.dataplane.config.ConfigNode;
import io.flowlane.dataplane.extension.DataplaneExtension;
import io.flowlane.dataplane.extension.ExtensionConfig;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tunnels module as a data-plane extension: reads the {@code tunnels:} section (format in
 * docs/configuration.md), and at start builds the {@link TunnelTable} and plugs the GRE and ESP
 * stages into every worker's graph.
 */
public final class TunnelsExtension implements DataplaneExtension
{
    @Override
    public Set<String> configKeys()
    {
        return Set.of("tunnels", "tunnel-capacity");
    }

    @Override
    public ExtensionConfig parse(final ConfigNode root, final Set<String> interfaceNames)
    {
        final ConfigNode section = root.get("tunnels");
        if (section == null)
        {
            return null;
        }
        final int capacity = root.integer("tunnel-capacity", 1024, 1, 1 << 20);
        final List<Tunnel> tunnels = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigNode node : section.list())
        {
            final Tunnel tunnel = tunnel(node);
            if (!names.add(tunnel.name()))
            {
                throw node.require("name").error("tunnel '" + tunnel.name() + "' is defined twice");
            }
            tunnels.add(tunnel);
        }
        if (tunnels.size() > capacity)
        {
            throw section.error(tunnels.size() + " tunnels do not fit tunnel-capacity " + capacity);
        }
        // Let the table check what only it checks (duplicate endpoints+key, duplicate SPIs) now, not at start.
        final TunnelTable dryRun = new TunnelTable(capacity, 0, io.flowlane.dataplane.fib.GracePeriods.NONE, null, null);
        for (int t = 0; t < tunnels.size(); t++)
        {
            try
            {
                dryRun.create(tunnels.get(t));
            }
            catch (final IllegalArgumentException ex)
            {
                throw section.list().get(t).error(ex.getMessage());
            }
        }
        return new TunnelsConfig(capacity, List.copyOf(tunnels));
    }

    static Tunnel tunnel(final ConfigNode node)
    {
        node.checkKeys(Set.of("name", "protocol", "security", "source", "destination", "ttl", "mtu", "bandwidth-mbps",
            "key", "sequence", "checksum", "outbound-sa", "inbound-sa", "selectors"));
        final String name = node.require("name").text();
        final TunnelProtocol protocol;
        if (node.get("protocol") != null)
        {
            if (node.get("security") != null)
            {
                throw node.require("security").error("give either a protocol or a security need, not both");
            }
            protocol = node.choice(TunnelProtocol.class, "protocol", TunnelProtocol.GRE);
        }
        else
        {
            protocol = ProtocolPolicy.choose(node.choice(ProtocolPolicy.Security.class, "security", ProtocolPolicy.Security.NONE));
        }
        try
        {
            final Endpoints endpoints = Endpoints.parse(node.require("source").text(), node.require("destination").text(),
                node.integer("ttl", 64, 1, 255));
            final int mtu = node.integer("mtu", 1500, 576, 9216);
            final long bandwidth = (long)node.integer("bandwidth-mbps", 0, 0, 400_000) * 1_000_000L;
            if (protocol == TunnelProtocol.GRE)
            {
                for (final String espOnly : List.of("outbound-sa", "inbound-sa", "selectors"))
                {
                    if (node.get(espOnly) != null)
                    {
                        throw node.require(espOnly).error("only ESP tunnels have " + espOnly);
                    }
                }
                final long key = node.get("key") == null ? -1 : node.require("key").parse(t -> unsigned32("key", t));
                return new GreTunnel(name, endpoints, key, node.bool("sequence", false), node.bool("checksum", false), mtu, bandwidth);
            }
            for (final String greOnly : List.of("key", "sequence", "checksum"))
            {
                if (node.get(greOnly) != null)
                {
                    throw node.require(greOnly).error("only GRE tunnels have " + greOnly);
                }
            }
            final List<TrafficSelector> selectors = new ArrayList<>();
            for (final ConfigNode selector : node.list("selectors"))
            {
                selector.checkKeys(Set.of("local", "remote"));
                try
                {
                    selectors.add(TrafficSelector.parse(selector.require("local").text(), selector.require("remote").text()));
                }
                catch (final IllegalArgumentException ex)
                {
                    throw selector.error(ex.getMessage());
                }
            }
            return new EspTunnel(name, endpoints, sa(node.require("outbound-sa"), false), sa(node.require("inbound-sa"), true),
                selectors, mtu, bandwidth);
        }
        catch (final IllegalArgumentException ex)
        {
            throw node.error(ex.getMessage());
        }
    }

    private static SecurityAssociation sa(final ConfigNode node, final boolean inbound)
    {
        node.checkKeys(inbound ?
            Set.of("spi", "key", "salt", "esn", "replay-window", "lifetime-packets", "lifetime-bytes") :
            Set.of("spi", "key", "salt", "esn", "lifetime-packets", "lifetime-bytes"));
        try
        {
            final long spi = node.require("spi").parse(t -> unsigned32("spi", t));
            final byte[] key = SecurityAssociation.hex("key", node.require("key").text());
            final byte[] salt = SecurityAssociation.hex("salt", node.require("salt").text());
            if (salt.length != 4)
            {
                throw node.require("salt").error("the AES-GCM salt is 4 bytes (8 hex digits), not " + salt.length);
            }
            final int saltValue = (salt[0] & 0xFF) << 24 | (salt[1] & 0xFF) << 16 | (salt[2] & 0xFF) << 8 | salt[3] & 0xFF;
            return new SecurityAssociation(spi, key, saltValue, node.bool("esn", true),
                node.integer("replay-window", SecurityAssociation.MIN_REPLAY_WINDOW, 64, SecurityAssociation.MAX_REPLAY_WINDOW),
                node.get("lifetime-packets") == null ? 0 : node.require("lifetime-packets").parse(t -> nonNegative("lifetime-packets", t)),
                node.get("lifetime-bytes") == null ? 0 : node.require("lifetime-bytes").parse(t -> nonNegative("lifetime-bytes", t)));
        }
        catch (final IllegalArgumentException ex)
        {
            throw node.error(ex.getMessage());
        }
    }

    private static long unsigned32(final String field, final String text)
    {
        try
        {
            final long value = text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            if (value < 0 || value > 0xFFFF_FFFFL)
            {
                throw new IllegalArgumentException(field + ": " + text + " is not a 32-bit unsigned value");
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(field + ": " + text + " is not a number");
        }
    }

    private static long nonNegative(final String field, final String text)
    {
        try
        {
            final long value = Long.parseLong(text);
            if (value < 0)
            {
                throw new IllegalArgumentException(field + ": " + text + " is negative");
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(field + ": " + text + " is not a number");
        }
    }
}
