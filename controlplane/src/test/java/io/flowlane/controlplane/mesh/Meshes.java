package io.flowlane.controlplane.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small meshes for the tests: the diamond A-B-D / A-C-D of the brief, plus a node E on a long detour. */
final class Meshes
{
    static final int A = 1;
    static final int B = 2;
    static final int C = 3;
    static final int D = 4;
    static final int E = 5;

    private Meshes()
    {
    }

    /** A-B-D and A-C-D, 100 us links at 10 Gbit/s; A-E-D a 400 us detour; nodes forward 10 Mpps. */
    static MeshTopology diamond()
    {
        return new MeshTopology.Builder()
            .node(A, "a", 10_000_000).node(B, "b", 10_000_000).node(C, "c", 10_000_000).node(D, "d", 10_000_000)
            .node(E, "e", 10_000_000)
            .link(A, B, 100, 10_000).link(B, D, 100, 10_000)
            .link(A, C, 100, 10_000).link(C, D, 100, 10_000)
            .link(A, E, 400, 10_000).link(E, D, 400, 10_000)
            .maxPaths(3).build();
    }

    /** Every node unreported (healthy, idle) except those given. */
    static List<NodeStatus> statuses(final MeshTopology topology, final Map<Integer, NodeHealth> reports)
    {
        final List<NodeStatus> statuses = new ArrayList<>();
        for (final MeshTopology.Node node : topology.nodes())
        {
            statuses.add(MeshCost.DEFAULT.status(node.id(), reports.get(node.id())));
        }
        return statuses;
    }

    static GlobalRoutes routes(final MeshTopology topology, final Map<Integer, NodeHealth> reports)
    {
        return GlobalRoutes.compute(topology, statuses(topology, reports), MeshCost.DEFAULT);
    }

    static NodeHealth report(final int node, final double busy, final double rx, final double drops)
    {
        return new NodeHealth(node, busy, rx, drops, 0);
    }
}
