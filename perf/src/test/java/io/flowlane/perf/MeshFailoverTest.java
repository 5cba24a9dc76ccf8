package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Issue 8's failure test with traffic, end to end: four appliance processes linked by memif
 * (config/mesh), the mesh manager on a three-member Aeron Cluster (three processes), a mesh agent per appliance between them,
 * and 20 kpps from the generator into ingress a, counted where egress d delivers them
 * ({@link MeshDrill}). Asserted:
 *
 * <ol>
 *   <li>the traffic takes the computed path: b received every packet sent, c none, none lost;</li>
 *   <li>the mesh manager's leader killed (SIGKILL) with the traffic flowing: another member leads
 *       with the committed table, no node is declared dead, a's route stays, nothing is lost; the
 *       killed member restarted from its directory follows again;</li>
 *   <li>a degrading b (its worker stalls more of every millisecond, step by step, then it drops
 *       everything) loses its traffic to a-c-d before it fails, with not one packet lost and none
 *       reaching the failed b; meanwhile a steers the stream by the manager's shards (bucket maps
 *       acknowledged), cut finer as b's health falls; when b recovers the traffic returns to it;</li>
 *   <li>b killed (SIGKILL) with the traffic on it: the manager, seeing its telemetry stop, declares
 *       it dead and a's route moves to c; the packets lost meanwhile are counted and at most the
 *       rate times (one telemetry interval + the health timeout + 200 ms);</li>
 *   <li>afterwards every process is gone and everything the rig made is removed.</li>
 * </ol>
 */
class MeshFailoverTest
{
    @Test
    void theMeshMovesTrafficOffADegradingNodeWithoutLossAndOffAKilledOneWithBoundedLoss() throws Exception
    {
        final MeshRig rig = new MeshRig(Path.of("../config/mesh"));
        final List<Path> leftovers;
        try
        {
            final MeshDrill.Result result = MeshDrill.run(rig, System.out);
            MeshDrill.summarise(result, System.out);

            final MeshDrill.Phase path = result.path();
            assertTrue(path.tx() > MeshDrill.RATE_PPS, path.generator());
            assertEquals(path.tx(), path.rx(), "nothing lost on the computed path: " + path.generator());
            assertEquals(path.tx(), path.viaB(), "b received every packet sent");
            assertEquals(0, path.viaC(), "c received none");

            final MeshDrill.Leader leader = result.leader();
            assertTrue(leader.newLeader() >= 0 && leader.newLeader() != leader.killed(), "another member leads");
            assertEquals(leader.phase().tx(), leader.phase().rx(), "the mesh kept forwarding: " + leader.phase().generator());
            assertEquals(leader.phase().tx(), leader.phase().viaB(), "on the same path, b");
            assertTrue(leader.everyNodeUsable(), "no node declared dead while the manager was electing");
            assertTrue(leader.routeKept(), "a's route stayed on b");
            assertTrue(leader.answerAfter().version() >= leader.answerBefore().version(), "no committed version lost");
            assertTrue(leader.answerAfter().version() > leader.answerBefore().version() ||
                leader.answerAfter().equals(leader.answerBefore()), "the same table when nothing changed");
            assertTrue(leader.rejoined(), "the killed member, restarted from its directory, follows again");

            final MeshDrill.Degrade degrade = result.degrade();
            assertTrue(degrade.movedAt() < degrade.failAt(), String.format(Locale.ROOT,
                "the traffic left b before it failed (moved %.2f s, failed %.2f s after the degradation began)",
                (degrade.movedAt() - degrade.rampStart()) / 1e9, (degrade.failAt() - degrade.rampStart()) / 1e9));
            assertTrue(degrade.movedAt() > degrade.rampStart(), "the move followed the degradation");
            assertTrue(degrade.phase().tx() > MeshDrill.RATE_PPS, degrade.phase().generator());
            assertEquals(degrade.phase().tx(), degrade.phase().rx(), "not one packet lost: " + degrade.phase().generator());
            assertTrue(degrade.phase().viaB() > 0 && degrade.phase().viaC() > 0, "b carried the traffic, then c");
            assertEquals(0, degrade.bDropsAfterFailure(), "no packet reached the failed b");
            assertTrue(degrade.shardMaps() > 0, "while b and c shared the stream, a pinned its buckets to the manager's shards");
            assertTrue(degrade.finestShard() < 16, "the stream (risk 0.1: shards of 16) was cut finer while b degraded: " +
                degrade.finestShard());

            final MeshDrill.Kill kill = result.kill();
            assertTrue(kill.movedAt() != Long.MAX_VALUE, "a's route left the dead b");
            assertTrue(kill.declaredDeadAt() != Long.MAX_VALUE, "the manager declared b dead");
            assertTrue(kill.phase().lost() <= kill.lossBound(), "lost " + kill.phase().lost() + " > bound " + kill.lossBound());
            assertTrue(kill.phase().viaC() > 0, "c carried the traffic after b died");
            assertTrue(kill.othersStayedUsable(), "a, which dropped what it still sent toward b, is not blamed for b's death");
            assertFalse(rig.alive("b"));
            assertTrue(rig.alive("a") && rig.alive("c") && rig.alive("d"));
        }
        finally
        {
            leftovers = rig.leftovers();
            rig.close();
        }
        assertEquals(List.of(), rig.running(), "processes left running");
        for (final Path path : leftovers)
        {
            assertFalse(Files.exists(path), path + " left behind");
        }
    }
}
