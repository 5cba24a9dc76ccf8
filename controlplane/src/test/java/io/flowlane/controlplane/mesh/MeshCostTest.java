package io.flowlane.controlplane.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MeshCostTest
{
    private static final MeshCost COST = MeshCost.DEFAULT;
    private static final MeshTopology.Node NODE = new MeshTopology.Node(1, "n", 10_000_000);

    @Test
    void linkCostIsLatencyPlusTheTimeAReferenceFrameTakesOnTheLink()
    {
        assertEquals(100 + 1.2, COST.linkCost(new MeshTopology.Link(1, 2, 100, 10_000, true)), 1e-9);
        assertEquals(100 + 12.0, COST.linkCost(new MeshTopology.Link(1, 2, 100, 1_000, true)), 1e-9, "1 Gbit/s: 12 us a frame");
        assertTrue(COST.linkCost(new MeshTopology.Link(1, 2, 500, 10_000, true)) > COST.linkCost(new MeshTopology.Link(1, 2, 100, 10_000, true)));
    }

    @Test
    void nodeCostGrowsAsHeadroomShrinksAndHealthFalls()
    {
        final double idle = COST.nodeCost(NODE, new NodeStatus(1, 1, 0, true));
        assertEquals(32 * 0.1, idle, 1e-9, "a burst of 32 at 0.1 us a packet");
        final double busy = COST.nodeCost(NODE, new NodeStatus(1, 1, 0.9, true));
        assertEquals(idle * 10, busy, 1e-9, "one tenth of the headroom: ten times the wait");
        final double saturated = COST.nodeCost(NODE, new NodeStatus(1, 1, 1.0, true));
        assertEquals(idle * 20, saturated, 1e-9, "utilisation capped at 0.95: large, not infinite");
        assertEquals(idle + 100, COST.nodeCost(NODE, new NodeStatus(1, 0.5, 0, true)), 1e-9, "health 0.5 adds half the penalty");
        final double slower = COST.nodeCost(new MeshTopology.Node(1, "n", 1_000_000), new NodeStatus(1, 1, 0, true));
        assertEquals(idle * 10, slower, 1e-9, "a tenth of the capacity");
    }

    @Test
    void healthScoreFallsWithUtilisationPastTheKneeAndWithLoss()
    {
        assertEquals(1.0, COST.healthScore(Meshes.report(1, 0.5, 1e6, 0)));
        assertEquals(1.0, COST.healthScore(Meshes.report(1, 0.8, 1e6, 0)));
        assertEquals(0.5, COST.healthScore(Meshes.report(1, 0.9, 1e6, 0)));
        assertEquals(0.0, COST.healthScore(Meshes.report(1, 1.0, 1e6, 0)));
        assertEquals(0.5, COST.healthScore(Meshes.report(1, 0.5, 995_000, 5_000)), "0.5 % lost");
        assertEquals(0.0, COST.healthScore(Meshes.report(1, 0.5, 990_000, 10_000)), "1 % lost");
        assertEquals(0.25, COST.healthScore(Meshes.report(1, 0.9, 995_000, 5_000)), "both");
        assertEquals(1.0, COST.healthScore(Meshes.report(1, 0.0, 0, 0)), "nothing offered, nothing lost");
    }

    @Test
    void nodesBelowTheHealthThresholdAreNotUsable()
    {
        assertTrue(COST.status(1, Meshes.report(1, 0.9, 995_000, 5_000)).usable(), "0.25 is the threshold");
        assertFalse(COST.status(1, Meshes.report(1, 0.95, 995_000, 5_000)).usable());
        assertTrue(COST.status(1, null).usable(), "not reported yet: assumed healthy");
    }

    @Test
    void statusIsQuantisedSoNoiseDoesNotChangeTheTable()
    {
        assertEquals(COST.status(1, Meshes.report(1, 0.501, 1e6, 0)), COST.status(1, Meshes.report(1, 0.502, 1e6, 0)));
    }
}
