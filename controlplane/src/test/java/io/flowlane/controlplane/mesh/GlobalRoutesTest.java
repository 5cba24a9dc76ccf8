package io.flowlane.controlplane.mesh;

import static io.flowlane.controlplane.mesh.Meshes.A;
import static io.flowlane.controlplane.mesh.Meshes.B;
import static io.flowlane.controlplane.mesh.Meshes.C;
import static io.flowlane.controlplane.mesh.Meshes.D;
import static io.flowlane.controlplane.mesh.Meshes.E;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

class GlobalRoutesTest
{
    @Test
    void twoEqualBranchesGiveTheBestPathAndANodeDisjointAlternateSharingTheFlows()
    {
        final List<GlobalRoutes.MeshPath> paths = Meshes.routes(Meshes.diamond(), Map.of()).paths(A, D);
        assertEquals(3, paths.size(), paths.toString());
        assertArrayEquals(new int[] {A, B, D}, paths.get(0).nodes(), "equal costs: the lower node ids win the tie");
        assertArrayEquals(new int[] {A, C, D}, paths.get(1).nodes());
        assertArrayEquals(new int[] {A, E, D}, paths.get(2).nodes());
        assertEquals(2 * (100 + 1.2 + 3.2), paths.get(0).cost(), 1e-9);
        assertEquals(paths.get(0).cost(), paths.get(1).cost());
        assertEquals(500, paths.get(0).weight());
        assertEquals(500, paths.get(1).weight());
        assertEquals(0, paths.get(2).weight(), "four times as costly as the best: standby only");
    }

    @Test
    void aDegradedNodeShiftsTheBestPathAwayFromIt()
    {
        // B drops 0.5 % of what it is offered: health 0.5, still usable, but its path costs 100 us more.
        final GlobalRoutes routes = Meshes.routes(Meshes.diamond(), Map.of(B, Meshes.report(B, 0.3, 995_000, 5_000)));
        final List<GlobalRoutes.MeshPath> paths = routes.paths(A, D);
        assertArrayEquals(new int[] {A, C, D}, paths.get(0).nodes());
        assertArrayEquals(new int[] {A, B, D}, paths.get(1).nodes(), "kept as an alternate");
        assertTrue(paths.get(0).weight() > paths.get(1).weight(), paths.toString());
        assertEquals(1000, paths.get(0).weight() + paths.get(1).weight());
        assertEquals(C, routes.nextHops(A, D).get(0).nextHop(), "hop by hop too");

        // A busy (not lossy) node is avoided the same way, through its headroom term.
        final GlobalRoutes busy = Meshes.routes(Meshes.diamond(), Map.of(B, Meshes.report(B, 0.85, 1e6, 0)));
        assertArrayEquals(new int[] {A, C, D}, busy.paths(A, D).get(0).nodes());
    }

    @Test
    void aDeadNodeIsExcludedFromEveryPath()
    {
        final MeshTopology mesh = Meshes.diamond();
        final GlobalRoutes routes = Meshes.routes(mesh, Map.of(B, Meshes.report(B, 1.0, 900_000, 100_000)));
        for (final GlobalRoutes.PairRoutes pair : routes.pairs())
        {
            for (final GlobalRoutes.MeshPath path : pair.paths())
            {
                assertFalse(path.passesThrough(B), path.toString());
                assertNotEquals(B, path.egress(), path.toString());
            }
        }
        assertEquals(List.of(), routes.paths(A, B), "nothing reaches a dead node");
        assertEquals(2, routes.paths(A, D).size(), "A-C-D and A-E-D remain");
        for (final GlobalRoutes.NextHops entry : routes.nextHops())
        {
            assertTrue(entry.hops().stream().noneMatch(h -> h.nextHop() == B), entry.toString());
        }
        assertFalse(routes.nextHops(B, D).isEmpty(), "traffic already at the dead node may still leave it");
    }

    @Test
    void aLinkThatGoesDownTakesItsPathsWithIt()
    {
        final MeshTopology mesh = Meshes.diamond().withLinkState(B, D, false, 0, 0);
        final List<GlobalRoutes.MeshPath> paths = Meshes.routes(mesh, Map.of()).paths(A, D);
        assertArrayEquals(new int[] {A, C, D}, paths.get(0).nodes());
        assertEquals(1000, paths.get(0).weight(), "the detour is too long to share");
        assertTrue(paths.stream().noneMatch(p -> p.nextHopAfter(B) == D));
    }

    @Test
    void withoutADisjointAlternateTheCheapestOverlappingPathsAreKept()
    {
        // A-B, then B-D directly or B-C-D: every path passes through B.
        final MeshTopology mesh = new MeshTopology.Builder()
            .node(A, "a", 10_000_000).node(B, "b", 10_000_000).node(C, "c", 10_000_000).node(D, "d", 10_000_000)
            .link(A, B, 100, 10_000).link(B, D, 100, 10_000).link(B, C, 50, 10_000).link(C, D, 100, 10_000)
            .maxPaths(2).build();
        final List<GlobalRoutes.MeshPath> paths = Meshes.routes(mesh, Map.of()).paths(A, D);
        assertEquals(2, paths.size());
        assertArrayEquals(new int[] {A, B, D}, paths.get(0).nodes());
        assertArrayEquals(new int[] {A, B, C, D}, paths.get(1).nodes());
        assertTrue(paths.get(1).weight() > 0 && paths.get(1).weight() < paths.get(0).weight());
    }

    @Test
    void aDisjointAlternateIsPreferredToACheaperOverlappingOne()
    {
        // Cheapest A-B-D; next A-B-C-D (shares B); then A-E-D, disjoint but longer.
        final MeshTopology mesh = new MeshTopology.Builder()
            .node(A, "a", 10_000_000).node(B, "b", 10_000_000).node(C, "c", 10_000_000).node(D, "d", 10_000_000)
            .node(E, "e", 10_000_000)
            .link(A, B, 100, 10_000).link(B, D, 100, 10_000).link(B, C, 10, 10_000).link(C, D, 100, 10_000)
            .link(A, E, 150, 10_000).link(E, D, 150, 10_000)
            .maxPaths(2).build();
        final List<GlobalRoutes.MeshPath> paths = Meshes.routes(mesh, Map.of()).paths(A, D);
        assertArrayEquals(new int[] {A, B, D}, paths.get(0).nodes());
        assertArrayEquals(new int[] {A, E, D}, paths.get(1).nodes(), "survives B's failure");
    }

    @Test
    void theSameInputsGiveAnIdenticalTableWhateverTheirOrder()
    {
        final MeshTopology mesh = randomMesh(new Random(7), 12, 26);
        final Map<Integer, NodeHealth> reports = new HashMap<>();
        final Random random = new Random(8);
        for (final MeshTopology.Node node : mesh.nodes())
        {
            reports.put(node.id(), Meshes.report(node.id(), random.nextDouble(), 1e6, random.nextInt(3000)));
        }
        final GlobalRoutes first = Meshes.routes(mesh, reports);

        final List<MeshTopology.Node> nodes = new ArrayList<>(mesh.nodes());
        final List<MeshTopology.Link> links = new ArrayList<>();
        for (final MeshTopology.Link link : mesh.links())
        {
            links.add(new MeshTopology.Link(link.nodeB(), link.nodeA(), link.latencyMicros(), link.bandwidthMbps(), link.up()));
        }
        Collections.shuffle(nodes, new Random(9));
        Collections.shuffle(links, new Random(10));
        final MeshTopology shuffled = new MeshTopology(nodes, links, mesh.maxPaths(), 0);
        final GlobalRoutes second = Meshes.routes(shuffled, new HashMap<>(reports));

        assertEquals(first, second);
        assertEquals(first.toString(), second.toString());
        final MeshTable a = new MeshTable(1, 0, Meshes.statuses(mesh, reports), first, ShardPlan.empty(), 0);
        final MeshTable b = new MeshTable(1, 0, Meshes.statuses(shuffled, reports), second, ShardPlan.empty(), 0);
        assertEquals(MeshCodec.digest(a), MeshCodec.digest(b));
    }

    @Test
    void nextHopsOnlyEverGetCloserSoNoChoiceOfThemLoops()
    {
        final Random random = new Random(11);
        for (int round = 0; round < 5; round++)
        {
            final MeshTopology mesh = randomMesh(random, 10, 20);
            final Map<Integer, NodeHealth> reports = new HashMap<>();
            for (final MeshTopology.Node node : mesh.nodes())
            {
                reports.put(node.id(), Meshes.report(node.id(), random.nextDouble() * 0.9, 1e6, 0));
            }
            final GlobalRoutes routes = Meshes.routes(mesh, reports);
            for (final GlobalRoutes.NextHops entry : routes.nextHops())
            {
                final double cost = entry.hops().get(0).cost();
                for (final GlobalRoutes.NextHop hop : entry.hops())
                {
                    if (hop.nextHop() != entry.destination())
                    {
                        final double remaining = routes.nextHops(hop.nextHop(), entry.destination()).get(0).cost();
                        assertTrue(remaining < cost, "downstream: " + entry);
                    }
                }
                // Any walk over next hops (weighted or standby) reaches the destination without revisiting a node.
                for (int walk = 0; walk < 10; walk++)
                {
                    final Set<Integer> seen = new HashSet<>();
                    int at = entry.node();
                    while (at != entry.destination())
                    {
                        assertTrue(seen.add(at), "loop at " + at + " walking " + entry);
                        final List<GlobalRoutes.NextHop> hops = routes.nextHops(at, entry.destination());
                        at = hops.get(random.nextInt(hops.size())).nextHop();
                    }
                }
            }
            for (final GlobalRoutes.PairRoutes pair : routes.pairs())
            {
                int total = 0;
                for (final GlobalRoutes.MeshPath path : pair.paths())
                {
                    assertEquals(path.nodes().length, new HashSet<>(box(path.nodes())).size(), "loop-free " + path);
                    total += path.weight();
                }
                assertEquals(GlobalRoutes.WEIGHT_TOTAL, total, pair.toString());
            }
        }
    }

    @Test
    void weightsAreProportionalToTheInverseCostAndAddUpExactly()
    {
        assertArrayEquals(new int[] {500, 500}, GlobalRoutes.weights(new double[] {10, 10}, 2));
        assertArrayEquals(new int[] {667, 333}, GlobalRoutes.weights(new double[] {10, 20}, 2));
        assertArrayEquals(new int[] {1000, 0}, GlobalRoutes.weights(new double[] {10, 21}, 2));
        assertArrayEquals(new int[] {334, 333, 333}, GlobalRoutes.weights(new double[] {10, 10, 10}, 2));
    }

    private static List<Integer> box(final int[] values)
    {
        final List<Integer> boxed = new ArrayList<>();
        for (final int value : values)
        {
            boxed.add(value);
        }
        return boxed;
    }

    /** A connected mesh: a ring plus random chords, random latencies and bandwidths. */
    static MeshTopology randomMesh(final Random random, final int nodes, final int links)
    {
        final MeshTopology.Builder builder = new MeshTopology.Builder().maxPaths(3);
        for (int i = 0; i < nodes; i++)
        {
            builder.node(10 + i, "n" + i, 1_000_000 + random.nextInt(10_000_000));
        }
        final Set<Long> used = new HashSet<>();
        for (int i = 0; i < nodes; i++)
        {
            final int a = Math.min(i, (i + 1) % nodes);
            final int b = Math.max(i, (i + 1) % nodes);
            used.add(a * 1000L + b);
            builder.link(10 + a, 10 + b, 10 + random.nextInt(500), 1000L * (1 + random.nextInt(40)));
        }
        while (used.size() < links)
        {
            final int a = random.nextInt(nodes);
            final int b = random.nextInt(nodes);
            if (a < b && used.add(a * 1000L + b))
            {
                builder.link(10 + a, 10 + b, 10 + random.nextInt(500), 1000L * (1 + random.nextInt(40)));
            }
        }
        return builder.build();
    }
}
