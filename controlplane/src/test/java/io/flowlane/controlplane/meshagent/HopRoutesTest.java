package io.flowlane.controlplane.meshagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.mesh.GlobalRoutes;
import io.flowlane.controlplane.mesh.MeshCost;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.mesh.MeshTopology;
import io.flowlane.controlplane.mesh.NodeHealth;
import io.flowlane.controlplane.mesh.NodeStatus;
import io.flowlane.controlplane.mesh.ShardPlan;
import io.flowlane.controlplane.mesh.ShardPolicy;
import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.packet.Ipv4Header;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The example mesh (config/mesh/mesh.yaml, four appliance configs) as the agent reads it, and the
 * routes each node is given from the manager's table: the short path while b is healthy, an ECMP
 * split while it is loaded, the long path once it is dead; nothing for a node's own prefixes;
 * errors that name the field for links across subnets and prefixes their egress does not route.
 */
class HopRoutesTest
{
    static final MeshPrefix TO_SINK = MeshPrefix.parse("198.18.0.0/16");
    static final MeshPrefix TO_GENERATOR = MeshPrefix.parse("10.0.0.0/24");
    static final MeshPrefix TO_STREAM = MeshPrefix.parse("198.18.1.0/24");
    static final List<Path> COPIES = new ArrayList<>();
    static Path dir;

    @BeforeAll
    static void copyExample() throws IOException
    {
        dir = copy(UnaryOperator.identity());
    }

    @AfterAll
    static void removeCopies() throws IOException
    {
        for (final Path copy : COPIES)
        {
            try (var files = Files.walk(copy))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The example configs in a directory of their own, HMAC keys there too, each file edited by {@code edit}. */
    static Path copy(final UnaryOperator<String> edit) throws IOException
    {
        final Path to = Files.createTempDirectory("flowlane-mesh-layout");
        COPIES.add(to);
        try (var files = Files.list(Path.of("../config/mesh")))
        {
            for (final Path file : files.toList())
            {
                final String text = Files.readString(file).replace("/run/flowlane/", to + "/");
                Files.writeString(to.resolve(file.getFileName()), edit.apply(text));
            }
        }
        for (final String node : List.of("a", "b", "c", "d"))
        {
            Files.writeString(to.resolve("mesh-" + node + ".hmac"), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        }
        return to;
    }

    @Test
    void theExampleMeshIsReadWithItsLinksAndControlChannels()
    {
        final MeshLayout layout = MeshLayout.load(dir.resolve("mesh.yaml"));
        final MeshTopology topology = layout.topology();
        assertEquals(4, topology.nodes().size());
        assertEquals(4, topology.links().size());
        assertEquals(400, topology.healthTimeoutMillis());
        assertEquals(new MeshLayout.Gateway("ab", Ipv4Header.parse("172.16.1.2")), layout.gateway(1, 2));
        assertEquals(new MeshLayout.Gateway("bd", Ipv4Header.parse("172.16.3.2")), layout.gateway(2, 4));
        assertEquals(new MeshLayout.Gateway("cd", Ipv4Header.parse("172.16.4.1")), layout.gateway(4, 3));
        assertEquals("127.0.0.1:40412", layout.node("b").control().listen());
        assertEquals(List.of(TO_SINK), layout.node("d").prefixes());
    }

    @Test
    void eachNodeLearnsOnlyItsOwnNextHopsAndTheyFollowBsHealth()
    {
        final MeshLayout layout = MeshLayout.load(dir.resolve("mesh.yaml"));
        final MeshTopology topology = layout.topology();

        // Healthy: a-c-d costs more than twice a-b-d, so c is a standby and a sends everything to b.
        final GlobalRoutes healthy = routes(topology, 0.02, null);
        assertEquals(List.of(NextHop.viaIpv4("ab", Ipv4Header.parse("172.16.1.2"), 1000)), HopRoutes.of(layout, healthy, 1).get(TO_SINK));
        assertEquals(List.of(NextHop.viaIpv4("bd", Ipv4Header.parse("172.16.3.2"), 1000)), HopRoutes.of(layout, healthy, 2).get(TO_SINK));
        // c, off the short path, may also hand traffic back to a, which is closer to d than c is (RFC 5286): ECMP by cost.
        assertEquals(List.of(NextHop.viaIpv4("cd", Ipv4Header.parse("172.16.4.2"), 623), NextHop.viaIpv4("ac", Ipv4Header.parse("172.16.2.1"), 377)),
            HopRoutes.of(layout, healthy, 3).get(TO_SINK));
        assertFalse(HopRoutes.of(layout, healthy, 4).containsKey(TO_SINK), "the egress routes its own prefix");
        assertFalse(HopRoutes.of(layout, healthy, 1).containsKey(TO_GENERATOR), "so does the ingress");
        assertEquals(List.of(NextHop.viaIpv4("bd", Ipv4Header.parse("172.16.3.1"), 1000)), HopRoutes.of(layout, healthy, 4).get(TO_GENERATOR));

        // b loaded: both paths share a's flows (ECMP), b still the larger share.
        final List<NextHop> split = HopRoutes.of(layout, routes(topology, 0.7, null), 1).get(TO_SINK);
        assertEquals(2, split.size(), split.toString());
        assertEquals(Ipv4Header.parse("172.16.1.2"), split.get(0).gatewayIpv4());
        assertTrue(split.get(0).weight() > split.get(1).weight() && split.get(1).weight() > 0, split.toString());

        // b nearly saturated: the long path alone.
        assertEquals(List.of(NextHop.viaIpv4("ac", Ipv4Header.parse("172.16.2.2"), 1000)),
            HopRoutes.of(layout, routes(topology, 0.97, null), 1).get(TO_SINK));

        // b dead: the long path alone; d's way back avoids b too.
        final GlobalRoutes dead = routes(topology, 0.02, NodeStatus.silent(2));
        assertEquals(List.of(NextHop.viaIpv4("ac", Ipv4Header.parse("172.16.2.2"), 1000)), HopRoutes.of(layout, dead, 1).get(TO_SINK));
        assertEquals(List.of(NextHop.viaIpv4("cd", Ipv4Header.parse("172.16.4.1"), 1000)), HopRoutes.of(layout, dead, 4).get(TO_GENERATOR));

        // d dead: nobody can reach the sink's prefix; the route goes.
        final GlobalRoutes noEgress = routes(topology, 0.02, NodeStatus.silent(4));
        assertEquals(List.of(), HopRoutes.of(layout, noEgress, 1).get(TO_SINK));
    }

    @Test
    void theStreamsIngressPinsEachBucketToItsShardsFirstHop()
    {
        final MeshLayout layout = MeshLayout.load(dir.resolve("mesh.yaml"));
        final MeshTopology topology = layout.topology();
        final MeshLayout.Stream bulk = layout.streams().get(0);
        assertEquals(new MeshLayout.Stream(1, "bulk", 1, 4, TO_STREAM, 1, 0.1, 20_000), bulk);

        // Healthy: every shard on a-b-d: b carries every bucket (no map needed), c is the backup (weight 0)
        // a's data plane switches to by itself if its link to b goes down.
        final MeshTable calm = table(layout, 0.02, null);
        assertEquals(Map.of(TO_STREAM, new HopRoutes.Route(List.of(NextHop.viaIpv4("ab", Ipv4Header.parse("172.16.1.2"), 256),
            NextHop.viaIpv4("ac", Ipv4Header.parse("172.16.2.2"), 0)), null)), HopRoutes.shardRoutes(layout, calm, 1));
        // Transit nodes follow their path to the egress: c sends the stream to d, never back to a (its
        // route for d's whole prefix is ECMP over d and a), so a's repair onto c cannot loop.
        assertEquals(Map.of(TO_STREAM, new HopRoutes.Route(List.of(NextHop.viaIpv4("bd", Ipv4Header.parse("172.16.3.2"), 1)), null)),
            HopRoutes.shardRoutes(layout, calm, 2));
        assertEquals(Map.of(TO_STREAM, new HopRoutes.Route(List.of(NextHop.viaIpv4("cd", Ipv4Header.parse("172.16.4.2"), 1)), null)),
            HopRoutes.shardRoutes(layout, calm, 3));
        assertTrue(HopRoutes.of(layout, calm.routes(), 3).get(TO_SINK).size() == 2, "c's route for d's prefix goes back over a too");
        assertTrue(HopRoutes.shardRoutes(layout, calm, 4).isEmpty(), "the egress routes its own prefix");
        // b dead: on no path of the stream, its stream route is deleted (its route for d's prefix takes over).
        assertEquals(new HopRoutes.Route(List.of(), null),
            HopRoutes.shardRoutes(layout, table(layout, 0.02, NodeStatus.silent(2)), 2).get(TO_STREAM));

        // b loaded (health still 1 at 0.7): the shards spread over b and c by the paths' weights; 16 shards of 16 buckets.
        final MeshTable loaded = table(layout, 0.7, null);
        final HopRoutes.Route split = HopRoutes.shardRoutes(layout, loaded, 1).get(TO_STREAM);
        assertEquals(List.of("ab", "ac"), split.hops().stream().map(NextHop::interfaceName).toList(), "cheapest path's first hop first");
        assertEquals(256, split.hops().get(0).weight() + split.hops().get(1).weight(), "weights are bucket counts");
        final List<GlobalRoutes.MeshPath> paths = loaded.routes().paths(1, 4);
        int onB = 0;
        for (final ShardPlan.Shard shard : loaded.shards().shards())
        {
            assertEquals(16, shard.bucketCount(), "risk 0.1: shards of 16 buckets");
            final int expected = paths.get(shard.pathIndex()).nodes()[1] == 2 ? 0 : 1;
            for (int b = shard.firstBucket(); b < shard.firstBucket() + shard.bucketCount(); b++)
            {
                assertEquals(expected, split.memberOfBucket()[b], "bucket " + b + " follows shard " + shard.shardId());
                onB += expected == 0 ? 1 : 0;
            }
        }
        assertEquals(split.hops().get(0).weight(), onB);
        assertTrue(onB > 128 && onB < 256, onB + " buckets via b: the larger share, not all");

        // b degrading (0.85 busy: health 0.75) while it still carries a share: the stream is cut finer.
        final MeshTable degrading = table(layout, 0.85, null);
        assertTrue(degrading.routes().paths(1, 4).stream().allMatch(p -> p.weight() > 0), degrading.routes().paths(1, 4).toString());
        assertTrue(degrading.shards().shards().stream().allMatch(s -> s.bucketCount() == 8 && s.riskScore() == 0.25f),
            degrading.shards().toString());

        // d dead: no path for the stream, so its route at a is deleted.
        assertEquals(new HopRoutes.Route(List.of(), null),
            HopRoutes.shardRoutes(layout, table(layout, 0.02, NodeStatus.silent(4)), 1).get(TO_STREAM));
    }

    @Test
    void badStreamsAreRefusedNamingTheField() throws IOException
    {
        final Path outside = copy(text -> text.replace("prefix: 198.18.1.0/24", "prefix: 203.0.113.0/24"));
        final ConfigException prefix = assertThrows(ConfigException.class, () -> MeshLayout.load(outside.resolve("mesh.yaml")));
        assertTrue(prefix.getMessage().contains("streams[0].prefix") && prefix.getMessage().contains("within no node's prefixes"),
            prefix.getMessage());
        final Path atEgress = copy(text -> text.replace("ingress: a,", "ingress: d,"));
        final ConfigException ingress = assertThrows(ConfigException.class, () -> MeshLayout.load(atEgress.resolve("mesh.yaml")));
        assertTrue(ingress.getMessage().contains("streams[0].ingress") && ingress.getMessage().contains("leaves the mesh at d itself"),
            ingress.getMessage());
        final Path risky = copy(text -> text.replace("risk: 0.1", "risk: 1.5"));
        final ConfigException risk = assertThrows(ConfigException.class, () -> MeshLayout.load(risky.resolve("mesh.yaml")));
        assertTrue(risk.getMessage().contains("streams[0].risk") && risk.getMessage().contains("0..1"), risk.getMessage());
    }

    /** What the manager would commit: statuses as {@link #routes}, routes and the layout's streams' shards. */
    private static MeshTable table(final MeshLayout layout, final double bBusy, final NodeStatus override)
    {
        final MeshTopology topology = layout.topology();
        final List<NodeStatus> statuses = statuses(topology, bBusy, override);
        final GlobalRoutes routes = GlobalRoutes.compute(topology, statuses, MeshCost.DEFAULT);
        return new MeshTable(1, 0, statuses, routes, ShardPlan.place(layout.demand(), topology, statuses, routes, ShardPolicy.DEFAULT), 0);
    }

    @Test
    void sharesThatMoveNoFlowAreAlike()
    {
        final List<NextHop> x = List.of(NextHop.viaIpv4("ab", 1, 665), NextHop.viaIpv4("ac", 2, 335));
        assertTrue(HopRoutes.alike(x, List.of(NextHop.viaIpv4("ab", 1, 655), NextHop.viaIpv4("ac", 2, 345))));
        assertFalse(HopRoutes.alike(x, List.of(NextHop.viaIpv4("ab", 1, 600), NextHop.viaIpv4("ac", 2, 400))));
        assertFalse(HopRoutes.alike(x, List.of(NextHop.viaIpv4("ac", 2, 335), NextHop.viaIpv4("ab", 1, 665))));
        assertTrue(HopRoutes.sameGateways(x, List.of(NextHop.viaIpv4("ab", 1, 1), NextHop.viaIpv4("ac", 2, 999))));
    }

    @Test
    void badLayoutsAreRefusedNamingTheField() throws IOException
    {
        final Path crossed = copy(text -> text.replace("between: [a/ac, c/ac]", "between: [a/ac, c/cd]"));
        final ConfigException link = assertThrows(ConfigException.class, () -> MeshLayout.load(crossed.resolve("mesh.yaml")));
        assertTrue(link.getMessage().contains("links[1].between") && link.getMessage().contains("not two nodes on one subnet"),
            link.getMessage());

        final Path unrouted = copy(text -> text.replace("prefixes: [198.18.0.0/16]", "prefixes: [203.0.113.0/24]"));
        final ConfigException prefix = assertThrows(ConfigException.class, () -> MeshLayout.load(unrouted.resolve("mesh.yaml")));
        assertTrue(prefix.getMessage().contains("nodes[3].prefixes[0]") && prefix.getMessage().contains("neither routed nor connected"),
            prefix.getMessage());

        final Path noInterface = copy(text -> text.replace("between: [b/bd, d/bd]", "between: [b/bx, d/bd]"));
        final ConfigException itf = assertThrows(ConfigException.class, () -> MeshLayout.load(noInterface.resolve("mesh.yaml")));
        assertTrue(itf.getMessage().contains("links[2].between[0]") && itf.getMessage().contains("no interface bx"), itf.getMessage());
    }

    /** The manager's routes with every node at {@code busy} but b at its own, or {@code override} for one node. */
    private static GlobalRoutes routes(final MeshTopology topology, final double bBusy, final NodeStatus override)
    {
        return GlobalRoutes.compute(topology, statuses(topology, bBusy, override), MeshCost.DEFAULT);
    }

    private static List<NodeStatus> statuses(final MeshTopology topology, final double bBusy, final NodeStatus override)
    {
        final List<NodeStatus> statuses = new ArrayList<>();
        for (final MeshTopology.Node node : topology.nodes())
        {
            if (override != null && override.nodeId() == node.id())
            {
                statuses.add(override);
                continue;
            }
            final double busy = node.id() == 2 && override == null ? bBusy : 0.02;
            statuses.add(MeshCost.DEFAULT.status(node.id(), new NodeHealth(node.id(), busy, 20_000, 0, 0)));
        }
        return statuses;
    }
}
