package io.flowlane.controlplane.mesh;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.aeron.FragmentAssembler;
import io.flowlane.controlplane.sbe.BooleanType;
import io.flowlane.controlplane.sbe.MeshLinkStateDecoder;
import io.flowlane.controlplane.sbe.MeshNodeHealthDecoder;
import io.flowlane.controlplane.sbe.MeshRouteTableDecoder;
import io.flowlane.controlplane.sbe.MeshSnapshotDecoder;
import io.flowlane.controlplane.sbe.MeshTableRequestDecoder;
import io.flowlane.controlplane.sbe.MeshTopologySetDecoder;
import io.flowlane.controlplane.sbe.MeshTrafficDemandDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The mesh manager as a replicated state machine on Aeron Cluster: its state ({@link MeshState})
 * changes only through committed ingress messages (MeshTopologySet, MeshNodeHealth, MeshLinkState,
 * MeshTrafficDemand) and its own staleness timer, each applied with the log's cluster time, so
 * every member holds the same table at the same log position. After each change that alters the
 * table, the leader broadcasts it (MeshRouteTable) to every connected client; followers' offers
 * are no-ops, which is how Aeron Cluster keeps egress single.
 *
 * <p>A snapshot is the topology and demand as their own ingress messages followed by a
 * MeshSnapshot with the reports and the table's version and digest; loading one recomputes the
 * table and checks the digest.
 */
public final class MeshManagerService implements ClusteredService
{
    /** The staleness timer's correlation id (the service has no other timer). */
    static final long SILENCE_TIMER = 1;
    /** Attempts at an egress offer before a client is left to ask again (MeshTableRequest). */
    private static final int EGRESS_ATTEMPTS = 1000;
    private static final System.Logger LOG = System.getLogger(MeshManagerService.class.getName());

    private final MeshState state;
    private final MeshCodec codec = new MeshCodec();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64 * 1024);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MeshTopologySetDecoder topologyDecoder = new MeshTopologySetDecoder();
    private final MeshNodeHealthDecoder healthDecoder = new MeshNodeHealthDecoder();
    private final MeshLinkStateDecoder linkDecoder = new MeshLinkStateDecoder();
    private final MeshTrafficDemandDecoder demandDecoder = new MeshTrafficDemandDecoder();
    private final MeshTableRequestDecoder requestDecoder = new MeshTableRequestDecoder();
    private final MeshSnapshotDecoder snapshotDecoder = new MeshSnapshotDecoder();
    private final MeshRouteTableDecoder tableDecoder = new MeshRouteTableDecoder();
    private Cluster cluster;
    private long timerDeadlineMillis = -1;
    private volatile MeshTable published = MeshTable.EMPTY;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile boolean loadedSnapshot;

    public MeshManagerService(final MeshCost cost, final ShardPolicy shardPolicy)
    {
        state = new MeshState(cost, shardPolicy);
    }

    public MeshManagerService()
    {
        this(MeshCost.DEFAULT, ShardPolicy.DEFAULT);
    }

    /** The latest table, safe to read from any thread. */
    public MeshTable table()
    {
        return published;
    }

    public Cluster.Role role()
    {
        return role;
    }

    /** Whether this service started from a snapshot (rather than from the beginning of the log). */
    public boolean loadedSnapshot()
    {
        return loadedSnapshot;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        if (snapshotImage != null)
        {
            loadSnapshot(snapshotImage);
            loadedSnapshot = true;
        }
        published = state.table();
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
        if (state.table().version() > 0)
        {
            send(session, codec.encodeTable(buffer, 0, state.table()));
        }
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
    }

    @Override
    public void onSessionMessage(final ClientSession session, final long timestamp, final DirectBuffer message, final int offset,
        final int length, final Header header)
    {
        final long nowMillis = cluster.timeUnit().toMillis(timestamp);
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(message, offset);
        final int templateId = headerDecoder.templateId();
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        long correlationId = 0;
        try
        {
            final boolean changed;
            switch (templateId)
            {
                case MeshTopologySetDecoder.TEMPLATE_ID ->
                {
                    topologyDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    correlationId = topologyDecoder.correlationId();
                    changed = state.setTopology(MeshCodec.decodeTopology(topologyDecoder), nowMillis);
                }
                case MeshNodeHealthDecoder.TEMPLATE_ID ->
                {
                    healthDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    correlationId = healthDecoder.correlationId();
                    changed = state.reportHealth(MeshCodec.decodeHealth(healthDecoder, nowMillis));
                }
                case MeshLinkStateDecoder.TEMPLATE_ID ->
                {
                    linkDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    correlationId = linkDecoder.correlationId();
                    changed = state.linkState(linkDecoder.nodeA(), linkDecoder.nodeB(), linkDecoder.up() == BooleanType.TRUE,
                        linkDecoder.latencyMicros(), linkDecoder.bandwidthMbps(), nowMillis);
                }
                case MeshTrafficDemandDecoder.TEMPLATE_ID ->
                {
                    demandDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    correlationId = demandDecoder.correlationId();
                    changed = state.setDemand(MeshCodec.decodeDemand(demandDecoder), nowMillis);
                }
                case MeshTableRequestDecoder.TEMPLATE_ID ->
                {
                    requestDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    send(session, codec.encodeTable(buffer, requestDecoder.correlationId(), state.table()));
                    return;
                }
                default ->
                {
                    reject(session, 0, templateId, "templateId", "not a mesh manager message");
                    return;
                }
            }
            if (changed)
            {
                published = state.table();
                broadcast();
            }
            scheduleSilenceTimer(nowMillis);
            if (correlationId != 0)
            {
                send(session, codec.encodeAck(buffer, correlationId, templateId, true, state.table().version(), "", ""));
            }
        }
        catch (final MeshTopology.InvalidException ex)
        {
            reject(session, correlationId, templateId, ex.field(), ex.getMessage());
        }
        catch (final IndexOutOfBoundsException ex)
        {
            // Every member reads the same bytes and refuses them alike: the state is untouched.
            reject(session, correlationId, templateId, "length", "malformed: " + ex.getMessage());
        }
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        final long nowMillis = cluster.timeUnit().toMillis(timestamp);
        timerDeadlineMillis = -1;
        if (state.tick(nowMillis))
        {
            published = state.table();
            broadcast();
        }
        scheduleSilenceTimer(nowMillis);
    }

    /**
     * In the log: every member sees it at the same position, with the new leader's time. Restarts the
     * nodes' silence clocks ({@link MeshState#leaderChanged}).
     */
    @Override
    public void onNewLeadershipTermEvent(final long leadershipTermId, final long logPosition, final long timestamp,
        final long termBaseLogPosition, final int leaderMemberId, final int logSessionId, final TimeUnit timeUnit,
        final int appVersion)
    {
        final long nowMillis = timeUnit.toMillis(timestamp);
        if (state.leaderChanged(nowMillis))
        {
            published = state.table();
            broadcast();
        }
        scheduleSilenceTimer(nowMillis);
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication snapshot)
    {
        if (state.topology() != null)
        {
            offer(snapshot, codec.encodeTopology(buffer, 0, state.topology()));
            offer(snapshot, codec.encodeDemand(buffer, 0, state.demand()));
            // The table too: its shard plan follows the plans before it, which the inputs alone do not give.
            offer(snapshot, codec.encodeTable(buffer, 0, state.table()));
        }
        offer(snapshot, codec.encodeSnapshot(buffer, state, timerDeadlineMillis));
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
    }

    private void scheduleSilenceTimer(final long nowMillis)
    {
        final long next = state.nextSilenceAfter(nowMillis);
        if (next == Long.MAX_VALUE)
        {
            if (timerDeadlineMillis != -1)
            {
                cluster.cancelTimer(SILENCE_TIMER);
                timerDeadlineMillis = -1;
            }
        }
        else if (next != timerDeadlineMillis)
        {
            // Rescheduling the same correlation id moves the timer; the consensus module keeps it across elections.
            cluster.scheduleTimer(SILENCE_TIMER, cluster.timeUnit().convert(next, TimeUnit.MILLISECONDS));
            timerDeadlineMillis = next;
        }
    }

    private void broadcast()
    {
        final int length = codec.encodeTable(buffer, 0, state.table());
        for (final ClientSession session : cluster.clientSessions())
        {
            send(session, length);
        }
    }

    private void reject(final ClientSession session, final long correlationId, final int templateId, final String field,
        final String reason)
    {
        send(session, codec.encodeAck(buffer, correlationId, templateId, false, state.table().version(), field, reason));
    }

    /** Egress is best effort: a client that missed a table asks for it (MeshTableRequest). */
    private void send(final ClientSession session, final int length)
    {
        try
        {
            for (int attempt = 0; attempt < EGRESS_ATTEMPTS; attempt++)
            {
                final long result = session.offer(buffer, 0, length);
                if (result > 0 || result == ClientSession.MOCKED_OFFER || result == Publication.CLOSED ||
                    result == Publication.NOT_CONNECTED || result == Publication.MAX_POSITION_EXCEEDED)
                {
                    return;
                }
                cluster.idleStrategy().idle();
            }
            LOG.log(System.Logger.Level.WARNING, "egress to session {0} stayed back pressured; table not sent", session.id());
        }
        catch (final IllegalArgumentException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "egress message of {0} bytes too long for session {1}: {2}", length, session.id(),
                ex.getMessage());
        }
    }

    private void offer(final ExclusivePublication publication, final int length)
    {
        while (true)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("snapshot publication refused: " + Publication.errorString(result));
            }
            cluster.idleStrategy().idle();
        }
    }

    private void loadSnapshot(final Image image)
    {
        final SnapshotReader reader = new SnapshotReader();
        final FragmentAssembler assembler = new FragmentAssembler(reader);
        while (!reader.done)
        {
            final int fragments = image.poll(assembler, 16);
            if (fragments == 0 && !reader.done)
            {
                if (image.isClosed() || image.isEndOfStream())
                {
                    throw new IllegalStateException("the snapshot ended before its MeshSnapshot message");
                }
                cluster.idleStrategy().idle();
            }
        }
    }

    private final class SnapshotReader implements FragmentHandler
    {
        private MeshTopology topology;
        private List<TrafficStream> demand = List.of();
        private MeshTable table;
        private boolean done;

        @Override
        public void onFragment(final DirectBuffer message, final int offset, final int length, final Header header)
        {
            headerDecoder.wrap(message, offset);
            switch (headerDecoder.templateId())
            {
                case MeshTopologySetDecoder.TEMPLATE_ID ->
                    topology = MeshCodec.decodeTopology(topologyDecoder.wrapAndApplyHeader(message, offset, headerDecoder));
                case MeshTrafficDemandDecoder.TEMPLATE_ID ->
                    demand = MeshCodec.decodeDemand(demandDecoder.wrapAndApplyHeader(message, offset, headerDecoder));
                case MeshRouteTableDecoder.TEMPLATE_ID ->
                    table = MeshCodec.decodeTable(tableDecoder.wrapAndApplyHeader(message, offset, headerDecoder));
                case MeshSnapshotDecoder.TEMPLATE_ID ->
                {
                    snapshotDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    final long version = snapshotDecoder.version();
                    final long computedAt = snapshotDecoder.computedAtMillis();
                    final long topologySetAt = snapshotDecoder.topologySetAtMillis();
                    final long digest = snapshotDecoder.digest();
                    final long evaluatedAt = snapshotDecoder.evaluatedAtMillis();
                    final long deadline = snapshotDecoder.timerDeadlineMillis();
                    final List<NodeHealth> reports = new ArrayList<>();
                    for (final MeshSnapshotDecoder.HealthDecoder report : snapshotDecoder.health())
                    {
                        reports.add(new NodeHealth(report.nodeId(), report.busyFraction(), report.rxPacketsPerSecond(),
                            report.dropPacketsPerSecond(), report.receivedAtMillis()));
                    }
                    state.restore(topology, topologySetAt, reports, demand, version, computedAt, evaluatedAt, digest, table);
                    timerDeadlineMillis = deadline;
                    done = true;
                }
                default -> throw new IllegalStateException("unexpected message " + headerDecoder.templateId() + " in a mesh snapshot");
            }
        }
    }
}
