package io.flowlane.controlplane.mesh;

import static io.flowlane.controlplane.mesh.Meshes.A;
import static io.flowlane.controlplane.mesh.Meshes.B;
import static io.flowlane.controlplane.mesh.Meshes.C;
import static io.flowlane.controlplane.mesh.Meshes.D;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.sbe.MeshRouteTableDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

class MeshStateTest
{
    private static MeshState started(final MeshTopology topology)
    {
        final MeshState state = new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
        assertTrue(state.setTopology(topology, 1_000));
        return state;
    }

    @Test
    void theVersionGrowsOnlyWhenTheTableChanges()
    {
        final MeshState state = started(Meshes.diamond());
        assertEquals(1, state.table().version());
        assertEquals(1_000, state.table().computedAtMillis());
        assertFalse(state.reportHealth(new NodeHealth(B, 0.0, 1e6, 0, 1_100)), "healthy and idle as assumed");
        assertTrue(state.reportHealth(new NodeHealth(B, 0.3, 1e6, 0, 1_150)), "B's headroom shrank");
        assertFalse(state.reportHealth(new NodeHealth(B, 0.3001, 1e6, 0, 1_200)), "noise below a hundredth");
        assertEquals(2, state.table().version());
        assertTrue(state.reportHealth(new NodeHealth(B, 0.3, 995_000, 5_000, 1_300)), "B now loses packets");
        assertEquals(3, state.table().version());
        assertEquals(1_300, state.table().computedAtMillis());
        assertArrayEquals(new int[] {A, C, D}, state.table().routes().paths(A, D).get(0).nodes());
        assertTrue(state.setDemand(List.of(new TrafficStream(7, A, D, 0, 0.5, 1000)), 1_400));
        assertEquals(4, state.table().version());
        assertEquals(64, state.table().shards().shards().size());
        assertTrue(state.linkState(A, C, false, 0, 0, 1_500));
        assertArrayEquals(new int[] {A, B, D}, state.table().routes().paths(A, D).get(0).nodes());
        assertNotEquals(state.table().digest(), 0);
    }

    @Test
    void aNewLeaderGivesLiveNodesAFullTimeoutButNotDeadOnes()
    {
        final MeshTopology topology = new MeshTopology(Meshes.diamond().nodes(), Meshes.diamond().links(), 3, 400);
        final MeshState state = started(topology);
        for (final MeshTopology.Node node : topology.nodes())
        {
            state.reportHealth(new NodeHealth(node.id(), 0.2, 1e6, 0, node.id() == B ? 1_100 : 1_500));
        }
        assertTrue(state.tick(1_501), "B silent since 1 100");
        assertFalse(state.table().node(B).usable());
        final long version = state.table().version();

        // The leader died at about 1 550; the new one's first log entry is 3 000: 1.5 s without any report.
        assertFalse(state.leaderChanged(3_000), "nothing changes: the live nodes stay live");
        assertEquals(version, state.table().version());
        assertTrue(state.table().node(A).usable() && state.table().node(C).usable());
        assertFalse(state.table().node(B).usable(), "B was dead before the election and stays dead");
        assertEquals(3_401, state.nextSilenceAfter(3_000), "a whole timeout from the new term");
        assertFalse(state.tick(3_400));
        assertTrue(state.tick(3_401), "still nothing from them: now they are silent");
        assertFalse(state.table().node(A).usable());

        final MeshState fresh = new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
        assertFalse(fresh.leaderChanged(5_000), "the first election, before any topology: nothing to do");
    }

    @Test
    void aNodeThatFallsSilentIsDeadAfterTheHealthTimeout()
    {
        final MeshTopology topology = new MeshTopology(Meshes.diamond().nodes(), Meshes.diamond().links(), 3, 3_000);
        final MeshState state = started(topology);
        assertEquals(4_001, state.nextSilenceAfter(1_000), "nobody has reported: silent 3 s after the topology was set");
        for (final MeshTopology.Node node : topology.nodes())
        {
            if (node.id() != B)
            {
                state.reportHealth(new NodeHealth(node.id(), 0.2, 1e6, 0, 3_000));
            }
        }
        assertEquals(4_001, state.nextSilenceAfter(3_000), "B is the first to go quiet");
        assertFalse(state.tick(4_000), "3 s exactly is not yet silent");
        assertTrue(state.tick(4_001));
        assertFalse(state.table().node(B).usable());
        assertTrue(state.table().routes().paths(A, D).stream().noneMatch(p -> p.passesThrough(B)));
        assertEquals(6_001, state.nextSilenceAfter(4_001), "the others next");
        assertTrue(state.reportHealth(new NodeHealth(B, 0.2, 1e6, 0, 4_500)), "B is back");
        assertTrue(state.table().node(B).usable());

        final MeshState forever = started(Meshes.diamond());
        assertEquals(Long.MAX_VALUE, forever.nextSilenceAfter(1_000), "timeout 0: never silent");
        assertFalse(forever.tick(1_000_000));
    }

    @Test
    void refusalsNameTheFieldAndLeaveTheStateAlone()
    {
        final MeshState empty = new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
        assertEquals("topology", assertThrows(MeshTopology.InvalidException.class,
            () -> empty.reportHealth(new NodeHealth(A, 0.1, 0, 0, 0))).field());
        final MeshState state = started(Meshes.diamond());
        final MeshTable before = state.table();
        assertEquals("nodeId", assertThrows(MeshTopology.InvalidException.class,
            () -> state.reportHealth(new NodeHealth(99, 0.1, 0, 0, 0))).field());
        assertEquals("busyFraction", assertThrows(MeshTopology.InvalidException.class,
            () -> new NodeHealth(A, 1.5, 0, 0, 0)).field());
        assertEquals("egress", assertThrows(MeshTopology.InvalidException.class,
            () -> state.setDemand(List.of(new TrafficStream(1, A, 99, 0, 0, 0)), 2_000)).field());
        assertEquals("nodeB", assertThrows(MeshTopology.InvalidException.class,
            () -> state.linkState(A, D, false, 0, 0, 2_000)).field(), "no such link");
        assertEquals("nodeId", assertThrows(MeshTopology.InvalidException.class,
            () -> new MeshTopology.Builder().node(1, "a", 1).node(1, "b", 1).build()).field());
        assertEquals("nodeA", assertThrows(MeshTopology.InvalidException.class,
            () -> new MeshTopology.Builder().node(1, "a", 1).link(1, 2, 1, 1).build()).field());
        assertEquals(before, state.table());
    }

    @Test
    void aRestoredStateGivesTheSameTableAndRefusesAForeignOne()
    {
        final MeshTopology topology = new MeshTopology(Meshes.diamond().nodes(), Meshes.diamond().links(), 3, 5_000);
        final MeshState state = started(topology);
        state.reportHealth(new NodeHealth(B, 0.25f, 995_000, 5_000, 2_000));
        state.setDemand(List.of(new TrafficStream(7, A, D, 0, 0.5f, 1000), new TrafficStream(8, D, A, 3, 0.25f, 5e6)), 2_500);
        state.tick(6_001); // the nodes that never reported go silent

        final MeshState restored = new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
        restored.restore(state.topology(), state.topologySetAtMillis(), new ArrayList<>(state.health()), state.demand(),
            state.table().version(), state.table().computedAtMillis(), state.evaluatedAtMillis(), state.table().digest(), null);
        assertEquals(state.table(), restored.table());
        assertEquals(state.nextSilenceAfter(6_001), restored.nextSilenceAfter(6_001));

        // With the table the snapshot carries: the same state, its shards as they were (they follow history).
        state.reportHealth(new NodeHealth(B, 0.25f, 997_000, 3_000, 6_100));
        final MeshState withTable = new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
        withTable.restore(state.topology(), state.topologySetAtMillis(), new ArrayList<>(state.health()), state.demand(),
            state.table().version(), state.table().computedAtMillis(), state.evaluatedAtMillis(), state.table().digest(), state.table());
        assertEquals(state.table(), withTable.table());
        assertTrue(withTable.reportHealth(new NodeHealth(B, 0.25f, 999_000, 1_000, 6_200)) ==
            state.reportHealth(new NodeHealth(B, 0.25f, 999_000, 1_000, 6_200)));
        assertEquals(state.table(), withTable.table(), "and the next change gives the same table on both");
        final MeshTable forged = new MeshTable(state.table().version(), 0, state.table().nodes(), state.table().routes(),
            ShardPlan.empty(), state.table().digest());
        assertThrows(IllegalStateException.class, () -> new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT).restore(state.topology(),
            state.topologySetAtMillis(), new ArrayList<>(state.health()), state.demand(), state.table().version(),
            state.table().computedAtMillis(), state.evaluatedAtMillis(), state.table().digest(), forged), "a table not matching its digest");

        final MeshState other = new MeshState(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
        assertThrows(IllegalStateException.class, () -> other.restore(state.topology(), state.topologySetAtMillis(), List.of(),
            state.demand(), state.table().version(), state.table().computedAtMillis(), state.evaluatedAtMillis(),
            state.table().digest(), null), "reports missing: a different table than the snapshot's");
    }

    @Test
    void aTableSurvivesItsEncodingUnchanged()
    {
        final MeshState state = started(Meshes.diamond());
        state.reportHealth(new NodeHealth(C, 0.875f, 999_000, 1_000, 1_200));
        state.setDemand(List.of(new TrafficStream(7, A, D, 0, 0.5f, 1000), new TrafficStream(8, B, C, 2, 0.125f, 7e5)), 1_300);
        final MeshTable table = state.table();

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = new MeshCodec().encodeTable(buffer, 42, table);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        final MeshRouteTableDecoder decoder = new MeshRouteTableDecoder().wrapAndApplyHeader(buffer, 0, header);
        assertEquals(42, decoder.correlationId());
        final MeshTable decoded = MeshCodec.decodeTable(decoder);
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + decoder.encodedLength());
        assertEquals(table, decoded);
        assertEquals(table.digest(), MeshCodec.digest(decoded));
        assertTrue(length < 16 * 1024, "fits the egress message limit easily: " + length + " bytes");
    }

    @Test
    void aLargestMeshRecomputesQuickly()
    {
        final MeshTopology mesh = GlobalRoutesTest.randomMesh(new java.util.Random(3), MeshTopology.MAX_NODES, 96);
        final MeshState state = started(mesh);
        final long start = System.nanoTime();
        for (int i = 0; i < 5; i++)
        {
            state.reportHealth(new NodeHealth(mesh.nodes().get(i).id(), 0.9, 995_000, 5_000, 2_000 + i));
        }
        final double millis = (System.nanoTime() - start) / 5e6;
        System.out.printf("mesh of %d nodes, %d links: %.1f ms a recomputation, table of %d bytes%n", MeshTopology.MAX_NODES,
            mesh.links().size(), millis, new MeshCodec().encodeTable(new ExpandableArrayBuffer(), 0, state.table()));
        assertTrue(millis < 2_000, millis + " ms");
    }
}
