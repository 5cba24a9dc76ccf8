package io.flowlane.controlplane.mesh;

import static io.flowlane.controlplane.mesh.Meshes.A;
import static io.flowlane.controlplane.mesh.Meshes.B;
import static io.flowlane.controlplane.mesh.Meshes.C;
import static io.flowlane.controlplane.mesh.Meshes.D;
import static io.flowlane.controlplane.mesh.Meshes.E;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class ShardPlanTest
{
    private static final ShardPolicy POLICY = ShardPolicy.DEFAULT;

    /** The diamond with 1 Gbit/s links: 250 kpps a link at 500 B packets, 200 kpps under the cap. */
    private static MeshTopology slowDiamond()
    {
        return new MeshTopology.Builder()
            .node(A, "a", 10_000_000).node(B, "b", 10_000_000).node(C, "c", 10_000_000).node(D, "d", 10_000_000)
            .node(E, "e", 10_000_000)
            .link(A, B, 100, 1_000).link(B, D, 100, 1_000)
            .link(A, C, 100, 1_000).link(C, D, 100, 1_000)
            .link(A, E, 400, 1_000).link(E, D, 400, 1_000)
            .maxPaths(3).build();
    }

    private static ShardPlan plan(final MeshTopology mesh, final Map<Integer, NodeHealth> reports, final List<TrafficStream> streams)
    {
        final List<NodeStatus> statuses = Meshes.statuses(mesh, reports);
        return ShardPlan.place(streams, mesh, statuses, GlobalRoutes.compute(mesh, statuses, MeshCost.DEFAULT), POLICY);
    }

    private static List<ShardPlan.Shard> of(final ShardPlan plan, final long streamId)
    {
        return plan.shards().stream().filter(s -> s.streamId() == streamId).toList();
    }

    @Test
    void shardsShrinkAsRiskGrows()
    {
        assertEquals(64, POLICY.bucketsFor(0));
        assertEquals(16, POLICY.bucketsFor(0.2));
        assertEquals(4, POLICY.bucketsFor(0.5));
        assertEquals(4, POLICY.bucketsFor(1));
        for (double risk = 0; risk < 1; risk += 0.05)
        {
            assertTrue(POLICY.bucketsFor(risk + 0.05) <= POLICY.bucketsFor(risk), "monotone at " + risk);
        }

        final ShardPlan plan = plan(Meshes.diamond(), Map.of(), List.of(
            new TrafficStream(1, A, D, 1, 0.0, 1000), new TrafficStream(2, A, D, 1, 0.9, 1000)));
        assertEquals(4, of(plan, 1).size(), "calm: four quarters");
        assertEquals(64, of(plan, 2).size(), "risky: 64 shards of 4 buckets");
        for (final long stream : new long[] {1, 2})
        {
            int next = 0;
            for (final ShardPlan.Shard shard : of(plan, stream))
            {
                assertEquals(next, shard.firstBucket(), "buckets covered once, in order");
                assertEquals(stream * 256 + shard.firstBucket(), shard.shardId());
                next += shard.bucketCount();
            }
            assertEquals(256, next);
        }
        assertNotNull(plan.shardOf(2, POLICY.bucketOf(0x1234_5678)));
    }

    @Test
    void aCalmStreamIsCutFinerWhileANodeItGoesThroughDegrades()
    {
        final MeshTopology mesh = Meshes.diamond();
        final List<TrafficStream> calm = List.of(new TrafficStream(1, A, D, 1, 0.0, 1000));
        assertEquals(64, plan(mesh, Map.of(), calm).shards().get(0).bucketCount(), "all healthy: quarters");

        // B at 0.9 busy has health 0.5: the stream still has a share on A-B-D, so its risk is 0.5.
        final ShardPlan degraded = plan(mesh, Map.of(B, Meshes.report(B, 0.9, 100_000, 0)), calm);
        assertTrue(degraded.shards().stream().anyMatch(s -> s.pathIndex() >= 0 &&
            Meshes.routes(mesh, Map.of(B, Meshes.report(B, 0.9, 100_000, 0))).paths(A, D).get(s.pathIndex()).nodes()[1] == B),
            "B still carries some: " + degraded);
        for (final ShardPlan.Shard shard : degraded.shards())
        {
            assertEquals(0.5, shard.riskScore(), 1e-6);
            assertEquals(4, shard.bucketCount(), "cut finest while a path it uses degrades");
        }

        // B dead: no path through it carries a share, so B's state no longer concerns the stream.
        final ShardPlan dead = plan(mesh, Map.of(B, Meshes.report(B, 1.0, 0, 0)), calm);
        assertEquals(64, dead.shards().get(0).bucketCount(), dead.toString());
        assertEquals(0.0, dead.shards().get(0).riskScore());
        // A stream's own risk is never lowered by healthy paths.
        assertEquals(0.7, plan(mesh, Map.of(), List.of(new TrafficStream(2, A, D, 1, 0.7, 1000))).shards().get(0).riskScore(), 1e-6);
    }

    @Test
    void aHeavyStreamIsCutSmallerSoNoShardTakesMoreThanItsShareOfThePath()
    {
        // Best path capacity 2.5 Mpps (its 10 Gbit/s links at 500 B); one shard may take a quarter.
        final ShardPlan plan = plan(Meshes.diamond(), Map.of(), List.of(new TrafficStream(1, A, D, 1, 0.0, 8_000_000)));
        for (final ShardPlan.Shard shard : plan.shards())
        {
            assertEquals(16, shard.bucketCount());
            assertTrue(shard.packetsPerSecond() <= 0.25 * 2_500_000, shard.toString());
        }
    }

    @Test
    void criticalShardsArePlacedFirstOnTheBestPath()
    {
        // The bulk stream comes first in the demand; had it been placed first it would have taken half the best path.
        final ShardPlan plan = plan(slowDiamond(), Map.of(), List.of(
            new TrafficStream(1, A, D, 2, 0.0, 150_000), new TrafficStream(2, A, D, 0, 0.0, 150_000)));
        for (final ShardPlan.Shard shard : of(plan, 2))
        {
            assertEquals(0, shard.pathIndex(), "critical on the best path: " + shard);
            assertFalse(shard.overCommitted());
        }
        assertTrue(of(plan, 1).stream().anyMatch(s -> s.pathIndex() == 1), "bulk spills to the alternate: " + of(plan, 1));
        assertTrue(of(plan, 1).stream().noneMatch(ShardPlan.Shard::overCommitted));
    }

    @Test
    void shardsAreSpreadOverThePathsInProportionToTheirWeights()
    {
        final MeshTopology mesh = Meshes.diamond();
        final ShardPlan plan = plan(mesh, Map.of(), List.of(new TrafficStream(1, A, D, 1, 0.5, 64_000)));
        final long onB = plan.shards().stream().filter(s -> s.pathIndex() == 0).count();
        final long onC = plan.shards().stream().filter(s -> s.pathIndex() == 1).count();
        assertEquals(32, onB, "A-B-D and A-C-D share the flows 500/500");
        assertEquals(32, onC);
        assertEquals(0, plan.shards().stream().filter(s -> s.pathIndex() == 2).count(), "the standby detour stays empty");
        assertTrue(plan.shards().get(0).pathIndex() != plan.shards().get(1).pathIndex(), "alternating");
        final Map<Integer, Double> loads = plan.nodeLoads(Meshes.routes(mesh, Map.of()));
        assertEquals(loads.get(B), loads.get(C), 1e-9);

        // B degraded: its path gets a smaller weight, and fewer shards.
        final ShardPlan degraded = plan(mesh, Map.of(B, Meshes.report(B, 0.3, 995_000, 5_000)),
            List.of(new TrafficStream(1, A, D, 1, 0.5, 64_000)));
        final long viaC = degraded.shards().stream().filter(s -> s.pathIndex() == 0).count();
        final long viaB = degraded.shards().stream().filter(s -> s.pathIndex() == 1).count();
        assertTrue(viaC > viaB && viaB > 0, viaC + " via C, " + viaB + " via B");
    }

    @Test
    void aChangeOfWeightsMovesOnlyTheShardsItMust()
    {
        final MeshTopology mesh = Meshes.diamond();
        final List<TrafficStream> stream = List.of(new TrafficStream(1, A, D, 1, 0.5, 64_000));
        final Map<Integer, NodeHealth> lossy = Map.of(B, Meshes.report(B, 0.3, 998_000, 2_000));   // health 0.8
        final Map<Integer, NodeHealth> lossier = Map.of(B, Meshes.report(B, 0.3, 997_000, 3_000)); // health 0.7
        final List<NodeStatus> before = Meshes.statuses(mesh, lossy);
        final GlobalRoutes routesBefore = GlobalRoutes.compute(mesh, before, MeshCost.DEFAULT);
        final ShardPlan first = ShardPlan.place(stream, mesh, before, routesBefore, POLICY);
        final MeshTable table = new MeshTable(1, 0, before, routesBefore, first, 0);

        final List<NodeStatus> after = Meshes.statuses(mesh, lossier);
        final GlobalRoutes routesAfter = GlobalRoutes.compute(mesh, after, MeshCost.DEFAULT);
        final ShardPlan sticky = ShardPlan.place(stream, mesh, after, routesAfter, POLICY, table);
        final ShardPlan fresh = ShardPlan.place(stream, mesh, after, routesAfter, POLICY);

        assertEquals(onB(fresh, routesAfter), onB(sticky, routesAfter), "the same share on each path either way");
        final long must = Math.abs(onB(sticky, routesAfter) - onB(first, routesBefore));
        assertTrue(must > 0, "the weights moved enough to move shards");
        assertEquals(must, moved(first, routesBefore, sticky, routesAfter), "only as many shards move as the counts change by");
        assertTrue(moved(first, routesBefore, fresh, routesAfter) > must, "from nothing, round robin reshuffles more: " +
            moved(first, routesBefore, fresh, routesAfter) + " moved for " + must);
        assertEquals(sticky, ShardPlan.place(stream, mesh, after, routesAfter, POLICY, new MeshTable(2, 0, after, routesAfter, sticky, 0)),
            "nothing changed: nothing moves");
    }

    private static long onB(final ShardPlan plan, final GlobalRoutes routes)
    {
        return plan.shards().stream().filter(s -> routes.paths(A, D).get(s.pathIndex()).passesThrough(B)).count();
    }

    private static long moved(final ShardPlan from, final GlobalRoutes fromRoutes, final ShardPlan to, final GlobalRoutes toRoutes)
    {
        long moved = 0;
        for (int i = 0; i < from.shards().size(); i++)
        {
            final ShardPlan.Shard a = from.shards().get(i);
            final ShardPlan.Shard b = to.shards().get(i);
            assertEquals(a.firstBucket(), b.firstBucket());
            if (!java.util.Arrays.equals(fromRoutes.paths(A, D).get(a.pathIndex()).nodes(), toRoutes.paths(A, D).get(b.pathIndex()).nodes()))
            {
                moved++;
            }
        }
        return moved;
    }

    @Test
    void loadCapsAreRespectedAndWhatDoesNotFitIsMarkedOverCommitted()
    {
        final MeshTopology mesh = slowDiamond();
        final ShardPlan plan = plan(mesh, Map.of(), List.of(new TrafficStream(1, A, D, 1, 0.0, 10_000_000)));
        final GlobalRoutes routes = Meshes.routes(mesh, Map.of());
        assertEquals(4, plan.shards().get(0).bucketCount(), "halved down to the smallest shard");
        final List<ShardPlan.Shard> fitting = plan.shards().stream().filter(s -> !s.overCommitted()).toList();
        assertEquals(3, fitting.size(), "one on each active path, one on the standby detour: " + fitting);
        assertEquals(61, plan.shards().size() - fitting.size());
        final Map<Integer, Double> loads = new ShardPlan(fitting).nodeLoads(routes);
        for (final int transit : new int[] {B, C, E})
        {
            // Each transit node has one link in and one out of 250 kpps: the cap is 200 kpps.
            assertTrue(loads.getOrDefault(transit, 0.0) <= 0.8 * 250_000, transit + ": " + loads);
        }
    }

    @Test
    void aStreamWithoutAPathIsNotPlaced()
    {
        final ShardPlan plan = plan(Meshes.diamond(), Map.of(E, Meshes.report(E, 1.0, 0, 0)),
            List.of(new TrafficStream(1, A, E, 0, 0, 1000)));
        assertTrue(plan.shards().stream().allMatch(s -> s.pathIndex() == ShardPlan.NO_PATH));
    }

    @Test
    void theSamePlanEveryTime()
    {
        final List<TrafficStream> streams = List.of(new TrafficStream(3, B, C, 1, 0.3, 300_000), new TrafficStream(1, A, D, 0, 0.7, 900_000),
            new TrafficStream(2, D, A, 2, 0.1, 2_000_000));
        assertEquals(plan(Meshes.diamond(), Map.of(), streams), plan(Meshes.diamond(), Map.of(), List.of(streams.get(2), streams.get(0),
            streams.get(1))));
    }
}
