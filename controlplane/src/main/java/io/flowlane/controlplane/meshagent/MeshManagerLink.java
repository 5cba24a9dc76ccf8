package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.mesh.MeshClient;
import io.flowlane.controlplane.mesh.MeshCost;
import io.flowlane.controlplane.mesh.MeshState;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.mesh.MeshTopology;
import io.flowlane.controlplane.mesh.NodeHealth;
import io.flowlane.controlplane.mesh.ShardPolicy;

/**
 * What the mesh agent needs of the mesh manager: give it the topology and the nodes' health, and
 * read the table it computes. {@link #cluster} is the real one (the replicated manager on Aeron
 * Cluster, through {@link MeshClient}); {@link #local} runs the same state machine in this process
 * with this process's clock, for a mesh without a manager cluster (a drill on one host, a test).
 */
public interface MeshManagerLink extends AutoCloseable
{
    /** Replaces the topology; returns once the manager applied it. */
    void setTopology(MeshTopology topology);

    /** One node's health over its last interval (no answer is awaited). */
    void reportHealth(int nodeId, double busyFraction, double rxPacketsPerSecond, double dropPacketsPerSecond);

    /** Does what is due (reads the manager's broadcasts; judges silence); returns the newest table. */
    MeshTable poll();

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
            public void close()
            {
                client.close();
            }
        };
    }

    /** The manager's state machine in this process, on this process's clock: not replicated, not highly available. */
    static MeshManagerLink local(final MeshCost cost)
    {
        final MeshState state = new MeshState(cost, ShardPolicy.DEFAULT);
        final long origin = System.nanoTime();
        final java.util.function.LongSupplier millis = () -> (System.nanoTime() - origin) / 1_000_000;
        return new MeshManagerLink()
        {
            @Override
            public void setTopology(final MeshTopology topology)
            {
                state.setTopology(topology, millis.getAsLong());
            }

            @Override
            public void reportHealth(final int nodeId, final double busyFraction, final double rxPacketsPerSecond,
                final double dropPacketsPerSecond)
            {
                state.reportHealth(new NodeHealth(nodeId, busyFraction, rxPacketsPerSecond, dropPacketsPerSecond, millis.getAsLong()));
            }

            @Override
            public MeshTable poll()
            {
                state.tick(millis.getAsLong());
                return state.table();
            }

            @Override
            public void close()
            {
            }
        };
    }
}
