package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.channel.ControlChannelConfig;
import io.flowlane.controlplane.mesh.MeshTopology;
import io.flowlane.controlplane.mesh.TrafficStream;
import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.config.ConfigNode;
import io.flowlane.dataplane.packet.Ipv4Header;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A mesh of appliances as the mesh agent runs it (config/mesh/mesh.yaml, docs/mesh.md): which
 * appliance config is which node, the memif (or NIC) links between them by interface, and the
 * prefixes that leave the mesh at each node. Everything the mesh manager needs ({@link #topology()})
 * and everything the agent needs to turn the manager's next hops into routes ({@link #gateway}) is
 * derived here and checked against the appliances' own configs, with errors that name the field:
 * both ends of a link on one subnet, every node reachable over a control channel, every prefix
 * routed by its egress.
 *
 * <pre>
 * max-paths: 2                 # paths the manager keeps per ingress-egress pair (1..4)
 * health-timeout-ms: 300       # a node silent this long is dead (a few telemetry intervals)
 * nodes:
 *   - {id: 1, name: a, config: a.yaml, capacity-pps: 1000000, prefixes: [10.0.0.0/24]}
 * links:
 *   - {between: [a/ab, b/ab], latency-us: 10, bandwidth-mbps: 10000}
 * streams:                     # traffic the manager cuts into shards (optional)
 *   - {id: 1, name: bulk, ingress: a, prefix: 198.18.1.0/24, priority: 1, risk: 0.2, rate-pps: 20000}
 * </pre>
 */
public record MeshLayout(Path file, List<Node> nodes, List<Link> links, int maxPaths, long healthTimeoutMillis, List<Stream> streams)
{
    /**
     * A stream of traffic for the shard manager (seed 003): the flows entering the mesh at
     * {@code ingress} toward {@code prefix}, which leaves the mesh at {@code egress} (the node whose
     * prefixes hold it). Its ingress steers each of the prefix's 256 flow-hash buckets onto the first
     * hop of the path its shard is placed on.
     *
     * @param priority        0 = critical
     * @param risk            the traffic profiler's risk score, 0..1 (the manager raises it while a path it uses degrades)
     * @param packetsPerSecond the predicted rate
     */
    public record Stream(long id, String name, int ingress, int egress, MeshPrefix prefix, int priority, double risk,
        double packetsPerSecond)
    {
        public TrafficStream demand()
        {
            return new TrafficStream(id, ingress, egress, priority, risk, packetsPerSecond);
        }
    }

    /**
     * One appliance of the mesh.
     *
     * @param prefixes where traffic leaves the mesh at this node (its own config routes it on)
     */
    public record Node(int id, String name, Path configFile, ApplianceConfig config, ControlChannelConfig control,
        long capacityPacketsPerSecond, List<MeshPrefix> prefixes)
    {
    }

    /** One end of a link: a node's interface and its IPv4 address there. */
    public record End(int node, String interfaceName, int address)
    {
    }

    public record Link(End a, End b, long latencyMicros, long bandwidthMbps)
    {
        /** The end at {@code node}, or null. */
        public End at(final int node)
        {
            return a.node() == node ? a : b.node() == node ? b : null;
        }

        public End other(final int node)
        {
            return a.node() == node ? b : b.node() == node ? a : null;
        }
    }

    /** How a node reaches a neighbour: out of {@code interfaceName} to the neighbour's {@code address}. */
    public record Gateway(String interfaceName, int address)
    {
    }

    public static MeshLayout load(final Path file)
    {
        final ConfigNode root = ConfigLoader.document(file);
        root.checkKeys(Set.of("max-paths", "health-timeout-ms", "nodes", "links", "streams"));
        final Path dir = file.toAbsolutePath().getParent();
        final List<Node> nodes = new ArrayList<>();
        final Map<String, Node> byName = new HashMap<>();
        for (final ConfigNode item : root.require("nodes").list())
        {
            item.checkKeys(Set.of("id", "name", "config", "capacity-pps", "prefixes"));
            final int id = item.require("id").integer(0, MeshTopology.MAX_NODE_ID);
            final String name = item.require("name").text();
            final Path configFile = dir.resolve(item.require("config").text());
            final ApplianceConfig config;
            try
            {
                config = ConfigLoader.load(configFile);
            }
            catch (final ConfigException ex)
            {
                throw item.require("config").error(ex.getMessage());
            }
            final ControlChannelConfig control = config.extensions().stream()
                .filter(ControlChannelConfig.class::isInstance).map(ControlChannelConfig.class::cast).findFirst()
                .orElseThrow(() -> item.require("config").error(configFile + " has no control: section: the mesh agent " +
                    "reaches every node over its control channel"));
            final List<MeshPrefix> prefixes = new ArrayList<>();
            for (final ConfigNode prefix : item.list("prefixes"))
            {
                final MeshPrefix parsed = prefix.parse(MeshPrefix::parse);
                if (!routed(config, parsed))
                {
                    throw prefix.error(parsed + " is neither routed nor connected in " + configFile +
                        ": the egress must know where traffic leaves the mesh");
                }
                prefixes.add(parsed);
            }
            final Node node = new Node(id, name, configFile, config, control,
                item.require("capacity-pps").parse(Long::parseLong), List.copyOf(prefixes));
            if (node.capacityPacketsPerSecond() <= 0)
            {
                throw item.require("capacity-pps").error("must be positive");
            }
            if (byName.put(name, node) != null || nodes.stream().anyMatch(n -> n.id() == id))
            {
                throw item.error("node " + name + " (id " + id + ") twice");
            }
            nodes.add(node);
        }
        final List<Link> links = new ArrayList<>();
        for (final ConfigNode item : root.list("links"))
        {
            item.checkKeys(Set.of("between", "latency-us", "bandwidth-mbps"));
            final List<ConfigNode> ends = item.require("between").list();
            if (ends.size() != 2)
            {
                throw item.require("between").error("a link is between two node/interface ends");
            }
            final End a = end(ends.get(0), byName);
            final End b = end(ends.get(1), byName);
            final ApplianceConfig.InterfaceSpec itfA = interfaceOf(byName, a);
            final ApplianceConfig.InterfaceSpec itfB = interfaceOf(byName, b);
            if (a.node() == b.node() || !sameSubnet(itfA, a.address(), b.address()) || !sameSubnet(itfB, b.address(), a.address()))
            {
                throw item.require("between").error(Ipv4Header.toString(a.address()) + " and " + Ipv4Header.toString(b.address()) +
                    " are not two nodes on one subnet");
            }
            links.add(new Link(a, b, item.require("latency-us").parse(Long::parseLong),
                item.require("bandwidth-mbps").parse(Long::parseLong)));
        }
        final List<Stream> streams = streams(root.list("streams"), nodes, byName);
        final MeshLayout layout = new MeshLayout(file, List.copyOf(nodes), List.copyOf(links), root.integer("max-paths", 2, 1,
            MeshTopology.MAX_PATHS), root.integer("health-timeout-ms", 300, 0, Integer.MAX_VALUE), streams);
        try
        {
            layout.topology();
        }
        catch (final MeshTopology.InvalidException ex)
        {
            throw root.error(ex.getMessage());
        }
        return layout;
    }

    /** What the mesh manager is given (MeshTopologySet): nodes, links, max paths, health timeout. */
    public MeshTopology topology()
    {
        final MeshTopology.Builder builder = new MeshTopology.Builder().maxPaths(maxPaths).healthTimeoutMillis(healthTimeoutMillis);
        nodes.forEach(n -> builder.node(n.id(), n.name(), n.capacityPacketsPerSecond()));
        links.forEach(l -> builder.link(l.a().node(), l.b().node(), l.latencyMicros(), l.bandwidthMbps()));
        return builder.build();
    }

    public Node node(final int id)
    {
        for (final Node node : nodes)
        {
            if (node.id() == id)
            {
                return node;
            }
        }
        throw new IllegalArgumentException("no node " + id + " in " + file);
    }

    public Node node(final String name)
    {
        for (final Node node : nodes)
        {
            if (node.name().equals(name))
            {
                return node;
            }
        }
        throw new IllegalArgumentException("no node named " + name + " in " + file);
    }

    /** How {@code from} forwards to its neighbour {@code to}. */
    public Gateway gateway(final int from, final int to)
    {
        for (final Link link : links)
        {
            final End near = link.at(from);
            final End far = link.other(from);
            if (near != null && far.node() == to)
            {
                return new Gateway(near.interfaceName(), far.address());
            }
        }
        throw new IllegalArgumentException("no link between nodes " + from + " and " + to);
    }

    private static List<Stream> streams(final List<ConfigNode> items, final List<Node> nodes, final Map<String, Node> byName)
    {
        if (items.size() > TrafficStream.MAX_STREAMS)
        {
            throw items.get(TrafficStream.MAX_STREAMS).error("at most " + TrafficStream.MAX_STREAMS + " streams");
        }
        final List<Stream> streams = new ArrayList<>();
        for (final ConfigNode item : items)
        {
            item.checkKeys(Set.of("id", "name", "ingress", "prefix", "priority", "risk", "rate-pps"));
            final long id = item.require("id").parse(Long::parseLong);
            if (id < 0 || id > TrafficStream.MAX_STREAM_ID)
            {
                throw item.require("id").error("0..2^32-1, not " + id);
            }
            final String name = item.require("name").text();
            final Node ingress = byName.get(item.require("ingress").text());
            if (ingress == null)
            {
                throw item.require("ingress").error("'" + item.require("ingress").text() + "' is not a node listed above");
            }
            final MeshPrefix prefix = item.require("prefix").parse(MeshPrefix::parse);
            final Node egress = nodes.stream()
                .filter(n -> n.prefixes().stream().anyMatch(p -> prefix.within(p.address(), p.length())))
                .findFirst().orElseThrow(() -> item.require("prefix").error(prefix + " is within no node's prefixes: " +
                    "a stream must leave the mesh somewhere"));
            if (egress == ingress)
            {
                throw item.require("ingress").error(prefix + " leaves the mesh at " + ingress.name() + " itself");
            }
            final int priority = item.require("priority").integer(0, 255);
            final double risk = item.require("risk").parse(Double::parseDouble);
            if (!(risk >= 0 && risk <= 1))
            {
                throw item.require("risk").error("0..1, not " + risk);
            }
            final double rate = item.require("rate-pps").parse(Double::parseDouble);
            if (!(rate >= 0) || Double.isInfinite(rate))
            {
                throw item.require("rate-pps").error("a finite rate >= 0, not " + rate);
            }
            for (final Stream other : streams)
            {
                if (other.id() == id || other.name().equals(name))
                {
                    throw item.error("stream " + name + " (id " + id + ") twice");
                }
                if (other.prefix().equals(prefix) && other.ingress() == ingress.id())
                {
                    throw item.require("prefix").error(prefix + " entering at " + ingress.name() + " is stream " +
                        other.name() + " already: one route per prefix");
                }
            }
            streams.add(new Stream(id, name, ingress.id(), egress.id(), prefix, priority, risk, rate));
        }
        return List.copyOf(streams);
    }

    /** What the shard manager is given (MeshTrafficDemand). */
    public List<TrafficStream> demand()
    {
        return streams.stream().map(Stream::demand).toList();
    }

    private static End end(final ConfigNode item, final Map<String, Node> byName)
    {
        final String text = item.text();
        final int slash = text.indexOf('/');
        final Node node = slash < 0 ? null : byName.get(text.substring(0, slash));
        if (node == null)
        {
            throw item.error("'" + text + "' is not node/interface of a node listed above");
        }
        final String itfName = text.substring(slash + 1);
        final ApplianceConfig.InterfaceSpec itf = node.config().interfaces().stream().filter(i -> i.name().equals(itfName))
            .findFirst().orElseThrow(() -> item.error(node.configFile() + " has no interface " + itfName));
        if (itf.ipv4().length == 0)
        {
            throw item.error("interface " + itfName + " of " + node.name() + " has no IPv4 address");
        }
        return new End(node.id(), itfName, itf.ipv4()[0]);
    }

    private static ApplianceConfig.InterfaceSpec interfaceOf(final Map<String, Node> byName, final End end)
    {
        for (final Node node : byName.values())
        {
            if (node.id() == end.node())
            {
                return node.config().interfaces().stream().filter(i -> i.name().equals(end.interfaceName())).findFirst().orElseThrow();
            }
        }
        throw new IllegalStateException("no node " + end.node());
    }

    private static boolean sameSubnet(final ApplianceConfig.InterfaceSpec itf, final int own, final int other)
    {
        for (int i = 0; i < itf.ipv4().length; i++)
        {
            final int length = itf.ipv4Prefix()[i];
            final int mask = length == 0 ? 0 : (int)(0xFFFF_FFFFL << (32 - length));
            if (itf.ipv4()[i] == own && (own & mask) == (other & mask) && own != other)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean routed(final ApplianceConfig config, final MeshPrefix prefix)
    {
        for (final ApplianceConfig.Route route : config.routes())
        {
            if (route.family() == 4 && prefix.within((int)route.prefixHi(), route.length()))
            {
                return true;
            }
        }
        for (final ApplianceConfig.InterfaceSpec itf : config.interfaces())
        {
            for (int i = 0; i < itf.ipv4().length; i++)
            {
                if (prefix.within(itf.ipv4()[i], itf.ipv4Prefix()[i]))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
