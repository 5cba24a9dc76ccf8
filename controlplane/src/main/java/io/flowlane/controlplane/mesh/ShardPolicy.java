package io.flowlane.controlplane.mesh;

/**
 * Seed 003's shard manager policies, explicit:
 *
 * <pre>
 *   buckets(risk)  = largest power of two &lt;= maxShardBuckets / (1 + riskGain * risk), within [minShardBuckets, maxShardBuckets]
 *                    then halved while the shard's share of the stream exceeds maxShardLoad of its best path's capacity
 *   path capacity  = min over its nodes of capacityPps * health, and over its links of bandwidth / meanPacketBits
 *   a placement fits when every node and link of the path stays at or under pathLoadCap of its capacity
 * </pre>
 *
 * With the defaults a calm stream (risk 0) is cut into 4 shards of 64 buckets and a risky one
 * (risk 0.5 and above) into 64 shards of 4: a degradation then moves or hurts a sixteenth as much
 * of it at a time.
 *
 * @param bucketsPerStream  flow-hash buckets of a stream, a power of two (256)
 * @param maxShardBuckets   the largest shard (64 buckets, a quarter of a stream)
 * @param minShardBuckets   the smallest shard (4 buckets)
 * @param riskGain          how fast shards shrink with risk
 * @param maxShardLoad      largest share of its best path's capacity one shard may carry (0.25)
 * @param pathLoadCap       utilisation of a node or link placements may reach (0.8: headroom for bursts)
 * @param meanPacketBits    converts a link's bandwidth to packets per second (500 B, between IMIX's mean and 1500 B)
 */
public record ShardPolicy(int bucketsPerStream, int maxShardBuckets, int minShardBuckets, double riskGain,
    double maxShardLoad, double pathLoadCap, double meanPacketBits)
{
    public static final ShardPolicy DEFAULT = new ShardPolicy(256, 64, 4, 15, 0.25, 0.8, 4000);

    public ShardPolicy
    {
        if (Integer.bitCount(bucketsPerStream) != 1 || Integer.bitCount(maxShardBuckets) != 1 ||
            Integer.bitCount(minShardBuckets) != 1 || minShardBuckets > maxShardBuckets || maxShardBuckets > bucketsPerStream)
        {
            throw new IllegalArgumentException("bucket counts are powers of two, min <= max <= per stream");
        }
    }

    /** Shard size for a risk score, before the load cap: shrinks as risk grows. */
    public int bucketsFor(final double riskScore)
    {
        final double wanted = maxShardBuckets / (1 + riskGain * riskScore);
        final int power = Integer.highestOneBit((int)Math.max(1, Math.floor(wanted)));
        return Math.max(minShardBuckets, Math.min(maxShardBuckets, power));
    }

    /** The bucket of a flow hash (the hash's low bits; the data plane's flow hash mixes them). */
    public int bucketOf(final int flowHash)
    {
        return flowHash & (bucketsPerStream - 1);
    }
}
