package io.flowlane.controlplane.mesh;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.ClusterEvent;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One member of the mesh manager's cluster in this process: a media driver, an archive that
 * records the replicated log, the consensus module (Raft) and the {@link MeshManagerService} in
 * its container. Started from a {@link MeshClusterConfig}; closing it is what a crash looks like to
 * the other members (no goodbye), and launching it again on the same directories with
 * {@code cleanStart = false} recovers its state from its latest snapshot and the log after it.
 */
public final class MeshClusterMember implements AutoCloseable
{
    /** Small terms: the mesh manager's messages are a few KiB and memory is shared with the data plane. */
    private static final String INGRESS_CHANNEL = "aeron:udp?term-length=128k";
    private static final String LOG_CHANNEL = "aeron:udp?term-length=512k";
    private static final int TERM_LENGTH = 64 * 1024;
    /**
     * Snapshots go over IPC, and a message may be an eighth of a term: the snapshot carries the
     * table (up to about 122 KiB for 32 nodes, docs/mesh.md), as the egress does with its 2 MiB term.
     */
    private static final int IPC_TERM_LENGTH = 2 * 1024 * 1024;
    private static final int SEGMENT_FILE_LENGTH = 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(MeshClusterMember.class.getName());

    private final MeshClusterConfig config;
    private final ClusteredMediaDriver clusteredMediaDriver;
    private final ClusteredServiceContainer container;
    private final MeshManagerService service;
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean closed;

    private MeshClusterMember(final MeshClusterConfig config, final MeshManagerService service, final boolean cleanStart)
    {
        this.config = config;
        this.service = service;
        final String host = config.host();
        final int id = config.memberId();
        final File baseDir = config.baseDir().toFile();
        final File clusterDir = new File(baseDir, "cluster");
        final Supplier<IdleStrategy> idle = () -> new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));

        final MediaDriver.Context driver = new MediaDriver.Context()
            .aeronDirectoryName(config.aeronDirectory())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(idle.get())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(TERM_LENGTH)
            .ipcTermBufferLength(IPC_TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler("media driver"));

        final Archive.Context archive = new Archive.Context()
            .aeronDirectoryName(config.aeronDirectory())
            .archiveId(id)
            .archiveDir(new File(baseDir, "archive"))
            .controlChannel("aeron:udp?endpoint=" + config.endpoint(id, MeshClusterConfig.ARCHIVE_CONTROL))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + config.endpoint(id, MeshClusterConfig.ARCHIVE_REPLICATION))
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=" + host + ":0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(idle)
            .segmentFileLength(SEGMENT_FILE_LENGTH)
            .deleteArchiveOnStart(cleanStart)
            .errorHandler(errorHandler("archive"));

        final AeronArchive.Context localArchive = new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archive.localControlChannel())
            .controlResponseChannel(archive.localControlChannel())
            .aeronDirectoryName(config.aeronDirectory());

        final ConsensusModule.Context consensus = new ConsensusModule.Context()
            .aeronDirectoryName(config.aeronDirectory())
            .clusterMemberId(id)
            .clusterMembers(config.clusterMembers())
            .clusterDir(clusterDir)
            .ingressChannel(INGRESS_CHANNEL)
            .logChannel(LOG_CHANNEL)
            .replicationChannel("aeron:udp?endpoint=" + config.endpoint(id, MeshClusterConfig.CLUSTER_REPLICATION))
            .archiveContext(localArchive.clone())
            .leaderHeartbeatTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatTimeoutMillis()))
            .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(config.leaderHeartbeatIntervalMillis()))
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.electionTimeoutMillis()))
            .startupCanvassTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.startupCanvassTimeoutMillis()))
            .sessionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(config.sessionTimeoutMillis()))
            .idleStrategySupplier(idle)
            .deleteDirOnStart(cleanStart)
            .errorHandler(errorHandler("consensus module"));

        final ClusteredServiceContainer.Context serviceContext = new ClusteredServiceContainer.Context()
            .aeronDirectoryName(config.aeronDirectory())
            .archiveContext(localArchive.clone())
            .clusterDir(clusterDir)
            .clusteredService(service)
            .idleStrategySupplier(idle)
            .errorHandler(errorHandler("mesh manager service"));

        ClusteredMediaDriver launched = null;
        try
        {
            launched = ClusteredMediaDriver.launch(driver, archive, consensus);
            container = ClusteredServiceContainer.launch(serviceContext);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(launched);
            throw ex;
        }
        clusteredMediaDriver = launched;
    }

    /**
     * Starts a member.
     *
     * @param cleanStart true: forget what {@code baseDir} holds; false: recover from it
     */
    public static MeshClusterMember launch(final MeshClusterConfig config, final boolean cleanStart)
    {
        return new MeshClusterMember(config, new MeshManagerService(), cleanStart);
    }

    public MeshClusterConfig config()
    {
        return config;
    }

    public MeshManagerService service()
    {
        return service;
    }

    /** The consensus module's view of this member's role. */
    public Cluster.Role role()
    {
        return Cluster.Role.get(clusteredMediaDriver.consensusModule().context().clusterNodeRoleCounter());
    }

    public boolean isLeader()
    {
        return !closed && role() == Cluster.Role.LEADER;
    }

    /** Snapshots taken by this member since it started. */
    public long snapshotCount()
    {
        return clusteredMediaDriver.consensusModule().context().snapshotCounter().get();
    }

    /**
     * Asks the cluster for a snapshot (through this member's control toggle; meant for the leader,
     * which makes every member take one at the same log position).
     *
     * @return false if another control action was still pending
     */
    public boolean requestSnapshot()
    {
        final AtomicCounter toggle = ClusterControl.findControlToggle(
            clusteredMediaDriver.mediaDriver().context().countersManager(),
            clusteredMediaDriver.consensusModule().context().clusterId());
        if (toggle == null)
        {
            throw new IllegalStateException("member " + config.memberId() + " has no control toggle");
        }
        return ClusterControl.ToggleState.SNAPSHOT.toggle(toggle);
    }

    /** Errors the member's agents reported (logged as they happen), cluster events (elections) aside. */
    public long errors()
    {
        return errors.get();
    }

    public boolean isClosed()
    {
        return closed;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            // Aeron's own order: consensus first so the service is not told to act on a half-closed member.
            CloseHelper.closeAll(clusteredMediaDriver.consensusModule(), container, clusteredMediaDriver.archive(),
                clusteredMediaDriver.mediaDriver());
        }
    }

    private ErrorHandler errorHandler(final String agent)
    {
        return (final Throwable error) ->
        {
            if (error instanceof ClusterEvent)
            {
                // Elections, heartbeat timeouts: what the cluster does about a dead member, not a fault of this one.
                LOG.log(System.Logger.Level.INFO, "mesh member " + config.memberId() + " " + agent + ": " + error.getMessage());
                return;
            }
            errors.incrementAndGet();
            if (!closed)
            {
                LOG.log(System.Logger.Level.WARNING, "mesh member " + config.memberId() + " " + agent + ": " + error, error);
            }
        };
    }
}
