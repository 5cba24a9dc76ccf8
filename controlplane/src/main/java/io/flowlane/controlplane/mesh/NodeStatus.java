package io.flowlane.controlplane.mesh;

/**
 * What the route computation knows of a node: its health score and utilisation (both quantised to
 * hundredths, so that reports differing in noise only leave the table unchanged) and whether it may
 * carry traffic at all.
 *
 * @param usable false when its health is below {@link MeshCost#healthThreshold()} or it went silent:
 *               no path passes through or ends at it
 */
public record NodeStatus(int nodeId, double health, double utilisation, boolean usable)
{
    /** A node that has not reported yet: assumed idle and healthy. */
    public static NodeStatus unreported(final int nodeId)
    {
        return new NodeStatus(nodeId, 1.0, 0.0, true);
    }

    /** A node whose reports stopped: dead. */
    public static NodeStatus silent(final int nodeId)
    {
        return new NodeStatus(nodeId, 0.0, 0.0, false);
    }

    static double hundredths(final double value)
    {
        return Math.round(value * 100) / 100.0;
    }
}
