package io.flowlane.controlplane.mesh;

/**
 * A stream of traffic entering the mesh at one node and leaving at another, as seed 003's traffic
 * profiler sees it: how important it is, how likely it is to run into trouble, and how much of it
 * is expected. Its flows are hashed into {@link ShardPolicy#bucketsPerStream()} buckets, which
 * {@link ShardPlan} groups into shards.
 *
 * @param priority  0 = critical (placed first, on the best path); larger numbers are less important
 * @param riskScore the predicted risk of degradation, 0..1; riskier streams are cut into smaller shards
 */
public record TrafficStream(long streamId, int ingress, int egress, int priority, double riskScore, double packetsPerSecond)
{
    public static final long MAX_STREAM_ID = 0xFFFF_FFFFL;
    public static final int MAX_STREAMS = 256;

    public TrafficStream
    {
        if (streamId < 0 || streamId > MAX_STREAM_ID)
        {
            throw new MeshTopology.InvalidException("streamId", "0..2^32-1, not " + streamId);
        }
        if (ingress == egress)
        {
            throw new MeshTopology.InvalidException("egress", "stream " + streamId + ": ingress and egress are both " + ingress);
        }
        if (priority < 0 || priority > 255)
        {
            throw new MeshTopology.InvalidException("priority", "stream " + streamId + ": 0..255, not " + priority);
        }
        if (!(riskScore >= 0 && riskScore <= 1))
        {
            throw new MeshTopology.InvalidException("riskScore", "stream " + streamId + ": 0..1, not " + riskScore);
        }
        if (!(packetsPerSecond >= 0) || Double.isInfinite(packetsPerSecond))
        {
            throw new MeshTopology.InvalidException("packetsPerSecond", "stream " + streamId + ": finite and >= 0");
        }
    }

    public boolean critical()
    {
        return priority == 0;
    }
}
