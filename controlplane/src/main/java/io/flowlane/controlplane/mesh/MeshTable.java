package io.flowlane.controlplane.mesh;

import java.util.List;

/**
 * One committed version of the mesh manager's output: the nodes' status, the global routes and the
 * shard plan, as broadcast to clients ({@code MeshRouteTable}).
 *
 * @param version          grows by one whenever the content changes; 0 before any topology
 * @param computedAtMillis cluster time of the change that made this version
 * @param digest           {@link MeshCodec#digest} of the content: equal digests, equal tables
 */
public record MeshTable(long version, long computedAtMillis, List<NodeStatus> nodes, GlobalRoutes routes, ShardPlan shards,
    long digest)
{
    public static final MeshTable EMPTY = new MeshTable(0, 0, List.of(), new GlobalRoutes(List.of(), List.of()),
        ShardPlan.empty(), 0);

    public MeshTable
    {
        nodes = List.copyOf(nodes);
    }

    /** Same nodes, routes and shards, whatever the versions. */
    public boolean sameContent(final MeshTable other)
    {
        return nodes.equals(other.nodes) && routes.equals(other.routes) && shards.equals(other.shards);
    }

    /** The status of one node, or null. */
    public NodeStatus node(final int nodeId)
    {
        for (final NodeStatus node : nodes)
        {
            if (node.nodeId() == nodeId)
            {
                return node;
            }
        }
        return null;
    }
}
