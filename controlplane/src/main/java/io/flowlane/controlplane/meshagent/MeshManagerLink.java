package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.mesh.MeshClient;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.mesh.MeshTopology;
import io.flowlane.controlplane.mesh.TrafficStream;

import java.util.List;

/**
 * What the mesh agent needs of the mesh manager: give it the topology and the nodes' health, and
 * read the table it computes. {@link #cluster} is the replicated manager on Aeron Cluster, reached
 * through {@link MeshClient}; a test could put another behind it (MeshState itself, on a clock).
 */
public interface MeshManagerLink extends AutoCloseable
{
    /** Replaces the topology; returns once the manager applied it. */
    void setTopology(MeshTopology topology);

    /** Replaces the streams the manager cuts into shards; returns once the manager applied them. */
    void setDemand(List<TrafficStream> streams);

    /** One node's health over its last interval (no answer is awaited). */
    void reportHealth(int nodeId, double busyFraction, double rxPacketsPerSecond, double dropPacketsPerSecond);

    /** Reads what the manager sent (its broadcasts) and keeps the link alive; returns the newest table. */
    MeshTable poll();

    /** Asks for the current table without waiting; {@link #answer} has it once it arrived. */
    long requestTable();

    /** The table that answered {@link #requestTable()}, or null while none arrived. */
    MeshTable answer(long correlationId);

    /** The manager member the link believes leads, or -1. */
    int leaderMemberId();

    @Override
    void close();

    /** The mesh manager's cluster, reached through a client connected to it (closed with this link). */
    static MeshManagerLink cluster(final MeshClient client)
    {
        return new MeshManagerLink()
        {
            @Override
            public void setTopology(final MeshTopology topology)
            {
                final MeshClient.Ack ack = client.awaitAck(client.setTopology(topology));
                if (!ack.applied())
                {
                    throw new IllegalStateException("mesh manager refused the topology: " + ack.field() + ": " + ack.reason());
                }
            }

            @Override
            public void setDemand(final List<TrafficStream> streams)
            {
                final MeshClient.Ack ack = client.awaitAck(client.setDemand(streams));
                if (!ack.applied())
                {
                    throw new IllegalStateException("mesh manager refused the streams: " + ack.field() + ": " + ack.reason());
                }
            }

            @Override
            public void reportHealth(final int nodeId, final double busyFraction, final double rxPacketsPerSecond,
                final double dropPacketsPerSecond)
            {
                client.reportHealth(0, nodeId, busyFraction, rxPacketsPerSecond, dropPacketsPerSecond);
            }

            @Override
            public MeshTable poll()
            {
                client.poll();
                return client.latestTable();
            }

            @Override
            public long requestTable()
            {
                return client.requestTable();
            }

            @Override
            public MeshTable answer(final long correlationId)
            {
                return client.answer(correlationId);
            }

            @Override
            public int leaderMemberId()
            {
                return client.leaderMemberId();
            }

            @Override
            public void close()
            {
                client.close();
            }
        };
    }
}
