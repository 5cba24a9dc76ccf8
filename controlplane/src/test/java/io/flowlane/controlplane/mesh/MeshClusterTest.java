package io.flowlane.controlplane.mesh;

import static io.flowlane.controlplane.mesh.Meshes.A;
import static io.flowlane.controlplane.mesh.Meshes.B;
import static io.flowlane.controlplane.mesh.Meshes.C;
import static io.flowlane.controlplane.mesh.Meshes.D;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The mesh manager on a real three-member Aeron Cluster in this JVM (UDP over localhost): a client
 * sets the topology and reports health and gets route tables; the leader dies and a new one serves
 * exactly the committed table and goes on computing; a member restarted from its directory, and
 * then the whole cluster restarted from theirs, recover the same table; the staleness timer fires
 * through the log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshClusterTest
{
    private static final List<String> HOSTS = List.of("localhost", "localhost", "localhost");
    private static final long TIMEOUT_MILLIS = 30_000;

    private static Path baseDir;
    private static int basePort;
    private static final MeshClusterMember[] MEMBERS = new MeshClusterMember[HOSTS.size()];
    private static MeshClient client;
    private static int killedLeader = -1;

    @BeforeAll
    static void startCluster() throws IOException
    {
        baseDir = Files.createTempDirectory(Path.of("target"), "mesh-cluster-");
        basePort = MeshClusterConfig.freeLoopbackBasePort(HOSTS.size());
        for (int m = 0; m < MEMBERS.length; m++)
        {
            MEMBERS[m] = MeshClusterMember.launch(config(m), true);
        }
        awaitLeader();
        client = MeshClient.connect(config(0).ingressEndpoints(), null, TIMEOUT_MILLIS);
    }

    @AfterAll
    static void stopCluster() throws IOException
    {
        try
        {
            if (client != null)
            {
                client.close();
            }
            for (final MeshClusterMember member : MEMBERS)
            {
                if (member != null)
                {
                    member.close();
                }
            }
        }
        finally
        {
            if (baseDir != null)
            {
                try (Stream<Path> files = Files.walk(baseDir))
                {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Short heartbeats so that a dead leader is replaced in about two seconds. */
    private static MeshClusterConfig config(final int member)
    {
        return MeshClusterConfig.of(member, HOSTS, basePort, baseDir)
            .withAeronDirectory("/dev/shm/flowlane-mesh-test-" + ProcessHandle.current().pid() + "-" + basePort + "-" + member)
            .withTimeouts(1_500, 100, 500, 3_000, 10_000);
    }

    @Test
    @Order(1)
    void aClientSetsTheTopologyReportsHealthAndReceivesRouteTables()
    {
        final MeshClient.Ack topology = client.awaitAck(client.setTopology(Meshes.diamond()));
        assertTrue(topology.applied(), topology.toString());
        assertEquals(1, topology.version());
        final MeshTable first = client.awaitTable(t -> t.version() >= 1);
        assertArrayEquals(new int[] {A, B, D}, first.routes().paths(A, D).get(0).nodes());

        final MeshClient.Ack degraded = client.awaitAck(client.reportHealth(B, 0.3, 995_000, 5_000));
        assertTrue(degraded.applied());
        assertEquals(2, degraded.version());
        final MeshTable second = client.awaitTable(t -> t.version() >= 2);
        assertArrayEquals(new int[] {A, C, D}, second.routes().paths(A, D).get(0).nodes(), "away from the lossy B");

        assertTrue(client.awaitAck(client.setDemand(List.of(new TrafficStream(7, A, D, 0, 0.5, 10_000),
            new TrafficStream(8, D, A, 2, 0.0, 500_000)))).applied());
        final MeshTable third = client.awaitTable(t -> t.version() >= 3);
        // Stream 8 is calm, but one of its paths with a share passes the lossy B (health 0.5): cut as finely as 7.
        assertEquals(64 + 64, third.shards().shards().size());

        final MeshClient.Ack refused = client.awaitAck(client.reportHealth(42, 0.1, 0, 0));
        assertFalse(refused.applied());
        assertEquals("nodeId", refused.field());
        assertEquals(3, refused.version());

        awaitAllMembersAt(third);
    }

    @Test
    @Order(2)
    void whenTheLeaderDiesANewOneServesExactlyTheCommittedTableAndGoesOn()
    {
        final MeshTable before = client.latestTable();
        awaitAllMembersAt(before);
        killedLeader = awaitLeader();
        final long start = System.nanoTime();
        MEMBERS[killedLeader].close();

        final MeshTable answer = client.awaitAnswer(client.requestTable());
        final int newLeader = awaitLeader();
        System.out.printf("leader %d closed, member %d leads, table served after %.1f s%n", killedLeader, newLeader,
            (System.nanoTime() - start) / 1e9);
        assertNotEquals(killedLeader, newLeader);
        assertEquals(before, answer, "version, time, content and digest");

        final MeshClient.Ack recovered = client.awaitAck(client.reportHealth(B, 0.0, 1e6, 0));
        assertEquals(before.version() + 1, recovered.version());
        final MeshTable after = client.awaitTable(t -> t.version() == before.version() + 1);
        assertArrayEquals(new int[] {A, B, D}, after.routes().paths(A, D).get(0).nodes(), "B is healthy again");
        awaitAllMembersAt(after);
    }

    @Test
    @Order(3)
    void aMemberRestartedFromItsDirectoryRecoversTheSameTable()
    {
        final int leader = awaitLeader();
        final long snapshots = MEMBERS[leader].snapshotCount();
        assertTrue(MEMBERS[leader].requestSnapshot());
        await(() -> MEMBERS[leader].snapshotCount() > snapshots, "a snapshot");
        // After the snapshot: the restarted member needs its snapshot and the log after it.
        assertTrue(client.awaitAck(client.linkState(A, C, false, 0, 0)).applied());
        final MeshTable latest = client.awaitTable(t -> t.routes().paths(A, D).size() == 2);

        MEMBERS[killedLeader] = MeshClusterMember.launch(config(killedLeader), false);
        awaitAllMembersAt(latest);
        assertEquals(latest, MEMBERS[killedLeader].service().table());
    }

    @Test
    @Order(4)
    void theWholeClusterRestartedFromItsDirectoriesRecoversTheSameTable()
    {
        final MeshTable latest = client.latestTable();
        awaitAllMembersAt(latest);
        client.close();
        client = null;
        for (final MeshClusterMember member : MEMBERS)
        {
            member.close();
        }
        for (int m = 0; m < MEMBERS.length; m++)
        {
            MEMBERS[m] = MeshClusterMember.launch(config(m), false);
        }
        awaitLeader();
        awaitAllMembersAt(latest);
        assertTrue(MEMBERS[(killedLeader + 1) % 3].service().loadedSnapshot(), "those that took the snapshot start from it");
        for (final MeshClusterMember member : MEMBERS)
        {
            assertEquals(0, member.errors(), "member " + member.config().memberId());
        }
        client = MeshClient.connect(config(0).ingressEndpoints(), null, TIMEOUT_MILLIS);
        assertEquals(latest, client.awaitTable(t -> t.version() == latest.version()), "sent as the new session opens");
        assertEquals(latest, client.awaitAnswer(client.requestTable()));
    }

    @Test
    @Order(5)
    void nodesThatStopReportingAreDroppedByTheClusterTimer()
    {
        final MeshTopology silent = new MeshTopology(Meshes.diamond().nodes(), Meshes.diamond().links(), 3, 500);
        final long version = client.awaitAck(client.setTopology(silent)).version();
        // Nothing more is sent: only the service's timer, committed through the log, can make the next version.
        final MeshTable dead = client.awaitTable(t -> t.version() > version);
        assertTrue(dead.nodes().stream().noneMatch(NodeStatus::usable), dead.nodes().toString());
        assertTrue(dead.routes().pairs().isEmpty());
        awaitAllMembersAt(dead);
    }

    private static void awaitAllMembersAt(final MeshTable table)
    {
        for (final MeshClusterMember member : MEMBERS)
        {
            if (member != null && !member.isClosed())
            {
                await(() -> member.service().table().version() >= table.version(),
                    "member " + member.config().memberId() + " at version " + table.version());
                assertEquals(table, member.service().table(), "member " + member.config().memberId());
            }
        }
    }

    private static int awaitLeader()
    {
        final int[] leader = {-1};
        await(() ->
        {
            for (int m = 0; m < MEMBERS.length; m++)
            {
                if (MEMBERS[m] != null && MEMBERS[m].isLeader())
                {
                    leader[0] = m;
                    return true;
                }
            }
            return false;
        }, "a leader");
        return leader[0];
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            if (client != null)
            {
                client.poll();
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(ex);
            }
        }
    }
}
