package io.flowlane.dataplane.config;

import io.flowlane.dataplane.eal.EalConfig;
import io.flowlane.dataplane.extension.DataplaneExtension;
import io.flowlane.dataplane.extension.ExtensionConfig;
import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.policy.TrafficClass;
import io.flowlane.dataplane.policy.TrafficClasses;
import io.flowlane.dataplane.port.MbufPool;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Reads and validates an appliance configuration (YAML). Every problem is reported as
 * "file:line:column: field.path: reason"; unknown keys are errors; nothing is started.
 * The format is documented in docs/configuration.md with examples in config/.
 */
public final class ConfigLoader
{
    /** Top-level keys of the data plane itself; extensions (the tunnels module) add theirs. */
    private static final Set<String> CORE_KEYS = Set.of(
        "eal", "mempool", "ports", "interfaces", "workers", "routes", "neighbors", "tables", "icmp", "counters", "classes");

    private ConfigLoader()
    {
    }

    public static ApplianceConfig load(final Path file)
    {
        try (Reader reader = Files.newBufferedReader(file))
        {
            return parse(file.toString(), reader);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file + ": cannot read: " + ex.getMessage());
        }
    }

    public static ApplianceConfig parse(final String source, final String yaml)
    {
        return parse(source, new StringReader(yaml));
    }

    /**
     * The root of another YAML file written to this format's conventions (a mesh description): its
     * nodes' errors name the file, line, column and field as the appliance config's do.
     */
    public static ConfigNode document(final Path file)
    {
        try (Reader reader = Files.newBufferedReader(file))
        {
            return root(file.toString(), reader);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file + ": cannot read: " + ex.getMessage());
        }
    }

    private static ApplianceConfig parse(final String source, final Reader reader)
    {
        final ConfigNode root = root(source, reader);
        final List<DataplaneExtension> extensions = ServiceLoader.load(DataplaneExtension.class).stream()
            .map(ServiceLoader.Provider::get).toList();
        final Set<String> keys = new HashSet<>(CORE_KEYS);
        extensions.forEach(extension -> keys.addAll(extension.configKeys()));
        root.checkKeys(keys);

        final EalConfig eal = eal(root.require("eal"));
        final ApplianceConfig.Mempool mempool = mempool(root.get("mempool"));
        final List<ApplianceConfig.Port> ports = ports(root.require("ports"));
        final List<ApplianceConfig.InterfaceSpec> interfaces = interfaces(root.require("interfaces"), ports);
        final ApplianceConfig.Workers workers = workers(root.get("workers"));
        final Set<String> interfaceNames = new HashSet<>();
        interfaces.forEach(i -> interfaceNames.add(i.name()));
        final List<ExtensionConfig> extensionConfigs = new ArrayList<>();
        final Set<String> tunnelNames = new HashSet<>();
        for (final DataplaneExtension extension : extensions)
        {
            final ExtensionConfig parsed = extension.parse(root, Set.copyOf(interfaceNames));
            if (parsed != null)
            {
                extensionConfigs.add(parsed);
                tunnelNames.addAll(parsed.tunnelNames());
            }
        }
        final List<ApplianceConfig.Route> routes = routes(root.list("routes"), interfaceNames, tunnelNames);
        final List<ApplianceConfig.Neighbor> neighbors = neighbors(root.list("neighbors"), interfaceNames);
        final ApplianceConfig.Tables tables = tables(root.get("tables"));
        final ApplianceConfig.Icmp icmp = icmp(root.get("icmp"));
        final ConfigNode counters = root.get("counters");
        Path countersFile = Path.of("/dev/shm/flowlane", eal.filePrefix(), "counters.dat");
        if (counters != null)
        {
            counters.checkKeys(Set.of("file"));
            countersFile = Path.of(counters.require("file").text());
        }
        return new ApplianceConfig(eal, mempool, ports, interfaces, workers, routes, neighbors, tables, icmp, countersFile,
            List.copyOf(extensionConfigs), classes(root.list("classes")));
    }

    private static ConfigNode root(final String source, final Reader reader)
    {
        final Optional<Node> document;
        try
        {
            document = new Compose(LoadSettings.builder().setLabel(source).build()).composeReader(reader);
        }
        catch (final MarkedYamlEngineException ex)
        {
            final String where = ex.getProblemMark().map(m -> source + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1)).orElse(source);
            throw new ConfigException(where + ": not valid YAML: " + ex.getProblem());
        }
        if (document.isEmpty())
        {
            throw new ConfigException(source + ": the file is empty");
        }
        return new ConfigNode(source, "", document.get());
    }

    private static EalConfig eal(final ConfigNode node)
    {
        node.checkKeys(Set.of("vdevs", "pci-allow-list", "no-huge", "memory-mb", "file-prefix", "in-memory", "log-level", "extra-args"));
        final List<String> vdevs = node.list("vdevs").stream().map(ConfigNode::text).toList();
        final List<String> pci = node.list("pci-allow-list").stream().map(ConfigNode::text).toList();
        if (vdevs.isEmpty() && pci.isEmpty())
        {
            throw node.error("needs at least one device: list vdevs (net_memif, net_ring, net_pcap, ...) or pci-allow-list");
        }
        try
        {
            return new EalConfig(vdevs, pci, node.bool("no-huge", false), node.integer("memory-mb", 0, 0, 1 << 20),
                node.text("file-prefix", "flowlane"), node.bool("in-memory", false), node.text("log-level", "notice"),
                node.list("extra-args").stream().map(ConfigNode::text).toList());
        }
        catch (final IllegalArgumentException ex)
        {
            throw node.error(ex.getMessage());
        }
    }

    private static ApplianceConfig.Mempool mempool(final ConfigNode node)
    {
        if (node == null)
        {
            return new ApplianceConfig.Mempool(16383, 256, MbufPool.DEFAULT_DATA_ROOM);
        }
        node.checkKeys(Set.of("mbufs", "cache", "data-room"));
        final int mbufs = node.integer("mbufs", 16383, 64, 1 << 26);
        final int cache = node.integer("cache", 256, 0, 512);
        if (cache > mbufs / 2)
        {
            throw node.require("cache").error("cache " + cache + " is more than half the pool (" + mbufs + " mbufs)");
        }
        return new ApplianceConfig.Mempool(mbufs, cache, node.integer("data-room", MbufPool.DEFAULT_DATA_ROOM, 1024, 65535));
    }

    private static List<ApplianceConfig.Port> ports(final ConfigNode node)
    {
        final List<ApplianceConfig.Port> ports = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigNode port : node.list())
        {
            port.checkKeys(Set.of("name", "device", "rx-descriptors", "tx-descriptors", "mtu", "rss", "promiscuous"));
            final String name = port.require("name").text();
            if (!names.add(name))
            {
                throw port.require("name").error("port '" + name + "' is defined twice");
            }
            ports.add(new ApplianceConfig.Port(name, port.require("device").text(),
                descriptors(port, "rx-descriptors"), descriptors(port, "tx-descriptors"),
                port.integer("mtu", 1500, 68, 9600), port.bool("rss", true), port.bool("promiscuous", false)));
        }
        if (ports.isEmpty())
        {
            throw node.error("at least one port is needed");
        }
        if (ports.size() > io.flowlane.dataplane.port.InterfaceTable.MAX_PORTS)
        {
            throw node.error("at most " + io.flowlane.dataplane.port.InterfaceTable.MAX_PORTS + " ports are supported");
        }
        return ports;
    }

    private static int descriptors(final ConfigNode port, final String key)
    {
        final int value = port.integer(key, 1024, 32, 16384);
        if (Integer.bitCount(value) != 1)
        {
            throw port.require(key).error(value + " is not a power of two");
        }
        return value;
    }

    private static List<ApplianceConfig.InterfaceSpec> interfaces(final ConfigNode node, final List<ApplianceConfig.Port> ports)
    {
        final List<ApplianceConfig.InterfaceSpec> interfaces = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final Set<String> portVlans = new HashSet<>();
        for (final ConfigNode itf : node.list())
        {
            itf.checkKeys(Set.of("name", "port", "vlan", "mtu", "mac", "ipv4", "ipv6"));
            final String name = itf.require("name").text();
            if (!names.add(name))
            {
                throw itf.require("name").error("interface '" + name + "' is defined twice");
            }
            final String portName = itf.require("port").text();
            final ApplianceConfig.Port port = ports.stream().filter(p -> p.name().equals(portName)).findFirst()
                .orElseThrow(() -> itf.require("port").error("no port named '" + portName + "' (ports: " +
                    ports.stream().map(ApplianceConfig.Port::name).toList() + ")"));
            final int vlan = itf.integer("vlan", 0, 0, 4094);
            if (!portVlans.add(portName + "/" + vlan))
            {
                throw itf.error("another interface already uses port '" + portName + "' vlan " + vlan);
            }
            final int mtu = itf.integer("mtu", port.mtu(), 68, port.mtu());
            final long mac = itf.get("mac") == null ? -1 : itf.require("mac").parse(EthernetHeader::parseMac);
            final List<ConfigNode> v4 = itf.list("ipv4");
            final int[] ipv4 = new int[v4.size()];
            final int[] ipv4Prefix = new int[v4.size()];
            for (int a = 0; a < v4.size(); a++)
            {
                final long[] parsed = v4.get(a).parse(text -> prefix(text, 4, false));
                ipv4[a] = (int)parsed[0];
                ipv4Prefix[a] = (int)parsed[2];
            }
            final List<ConfigNode> v6 = itf.list("ipv6");
            final long[] ipv6 = new long[v6.size() * 2];
            final int[] ipv6Prefix = new int[v6.size()];
            for (int a = 0; a < v6.size(); a++)
            {
                final long[] parsed = v6.get(a).parse(text -> prefix(text, 6, false));
                ipv6[2 * a] = parsed[0];
                ipv6[2 * a + 1] = parsed[1];
                ipv6Prefix[a] = (int)parsed[2];
            }
            interfaces.add(new ApplianceConfig.InterfaceSpec(name, portName, vlan, mtu, mac, ipv4, ipv4Prefix, ipv6, ipv6Prefix));
        }
        return interfaces;
    }

    private static ApplianceConfig.Workers workers(final ConfigNode node)
    {
        if (node == null)
        {
            return new ApplianceConfig.Workers(1, List.of(-1), 32, ApplianceConfig.IdleStrategy.BUSY_SPIN, 4,
                ApplianceConfig.IdleStrategy.BACKOFF);
        }
        node.checkKeys(Set.of("count", "cores", "burst", "idle", "tx-retries", "control-idle"));
        final int count = node.integer("count", 1, 1, 64);
        final List<Integer> cores = new ArrayList<>();
        for (final ConfigNode core : node.list("cores"))
        {
            cores.add(core.integer(-1, 1023));
        }
        if (!cores.isEmpty() && cores.size() != count)
        {
            throw node.require("cores").error(cores.size() + " cores listed for " + count + " workers (one each, -1 = unpinned)");
        }
        while (cores.size() < count)
        {
            cores.add(-1);
        }
        return new ApplianceConfig.Workers(count, List.copyOf(cores), node.integer("burst", 32, 1, 64),
            node.choice(ApplianceConfig.IdleStrategy.class, "idle", ApplianceConfig.IdleStrategy.BUSY_SPIN),
            node.integer("tx-retries", 4, 0, 64),
            node.choice(ApplianceConfig.IdleStrategy.class, "control-idle", ApplianceConfig.IdleStrategy.BACKOFF));
    }

    private static List<ApplianceConfig.Route> routes(
        final List<ConfigNode> nodes, final Set<String> interfaceNames, final Set<String> tunnelNames)
    {
        final List<ApplianceConfig.Route> routes = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final ConfigNode route : nodes)
        {
            route.checkKeys(Set.of("prefix", "via", "drop"));
            final ConfigNode prefixNode = route.require("prefix");
            final String text = prefixNode.text();
            final int family = text.contains(":") ? 6 : 4;
            final long[] prefix = prefixNode.parse(t -> prefix(t, family, true));
            if (!seen.add(family + "/" + prefix[0] + "/" + prefix[1] + "/" + prefix[2]))
            {
                throw prefixNode.error("route " + text + " is defined twice");
            }
            final List<NextHop> hops = new ArrayList<>();
            if (route.bool("drop", false))
            {
                if (route.get("via") != null)
                {
                    throw route.require("drop").error("a route either drops or has 'via' next hops, not both");
                }
                hops.add(NextHop.drop());
            }
            for (final ConfigNode via : route.list("via"))
            {
                via.checkKeys(Set.of("address", "interface", "weight", "tunnel"));
                // 0: a backup, given no flows, used only while the weighted next hops' links are down.
                final int weight = via.integer("weight", 1, 0, 1 << 16);
                final String tunnel = via.text("tunnel", null);
                if (tunnel != null)
                {
                    if (via.get("address") != null || via.get("interface") != null)
                    {
                        throw via.require("tunnel").error("a next hop is either a tunnel or an address (with an interface), not both");
                    }
                    if (!tunnelNames.contains(tunnel))
                    {
                        throw via.require("tunnel").error("no tunnel named '" + tunnel + "'" +
                            (tunnelNames.isEmpty() ? " (no tunnels are configured)" : " (tunnels: " + new java.util.TreeSet<>(tunnelNames) + ")"));
                    }
                    hops.add(NextHop.tunnel(tunnel, weight));
                    continue;
                }
                final String itf = via.text("interface", null);
                if (itf != null && !interfaceNames.contains(itf))
                {
                    throw via.require("interface").error("no interface named '" + itf + "'");
                }
                final ConfigNode address = via.require("address");
                if (family == 4)
                {
                    hops.add(NextHop.viaIpv4(itf, address.parse(Ipv4Header::parse), weight));
                }
                else
                {
                    final long[] gw = address.parse(Ipv6Header::parse);
                    hops.add(NextHop.viaIpv6(itf, gw[0], gw[1], weight));
                }
            }
            if (hops.isEmpty())
            {
                throw route.error("route " + text + " needs 'via' next hops or 'drop: true'");
            }
            if (hops.stream().allMatch(hop -> hop.weight() == 0))
            {
                throw route.require("via").error("every weight is 0: at least one next hop must carry traffic " +
                    "(weight 0 makes a backup, used only while the others' links are down)");
            }
            routes.add(new ApplianceConfig.Route(family, prefix[0], prefix[1], (int)prefix[2], List.copyOf(hops), text));
        }
        return routes;
    }

    private static List<ApplianceConfig.Neighbor> neighbors(final List<ConfigNode> nodes, final Set<String> interfaceNames)
    {
        final List<ApplianceConfig.Neighbor> neighbors = new ArrayList<>();
        for (final ConfigNode neighbor : nodes)
        {
            neighbor.checkKeys(Set.of("interface", "address", "mac"));
            final String itf = neighbor.require("interface").text();
            if (!interfaceNames.contains(itf))
            {
                throw neighbor.require("interface").error("no interface named '" + itf + "'");
            }
            final ConfigNode address = neighbor.require("address");
            final long mac = neighbor.require("mac").parse(EthernetHeader::parseMac);
            if (address.text().contains(":"))
            {
                final long[] a = address.parse(Ipv6Header::parse);
                neighbors.add(new ApplianceConfig.Neighbor(itf, 6, a[0], a[1], mac));
            }
            else
            {
                neighbors.add(new ApplianceConfig.Neighbor(itf, 4, address.parse(Ipv4Header::parse) & 0xFFFF_FFFFL, 0, mac));
            }
        }
        return neighbors;
    }

    private static ApplianceConfig.Tables tables(final ConfigNode node)
    {
        if (node == null)
        {
            return new ApplianceConfig.Tables(65536, 65536, 65536, 4096, 65536, 256);
        }
        node.checkKeys(Set.of("ipv4-tbl8-groups", "ipv6-nodes", "adjacencies", "ecmp-groups", "neighbors", "ecmp-buckets"));
        final int buckets = node.integer("ecmp-buckets", 256, 1, 65536);
        if (Integer.bitCount(buckets) != 1)
        {
            throw node.require("ecmp-buckets").error(buckets + " is not a power of two");
        }
        return new ApplianceConfig.Tables(node.integer("ipv4-tbl8-groups", 65536, 16, 1 << 21),
            node.integer("ipv6-nodes", 65536, 16, 1 << 21), node.integer("adjacencies", 65536, 16, 1 << 21),
            node.integer("ecmp-groups", 4096, 1, 1 << 21), node.integer("neighbors", 65536, 16, 1 << 24), buckets);
    }

    /** {@code classes:}: traffic classes, first match wins (docs/configuration.md). */
    private static List<TrafficClass> classes(final List<ConfigNode> nodes)
    {
        if (nodes.size() > TrafficClasses.MAX_CLASSES)
        {
            throw nodes.get(TrafficClasses.MAX_CLASSES).error("at most " + TrafficClasses.MAX_CLASSES + " classes");
        }
        final List<TrafficClass> classes = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigNode node : nodes)
        {
            node.checkKeys(Set.of("name", "priority", "match", "rate-mbps", "burst-kb", "breaker"));
            final ConfigNode nameNode = node.require("name");
            final String name = nameNode.text();
            if (!name.matches("[A-Za-z0-9_.-]{1,32}"))
            {
                throw nameNode.error("'" + name + "': 1-32 letters, digits, '_', '.' or '-'");
            }
            if (!names.add(name))
            {
                throw nameNode.error("class '" + name + "' is defined twice");
            }
            final ConfigNode match = node.get("match");
            long dscpMask = 0;
            int protocol = -1;
            long[] source = {0, 0, 0};
            long[] destination = {0, 0, 0};
            int portLow = -1;
            int portHigh = -1;
            if (match != null)
            {
                match.checkKeys(Set.of("dscp", "protocol", "source", "destination", "destination-ports"));
                for (final ConfigNode dscp : match.list("dscp"))
                {
                    dscpMask |= 1L << dscp.integer(0, 63);
                }
                final ConfigNode protocolNode = match.get("protocol");
                if (protocolNode != null)
                {
                    protocol = switch (protocolNode.text())
                    {
                        case "tcp" -> 6;
                        case "udp" -> 17;
                        case "icmp" -> 1;
                        case "gre" -> 47;
                        case "esp" -> 50;
                        default -> protocolNode.integer(0, 255);
                    };
                }
                if (match.get("source") != null)
                {
                    source = match.require("source").parse(t -> prefix(t, 4, true));
                }
                if (match.get("destination") != null)
                {
                    destination = match.require("destination").parse(t -> prefix(t, 4, true));
                }
                final ConfigNode ports = match.get("destination-ports");
                if (ports != null)
                {
                    final String text = ports.text();
                    final int dash = text.indexOf('-');
                    try
                    {
                        portLow = Integer.parseInt(dash < 0 ? text : text.substring(0, dash));
                        portHigh = Integer.parseInt(dash < 0 ? text : text.substring(dash + 1));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw ports.error("'" + text + "' is not a port or a range LOW-HIGH");
                    }
                    if (portLow < 0 || portHigh > 65535 || portLow > portHigh)
                    {
                        throw ports.error("'" + text + "' is not a range within 0..65535");
                    }
                    if (protocol != -1 && protocol != 6 && protocol != 17)
                    {
                        throw ports.error("ports need protocol tcp or udp (or none)");
                    }
                }
            }
            final int rateMbps = node.integer("rate-mbps", 0, 0, 1_000_000);
            final int burstKb = node.integer("burst-kb", 64, 2, 65536);
            TrafficClass.Breaker breaker = null;
            final ConfigNode breakerNode = node.get("breaker");
            if (breakerNode != null)
            {
                breakerNode.checkKeys(Set.of("drop-ratio", "window-ms", "open-ms"));
                final double ratio = breakerNode.require("drop-ratio").parse(t ->
                {
                    final double value = Double.parseDouble(t);
                    if (!(value > 0 && value < 1))
                    {
                        throw new IllegalArgumentException(t + " is outside (0, 1)");
                    }
                    return value;
                });
                if (rateMbps == 0)
                {
                    throw breakerNode.error("a breaker needs a rate-mbps (it opens on the share policed)");
                }
                breaker = new TrafficClass.Breaker(ratio, breakerNode.integer("window-ms", 1000, 10, 600_000),
                    breakerNode.integer("open-ms", 5000, 10, 3_600_000));
            }
            classes.add(new TrafficClass(name, node.integer("priority", 0, 0, 7), dscpMask, protocol, (int)source[0],
                (int)source[2], (int)destination[0], (int)destination[2], portLow, portHigh, rateMbps * 1_000_000L, burstKb * 1024,
                breaker));
        }
        return List.copyOf(classes);
    }

    private static ApplianceConfig.Icmp icmp(final ConfigNode node)
    {
        if (node == null)
        {
            return new ApplianceConfig.Icmp(1000, 100);
        }
        node.checkKeys(Set.of("errors-per-second", "burst"));
        return new ApplianceConfig.Icmp(node.integer("errors-per-second", 1000, 1, 1_000_000), node.integer("burst", 100, 1, 1_000_000));
    }

    /**
     * Parses "address/length" into {hi, lo, length}; IPv4 sits in the low 32 bits of hi.
     * For routes ({@code network}) host bits must be zero; for interface addresses they are the host.
     */
    public static long[] prefix(final String text, final int family, final boolean network)
    {
        final int slash = text.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException("'" + text + "' needs a prefix length (address/length)");
        }
        final int max = family == 4 ? 32 : 128;
        final int length;
        try
        {
            length = Integer.parseInt(text.substring(slash + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("'" + text + "': prefix length is not a number");
        }
        if (length < 0 || length > max)
        {
            throw new IllegalArgumentException("'" + text + "': prefix length " + length + " is outside 0.." + max);
        }
        final String address = text.substring(0, slash);
        if (family == 4)
        {
            final int ip = Ipv4Header.parse(address);
            if (network && (ip & ~ForwardingControl.mask4(length)) != 0)
            {
                throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean " +
                    Ipv4Header.toString(ip & ForwardingControl.mask4(length)) + "/" + length + "?)");
            }
            return new long[] {ip & 0xFFFF_FFFFL, 0, length};
        }
        final long[] ip = Ipv6Header.parse(address);
        if (network && ((ip[0] & ~ForwardingControl.mask6Hi(length)) != 0 || (ip[1] & ~ForwardingControl.mask6Lo(length)) != 0))
        {
            throw new IllegalArgumentException("'" + text + "' has host bits set");
        }
        return new long[] {ip[0], ip[1], length};
    }
}
