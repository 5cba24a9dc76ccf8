package io.flowlane.controlplane.mesh;

/**
 * Seed 000's health score and seed 003's cost function over latency, bandwidth and processing
 * capacity, with every weight explicit. Costs are in microsecond-equivalents, so that each term
 * reads as a delay a packet would see:
 *
 * <pre>
 *   health(v)   = max(0, 1 - max(0, busy - busyKnee) / (1 - busyKnee)) * max(0, 1 - loss / lossCeiling)
 *   link(u, v)  = latencyWeight * latencyMicros + bandwidthWeight * referenceFrameBits / bandwidthMbps
 *   node(v)     = queueWeight * (1e6 / capacityPps) / (1 - min(utilisation, maxUtilisation))
 *               + healthPenaltyMicros * (1 - health)
 *   edge(u → v) = link(u, v) + node(v)          a path costs the sum of its edges
 * </pre>
 *
 * The bandwidth term is the time to serialise one reference frame on the link; the node term is
 * an M/M/1 sojourn time of {@code queueWeight} packets (one burst ahead of ours), which grows as
 * the node's headroom {@code 1 - utilisation} shrinks; the health term steers around a node that
 * drops packets before it is excluded. A node below {@code healthThreshold} is not used at all.
 * The health score is HealthMonitor's worker score without its mbuf and novelty factors (busy knee
 * 0.8, 1 % loss is zero health), so that a worker and a node degrade alike.
 *
 * @param latencyWeight       per microsecond of link latency
 * @param bandwidthWeight     per microsecond a reference frame takes on the link
 * @param referenceFrameBits  the reference frame, 1500 B
 * @param queueWeight         packets queued ahead of ours at a node (a burst of 32)
 * @param maxUtilisation      utilisation is capped here so that a saturated node costs a lot, not infinity
 * @param healthPenaltyMicros what entering a node of health 0 adds; health 0.5 adds half
 * @param healthThreshold     nodes below this health carry no traffic
 * @param busyKnee            utilisation up to which a node keeps full health
 * @param lossCeiling         loss ratio at which health reaches 0
 * @param stretch             paths (and next hops) costlier than stretch times the best carry no share (weight 0, standby)
 * @param extraCandidates     loop-free candidates Yen's search examines beyond maxPaths when node-disjoint paths run out
 */
public record MeshCost(
    double latencyWeight,
    double bandwidthWeight,
    double referenceFrameBits,
    double queueWeight,
    double maxUtilisation,
    double healthPenaltyMicros,
    double healthThreshold,
    double busyKnee,
    double lossCeiling,
    double stretch,
    int extraCandidates)
{
    /** The weights the mesh manager runs with; every cluster member must use the same ones. */
    public static final MeshCost DEFAULT = new MeshCost(1.0, 1.0, 12_000, 32, 0.95, 200, 0.25, 0.8, 0.01, 2.0, 3);

    /** Seed 000's health score in [0, 1] from utilisation and loss, quantised to hundredths. */
    public double healthScore(final NodeHealth report)
    {
        final double busy = Math.max(0, report.busyFraction() - busyKnee) / (1 - busyKnee);
        final double load = Math.max(0, 1 - busy);
        final double loss = Math.max(0, 1 - report.lossRatio() / lossCeiling);
        return NodeStatus.hundredths(load * loss);
    }

    /** A node's status from its latest report (null: none yet). */
    public NodeStatus status(final int nodeId, final NodeHealth report)
    {
        if (report == null)
        {
            return NodeStatus.unreported(nodeId);
        }
        final double health = healthScore(report);
        return new NodeStatus(nodeId, health, NodeStatus.hundredths(report.busyFraction()), health >= healthThreshold);
    }

    public double linkCost(final MeshTopology.Link link)
    {
        return latencyWeight * link.latencyMicros() + bandwidthWeight * referenceFrameBits / link.bandwidthMbps();
    }

    /** The cost of entering (transiting or ending at) a node. */
    public double nodeCost(final MeshTopology.Node node, final NodeStatus status)
    {
        final double serviceMicros = 1e6 / node.capacityPacketsPerSecond();
        final double headroom = 1 - Math.min(status.utilisation(), maxUtilisation);
        return queueWeight * serviceMicros / headroom + healthPenaltyMicros * (1 - status.health());
    }
}
