package io.flowlane.controlplane.mesh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Seed 003's shard manager and predictive router over the mesh: each stream's flow-hash buckets
 * are cut into shards, smaller the riskier the stream (its own risk score, or the degradation of
 * the nodes it goes through: {@link #predictedRisk}), and every shard is placed on one of its
 * stream's paths ({@link GlobalRoutes}):
 *
 * <ol>
 *   <li>shards are placed in order of priority (critical first), then risk (riskiest first), then id,
 *       so important traffic gets the room before anything else takes it;</li>
 *   <li>a critical shard goes on the cheapest of its paths that has room;</li>
 *   <li>other shards are spread over the paths carrying a share (weight &gt; 0) in proportion to
 *       their weights (weighted round robin over shard counts), skipping paths without room, then
 *       over the standby paths;</li>
 *   <li>"room" means every node and link of the path stays within {@link ShardPolicy#pathLoadCap()}
 *       of its capacity with the shard's predicted load added; a shard that fits nowhere goes on the
 *       least loaded path and is marked over-committed (seed 000's cue to scale the mesh out).</li>
 * </ol>
 *
 * Deterministic: the same streams, table and node status give the same plan on every member.
 */
public final class ShardPlan
{
    /** A shard's pathIndex when its pair has no path. */
    public static final int NO_PATH = -1;

    /**
     * A group of one stream's buckets, {@code [firstBucket, firstBucket + bucketCount)}, placed on
     * path {@code pathIndex} of {@code routes.paths(ingress, egress)}.
     *
     * @param shardId streamId * bucketsPerStream + firstBucket: unique and stable while the stream's shard size is
     */
    public record Shard(long shardId, long streamId, int ingress, int egress, int firstBucket, int bucketCount,
        int priority, double riskScore, double packetsPerSecond, int pathIndex, boolean overCommitted)
    {
    }

    private final List<Shard> shards;

    public ShardPlan(final List<Shard> shards)
    {
        this.shards = List.copyOf(shards);
    }

    public static ShardPlan empty()
    {
        return new ShardPlan(List.of());
    }

    /** Every shard, ordered by (stream, first bucket). */
    public List<Shard> shards()
    {
        return shards;
    }

    /** The shard holding a bucket of a stream, or null. */
    public Shard shardOf(final long streamId, final int bucket)
    {
        for (final Shard shard : shards)
        {
            if (shard.streamId() == streamId && bucket >= shard.firstBucket() && bucket < shard.firstBucket() + shard.bucketCount())
            {
                return shard;
            }
        }
        return null;
    }

    /** Predicted packets per second the placed shards put on each node, by node id. */
    public TreeMap<Integer, Double> nodeLoads(final GlobalRoutes routes)
    {
        final TreeMap<Integer, Double> loads = new TreeMap<>();
        for (final Shard shard : shards)
        {
            if (shard.pathIndex() != NO_PATH)
            {
                for (final int node : routes.paths(shard.ingress(), shard.egress()).get(shard.pathIndex()).nodes())
                {
                    loads.merge(node, shard.packetsPerSecond(), Double::sum);
                }
            }
        }
        return loads;
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ShardPlan that && shards.equals(that.shards);
    }

    @Override
    public int hashCode()
    {
        return shards.hashCode();
    }

    @Override
    public String toString()
    {
        return shards.toString();
    }

    /** {@link #place(List, MeshTopology, List, GlobalRoutes, ShardPolicy, MeshTable)} from nothing. */
    public static ShardPlan place(final List<TrafficStream> streams, final MeshTopology topology, final List<NodeStatus> statuses,
        final GlobalRoutes routes, final ShardPolicy policy)
    {
        return place(streams, topology, statuses, routes, policy, MeshTable.EMPTY);
    }

    /**
     * Cuts and places the streams' shards. A non-critical shard stays where {@code previous} had it
     * (the same buckets, on a path with the same nodes) while that path still carries a share, has
     * room, and holds no more than its share of the stream's shards (largest remainder of the
     * weights); the others are then spread as from nothing. So a change of the paths' weights moves
     * the fewest shards that makes the counts follow it, and a flow changes path only when it must;
     * from nothing, weighted round robin would reshuffle shards at every wobble of the weights.
     *
     * @param statuses one per node of the topology, in its order
     * @param previous the table this one follows (its routes and shards), {@link MeshTable#EMPTY} for none
     */
    public static ShardPlan place(final List<TrafficStream> streams, final MeshTopology topology, final List<NodeStatus> statuses,
        final GlobalRoutes routes, final ShardPolicy policy, final MeshTable previous)
    {
        final TreeMap<Long, Shard> before = new TreeMap<>();
        previous.shards().shards().forEach(shard -> before.put(shard.shardId(), shard));
        final Capacities capacities = new Capacities(topology, statuses, policy);
        final List<TrafficStream> ordered = new ArrayList<>();
        for (final TrafficStream stream : streams)
        {
            final double risk = predictedRisk(stream, routes.paths(stream.ingress(), stream.egress()), topology, statuses);
            ordered.add(new TrafficStream(stream.streamId(), stream.ingress(), stream.egress(), stream.priority(), risk,
                stream.packetsPerSecond()));
        }
        ordered.sort(Comparator.comparingInt(TrafficStream::priority)
            .thenComparing(Comparator.comparingDouble(TrafficStream::riskScore).reversed())
            .thenComparingLong(TrafficStream::streamId));

        final List<Shard> placed = new ArrayList<>();
        for (final TrafficStream stream : ordered)
        {
            final List<GlobalRoutes.MeshPath> paths = routes.paths(stream.ingress(), stream.egress());
            final int[][] nodeIndices = new int[paths.size()][];
            final int[][] linkIndices = new int[paths.size()][];
            for (int p = 0; p < paths.size(); p++)
            {
                nodeIndices[p] = capacities.nodeIndices(paths.get(p));
                linkIndices[p] = capacities.linkIndices(paths.get(p));
            }
            final int size = shardBuckets(stream, paths.isEmpty() ? 0 : capacities.of(nodeIndices[0], linkIndices[0]), policy);
            final double shardLoad = stream.packetsPerSecond() * size / policy.bucketsPerStream();
            final int[] shardsOnPath = new int[paths.size()];
            final int count = policy.bucketsPerStream() / size;
            final int[] kept = new int[count];
            Arrays.fill(kept, NO_PATH);
            if (!stream.critical() && !paths.isEmpty())
            {
                final int[] quota = quotas(paths, count);
                for (int k = 0; k < count; k++)
                {
                    final int p = previousPath(before.get(stream.streamId() * policy.bucketsPerStream() + (long)k * size), size,
                        previous.routes(), paths);
                    if (p != NO_PATH && shardsOnPath[p] < quota[p] &&
                        capacities.utilisationWith(nodeIndices[p], linkIndices[p], shardLoad) <= policy.pathLoadCap())
                    {
                        kept[k] = p;
                        shardsOnPath[p]++;
                        capacities.add(nodeIndices[p], linkIndices[p], shardLoad);
                    }
                }
            }
            for (int first = 0; first < policy.bucketsPerStream(); first += size)
            {
                int chosen = kept[first / size];
                boolean overCommitted = false;
                if (chosen == NO_PATH && !paths.isEmpty())
                {
                    chosen = stream.critical() ?
                        cheapestWithRoom(paths, nodeIndices, linkIndices, shardLoad, capacities, policy) :
                        spreadWithRoom(paths, nodeIndices, linkIndices, shardsOnPath, shardLoad, capacities, policy);
                    if (chosen == NO_PATH)
                    {
                        chosen = leastLoaded(paths, nodeIndices, linkIndices, shardLoad, capacities);
                        overCommitted = true;
                    }
                    shardsOnPath[chosen]++;
                    capacities.add(nodeIndices[chosen], linkIndices[chosen], shardLoad);
                }
                placed.add(new Shard(stream.streamId() * policy.bucketsPerStream() + first, stream.streamId(), stream.ingress(),
                    stream.egress(), first, size, stream.priority(), stream.riskScore(), shardLoad, chosen, overCommitted));
            }
        }
        placed.sort(Comparator.comparingLong(Shard::streamId).thenComparingInt(Shard::firstBucket));
        return new ShardPlan(placed);
    }

    /**
     * The risk a stream's shards are cut for: its own score (the traffic profiler's) or, when higher,
     * the predicted impact of the nodes it is sent through: 1 - the lowest health among the nodes of
     * its paths that carry a share. A stream on a path whose node is degrading is cut finer, so that
     * moving it away moves a sixteenth at a time; once it is off that path (the path's weight is 0)
     * the node no longer counts and the shards grow back. Health is already rounded to hundredths,
     * so the noise of load reports does not resize shards.
     */
    static double predictedRisk(final TrafficStream stream, final List<GlobalRoutes.MeshPath> paths, final MeshTopology topology,
        final List<NodeStatus> statuses)
    {
        double lowestHealth = 1;
        for (final GlobalRoutes.MeshPath path : paths)
        {
            if (path.weight() == 0)
            {
                continue;
            }
            for (final int node : path.nodes())
            {
                lowestHealth = Math.min(lowestHealth, statuses.get(topology.indexOf(node)).health());
            }
        }
        // At float precision, as MeshRouteTable carries it: a table must survive its encoding unchanged.
        return (float)Math.max(stream.riskScore(), Math.round((1 - lowestHealth) * 100) / 100.0);
    }

    /** How many of {@code count} shards each path with a share should hold: largest remainder of the weights. */
    private static int[] quotas(final List<GlobalRoutes.MeshPath> paths, final int count)
    {
        final int[] quota = new int[paths.size()];
        long total = 0;
        for (final GlobalRoutes.MeshPath path : paths)
        {
            total += path.weight();
        }
        if (total == 0)
        {
            return quota;
        }
        int given = 0;
        final long[] remainder = new long[paths.size()];
        for (int p = 0; p < paths.size(); p++)
        {
            final long exact = (long)count * paths.get(p).weight();
            quota[p] = (int)(exact / total);
            remainder[p] = exact % total;
            given += quota[p];
        }
        while (given < count)
        {
            int best = 0;
            for (int p = 1; p < paths.size(); p++)
            {
                if (remainder[p] > remainder[best])
                {
                    best = p;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        return quota;
    }

    /** Where the previous plan had this shard (same buckets) as an index into today's paths, or NO_PATH. */
    private static int previousPath(final Shard shard, final int size, final GlobalRoutes previousRoutes,
        final List<GlobalRoutes.MeshPath> paths)
    {
        if (shard == null || shard.bucketCount() != size || shard.pathIndex() == NO_PATH)
        {
            return NO_PATH;
        }
        final List<GlobalRoutes.MeshPath> then = previousRoutes.paths(shard.ingress(), shard.egress());
        if (shard.pathIndex() >= then.size())
        {
            return NO_PATH;
        }
        final int[] nodes = then.get(shard.pathIndex()).nodes();
        for (int p = 0; p < paths.size(); p++)
        {
            if (Arrays.equals(paths.get(p).nodes(), nodes))
            {
                return paths.get(p).weight() > 0 ? p : NO_PATH;
            }
        }
        return NO_PATH;
    }

    /** The risk-driven size, halved while one shard would take more than maxShardLoad of the best path. */
    static int shardBuckets(final TrafficStream stream, final double bestPathCapacity, final ShardPolicy policy)
    {
        int size = policy.bucketsFor(stream.riskScore());
        while (size > policy.minShardBuckets() &&
            stream.packetsPerSecond() * size / policy.bucketsPerStream() > policy.maxShardLoad() * bestPathCapacity)
        {
            size /= 2;
        }
        return size;
    }

    private static int cheapestWithRoom(final List<GlobalRoutes.MeshPath> paths, final int[][] nodes, final int[][] links,
        final double load, final Capacities capacities, final ShardPolicy policy)
    {
        for (int p = 0; p < paths.size(); p++)
        {
            if (capacities.utilisationWith(nodes[p], links[p], load) <= policy.pathLoadCap())
            {
                return p;
            }
        }
        return NO_PATH;
    }

    private static int spreadWithRoom(final List<GlobalRoutes.MeshPath> paths, final int[][] nodes, final int[][] links,
        final int[] shardsOnPath, final double load, final Capacities capacities, final ShardPolicy policy)
    {
        for (final boolean standby : new boolean[] {false, true})
        {
            int chosen = NO_PATH;
            double chosenTurn = 0;
            for (int p = 0; p < paths.size(); p++)
            {
                final int weight = paths.get(p).weight();
                if ((weight == 0) != standby || capacities.utilisationWith(nodes[p], links[p], load) > policy.pathLoadCap())
                {
                    continue;
                }
                // Weighted round robin: the path whose next shard would keep its count closest to its share.
                final double turn = (shardsOnPath[p] + 1.0) / Math.max(weight, 1);
                if (chosen == NO_PATH || turn < chosenTurn)
                {
                    chosen = p;
                    chosenTurn = turn;
                }
            }
            if (chosen != NO_PATH)
            {
                return chosen;
            }
        }
        return NO_PATH;
    }

    private static int leastLoaded(final List<GlobalRoutes.MeshPath> paths, final int[][] nodes, final int[][] links,
        final double load, final Capacities capacities)
    {
        int chosen = 0;
        double least = Double.POSITIVE_INFINITY;
        for (int p = 0; p < paths.size(); p++)
        {
            final double utilisation = capacities.utilisationWith(nodes[p], links[p], load);
            if (utilisation < least)
            {
                least = utilisation;
                chosen = p;
            }
        }
        return chosen;
    }

    /** Capacity and predicted load of every node and link, by topology index. */
    private static final class Capacities
    {
        private final MeshTopology topology;
        private final double[] nodeCapacity;
        private final double[] linkCapacity;
        private final double[] nodeLoad;
        private final double[] linkLoad;

        Capacities(final MeshTopology topology, final List<NodeStatus> statuses, final ShardPolicy policy)
        {
            this.topology = topology;
            nodeCapacity = new double[topology.nodes().size()];
            nodeLoad = new double[nodeCapacity.length];
            for (int i = 0; i < nodeCapacity.length; i++)
            {
                // A degraded node is trusted with its healthy share of its capacity only.
                nodeCapacity[i] = Math.max(1, topology.nodes().get(i).capacityPacketsPerSecond() * statuses.get(i).health());
            }
            linkCapacity = new double[topology.links().size()];
            linkLoad = new double[linkCapacity.length];
            for (int i = 0; i < linkCapacity.length; i++)
            {
                linkCapacity[i] = topology.links().get(i).bandwidthMbps() * 1e6 / policy.meanPacketBits();
            }
        }

        int[] nodeIndices(final GlobalRoutes.MeshPath path)
        {
            final int[] indices = new int[path.nodes().length];
            for (int i = 0; i < indices.length; i++)
            {
                indices[i] = topology.indexOf(path.nodes()[i]);
            }
            return indices;
        }

        int[] linkIndices(final GlobalRoutes.MeshPath path)
        {
            final int[] indices = new int[path.hops()];
            for (int i = 0; i < indices.length; i++)
            {
                indices[i] = topology.links().indexOf(topology.link(path.nodes()[i], path.nodes()[i + 1]));
            }
            return indices;
        }

        double of(final int[] nodes, final int[] links)
        {
            double least = Double.POSITIVE_INFINITY;
            for (final int node : nodes)
            {
                least = Math.min(least, nodeCapacity[node]);
            }
            for (final int link : links)
            {
                least = Math.min(least, linkCapacity[link]);
            }
            return least;
        }

        double utilisationWith(final int[] nodes, final int[] links, final double load)
        {
            double most = 0;
            for (final int node : nodes)
            {
                most = Math.max(most, (nodeLoad[node] + load) / nodeCapacity[node]);
            }
            for (final int link : links)
            {
                most = Math.max(most, (linkLoad[link] + load) / linkCapacity[link]);
            }
            return most;
        }

        void add(final int[] nodes, final int[] links, final double load)
        {
            for (final int node : nodes)
            {
                nodeLoad[node] += load;
            }
            for (final int link : links)
            {
                linkLoad[link] += load;
            }
        }
    }
}
