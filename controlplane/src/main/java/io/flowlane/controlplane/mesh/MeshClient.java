package io.flowlane.controlplane.mesh;

import io.aeron.CommonContext;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.Header;
import io.flowlane.controlplane.sbe.AckStatus;
import io.flowlane.controlplane.sbe.MeshAckDecoder;
import io.flowlane.controlplane.sbe.MeshRouteTableDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the mesh manager's cluster (an appliance reporting its health, an operator's CLI):
 * sends the ingress messages, receives route tables and acknowledgements on egress. When the
 * leader changes, Aeron Cluster moves the session to the new leader; if the session itself was
 * lost, the next {@link #poll()} connects again. Not thread-safe: one thread calls it.
 *
 * <p>A message offered while the leader is dying can be lost (offered to the dead leader, or
 * appended but never committed), so every message with a correlation id is kept until answered and
 * sent again when a new leader is announced, when the client connects again, and every
 * {@value #RESEND_MILLIS} ms while waited for. That is safe because every mesh manager message is
 * idempotent: a repeated topology, report, link state or demand yields the same table, no new version.
 */
public final class MeshClient implements AutoCloseable
{
    /** The mesh manager's answer to one message. */
    public record Ack(long correlationId, int templateId, boolean applied, long version, String field, String reason)
    {
    }

    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RESEND_MILLIS = 2_000;
    /** Term length bounds a message at an eighth of it: a table of the largest mesh (about 120 KiB) fits with room. */
    private static final String EGRESS_CHANNEL = "aeron:udp?endpoint=localhost:0|term-length=2m";
    private static final System.Logger LOG = System.getLogger(MeshClient.class.getName());

    private final String ingressEndpoints;
    private final long timeoutNanos;
    private final MediaDriver driver;
    private final String aeronDirectory;
    private final MeshCodec codec = new MeshCodec();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16 * 1024);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MeshRouteTableDecoder tableDecoder = new MeshRouteTableDecoder();
    private final MeshAckDecoder ackDecoder = new MeshAckDecoder();
    private final Map<Long, Ack> acks = bounded();
    private final Map<Long, MeshTable> answers = bounded();
    private final Map<Long, byte[]> unanswered = bounded();
    private boolean resendDue;
    private long lastResendNanos;
    private final BackoffIdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
    private AeronCluster cluster;
    private MeshTable latest = MeshTable.EMPTY;
    private long tablesReceived;
    private long connects;
    private long nextCorrelationId = 1;
    private long lastKeepAliveNanos;

    private MeshClient(final String ingressEndpoints, final long timeoutMillis, final String aeronDirectory)
    {
        this.ingressEndpoints = ingressEndpoints;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (aeronDirectory == null)
        {
            this.aeronDirectory = CommonContext.generateRandomDirName();
            driver = MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(this.aeronDirectory)
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 1_000_000))
                .termBufferSparseFile(true).publicationTermBufferLength(128 * 1024)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        }
        else
        {
            this.aeronDirectory = aeronDirectory;
            driver = null;
        }
    }

    /**
     * Connects to the cluster.
     *
     * @param ingressEndpoints {@link MeshClusterConfig#ingressEndpoints()}
     * @param aeronDirectory   a running media driver's directory, or null to start one for this client
     * @param timeoutMillis    how long connecting, sending and waiting may take before giving up
     */
    public static MeshClient connect(final String ingressEndpoints, final String aeronDirectory, final long timeoutMillis)
    {
        final MeshClient client = new MeshClient(ingressEndpoints, timeoutMillis, aeronDirectory);
        try
        {
            client.reconnect(System.nanoTime() + client.timeoutNanos);
            return client;
        }
        catch (final RuntimeException ex)
        {
            client.close();
            throw ex;
        }
    }

    public long setTopology(final MeshTopology topology)
    {
        final long correlationId = nextCorrelationId++;
        send(correlationId, codec.encodeTopology(buffer, correlationId, topology));
        return correlationId;
    }

    /** @param correlationId 0: no acknowledgement unless refused (what an appliance reporting every second wants) */
    public void reportHealth(final long correlationId, final int nodeId, final double busyFraction, final double rxPacketsPerSecond,
        final double dropPacketsPerSecond)
    {
        send(correlationId, codec.encodeHealth(buffer, correlationId, nodeId, busyFraction, rxPacketsPerSecond, dropPacketsPerSecond));
    }

    public long reportHealth(final int nodeId, final double busyFraction, final double rxPacketsPerSecond,
        final double dropPacketsPerSecond)
    {
        final long correlationId = nextCorrelationId++;
        reportHealth(correlationId, nodeId, busyFraction, rxPacketsPerSecond, dropPacketsPerSecond);
        return correlationId;
    }

    public long linkState(final int nodeA, final int nodeB, final boolean up, final long latencyMicros, final long bandwidthMbps)
    {
        final long correlationId = nextCorrelationId++;
        send(correlationId, codec.encodeLinkState(buffer, correlationId, nodeA, nodeB, up, latencyMicros, bandwidthMbps));
        return correlationId;
    }

    public long setDemand(final List<TrafficStream> streams)
    {
        final long correlationId = nextCorrelationId++;
        send(correlationId, codec.encodeDemand(buffer, correlationId, streams));
        return correlationId;
    }

    /** Asks for the current table; {@link #awaitAnswer} returns it. */
    public long requestTable()
    {
        final long correlationId = nextCorrelationId++;
        send(correlationId, codec.encodeTableRequest(buffer, correlationId));
        return correlationId;
    }

    /** The newest table received (highest version), {@link MeshTable#EMPTY} before any. */
    public MeshTable latestTable()
    {
        return latest;
    }

    public long tablesReceived()
    {
        return tablesReceived;
    }

    /** Sessions opened, the first included: more than one means the client had to connect again. */
    public long connects()
    {
        return connects;
    }

    /** The member the client believes leads, or -1 while not connected. */
    public int leaderMemberId()
    {
        return cluster == null || cluster.isClosed() ? -1 : cluster.leaderMemberId();
    }

    /** Reads egress, keeps the session alive and connects again if it was lost. @return work done */
    public int poll()
    {
        if (cluster == null || cluster.isClosed())
        {
            reconnect(System.nanoTime() + timeoutNanos);
        }
        int work = cluster.pollEgress();
        final long now = System.nanoTime();
        if (now - lastKeepAliveNanos > KEEP_ALIVE_NANOS && cluster.sendKeepAlive())
        {
            lastKeepAliveNanos = now;
            work++;
        }
        return work;
    }

    public Ack awaitAck(final long correlationId)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!acks.containsKey(correlationId))
        {
            awaitProgress(deadline, "ack " + correlationId);
        }
        return acks.remove(correlationId);
    }

    /** The table sent in answer to {@link #requestTable()}. */
    public MeshTable awaitAnswer(final long correlationId)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!answers.containsKey(correlationId))
        {
            awaitProgress(deadline, "table answering " + correlationId);
        }
        return answers.remove(correlationId);
    }

    /** The table sent in answer to {@link #requestTable()} if it arrived (taken once), else null; does not wait. */
    public MeshTable answer(final long correlationId)
    {
        return answers.remove(correlationId);
    }

    /** Polls until the latest table satisfies the condition. */
    public MeshTable awaitTable(final Predicate<MeshTable> condition)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!condition.test(latest))
        {
            awaitProgress(deadline, "a table that satisfies the condition (latest is version " + latest.version() + ")");
        }
        return latest;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(cluster, driver);
    }

    /** Answers nobody waits for (acks of reports sent with a correlation id) are forgotten after a while. */
    private static <V> Map<Long, V> bounded()
    {
        return new LinkedHashMap<>()
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, V> eldest)
            {
                return size() > 1024;
            }
        };
    }

    private void awaitProgress(final long deadline, final String what)
    {
        final long now = System.nanoTime();
        if (now > deadline)
        {
            throw new IllegalStateException("mesh manager: timed out waiting for " + what);
        }
        idle.idle(poll());
        if (resendDue || now - lastResendNanos > TimeUnit.MILLISECONDS.toNanos(RESEND_MILLIS))
        {
            resendDue = false;
            lastResendNanos = now;
            for (final byte[] message : List.copyOf(unanswered.values()))
            {
                buffer.putBytes(0, message);
                offer(message.length);
            }
        }
    }

    private void send(final long correlationId, final int length)
    {
        if (correlationId != 0)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(0, copy);
            unanswered.put(correlationId, copy);
        }
        lastResendNanos = System.nanoTime();
        offer(length);
    }

    private void offer(final int length)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        idle.reset();
        while (true)
        {
            if (cluster == null || cluster.isClosed())
            {
                reconnect(deadline);
            }
            final long result = cluster.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("mesh manager: could not send (" + io.aeron.Publication.errorString(result) + ")");
            }
            // Not connected or back pressured, e.g. during an election: egress brings the new leader.
            idle.idle(cluster.pollEgress());
        }
    }

    private void reconnect(final long deadline)
    {
        CloseHelper.quietClose(cluster);
        cluster = null;
        while (true)
        {
            try
            {
                cluster = AeronCluster.connect(new AeronCluster.Context()
                    .aeronDirectoryName(aeronDirectory)
                    .ingressEndpoints(ingressEndpoints)
                    .ingressChannel("aeron:udp?term-length=128k")
                    .egressChannel(EGRESS_CHANNEL)
                    .messageTimeoutNs(Math.min(timeoutNanos, TimeUnit.SECONDS.toNanos(5)))
                    .egressListener(new Listener()));
                connects++;
                lastKeepAliveNanos = System.nanoTime();
                resendDue = true;
                return;
            }
            catch (final AeronException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
                LOG.log(System.Logger.Level.INFO, "mesh manager: connecting again after " + ex.getMessage());
            }
        }
    }

    private final class Listener implements EgressListener
    {
        @Override
        public void onMessage(final long clusterSessionId, final long timestamp, final DirectBuffer message, final int offset,
            final int length, final Header header)
        {
            headerDecoder.wrap(message, offset);
            if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
            {
                return;
            }
            switch (headerDecoder.templateId())
            {
                case MeshRouteTableDecoder.TEMPLATE_ID ->
                {
                    tableDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    final long correlationId = tableDecoder.correlationId();
                    final MeshTable table = MeshCodec.decodeTable(tableDecoder);
                    tablesReceived++;
                    if (table.version() >= latest.version())
                    {
                        latest = table;
                    }
                    if (correlationId != 0 && unanswered.remove(correlationId) != null)
                    {
                        answers.put(correlationId, table);
                    }
                }
                case MeshAckDecoder.TEMPLATE_ID ->
                {
                    ackDecoder.wrapAndApplyHeader(message, offset, headerDecoder);
                    unanswered.remove(ackDecoder.correlationId());
                    acks.put(ackDecoder.correlationId(), new Ack(ackDecoder.correlationId(), ackDecoder.templateId(),
                        ackDecoder.status() == AckStatus.APPLIED, ackDecoder.version(), ackDecoder.field(), ackDecoder.reason()));
                }
                default ->
                {
                }
            }
        }

        @Override
        public void onNewLeader(final long clusterSessionId, final long leadershipTermId, final int leaderMemberId,
            final String ingressEndpoints)
        {
            resendDue = true;
        }
    }
}
