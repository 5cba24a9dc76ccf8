package io.flowlane.controlplane.mesh;

/**
 * A node's report of its load and losses over its last interval (seed 000's "real-time performance
 * statistics shared with the control plane"), as the mesh manager received it.
 *
 * @param busyFraction     busy cycles over all cycles of the node's workers, 0..1 (its utilisation)
 * @param receivedAtMillis cluster time at which the report was committed
 */
public record NodeHealth(int nodeId, double busyFraction, double rxPacketsPerSecond, double dropPacketsPerSecond,
    long receivedAtMillis)
{
    public NodeHealth
    {
        if (!(busyFraction >= 0 && busyFraction <= 1))
        {
            throw new MeshTopology.InvalidException("busyFraction", "0..1, not " + busyFraction);
        }
        if (!(rxPacketsPerSecond >= 0) || Double.isInfinite(rxPacketsPerSecond))
        {
            throw new MeshTopology.InvalidException("rxPacketsPerSecond", "finite and >= 0, not " + rxPacketsPerSecond);
        }
        if (!(dropPacketsPerSecond >= 0) || Double.isInfinite(dropPacketsPerSecond))
        {
            throw new MeshTopology.InvalidException("dropPacketsPerSecond", "finite and >= 0, not " + dropPacketsPerSecond);
        }
    }

    /** Dropped over offered (received + dropped) packets, 0 when nothing was offered. */
    public double lossRatio()
    {
        final double offered = rxPacketsPerSecond + dropPacketsPerSecond;
        return offered > 0 ? dropPacketsPerSecond / offered : 0;
    }
}
