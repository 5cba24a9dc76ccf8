package io.flowlane.controlplane.mesh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Seed 000's global routing table for the mesh: for every ingress → egress pair the cheapest path
 * under {@link MeshCost} and up to {@code maxPaths - 1} loop-free alternates, node-disjoint where
 * the mesh allows, each with a share of the pair's flows derived from its cost; and for every node
 * and destination the next hops hop-by-hop forwarding may use.
 *
 * <p>Deterministic: every member of the cluster computes the same table from the same topology and
 * node status. A pair's paths are ordered by (cost, hop count, node ids in order), the search breaks
 * its ties by hop count then node id; costs are always summed from the ingress forward, so that one
 * path has one cost however it was found; nothing iterates a hash table.
 *
 * <p>Next hops follow RFC 5286's downstream-path condition: node X may send to neighbour N for
 * destination D only if N is strictly closer to D than X is ({@code dist(N, D) < dist(X, D)}). Every
 * hop then gets strictly closer, so traffic cannot loop whichever of its next hops each node picks,
 * which is what lets a node re-route in-flight packets onto an alternate without a loop.
 */
public final class GlobalRoutes
{
    /** Weights of a pair's paths (and of a node's next hops) add up to this, unless all are standby. */
    public static final int WEIGHT_TOTAL = 1000;

    /** A loop-free path from its first node (ingress) to its last (egress). */
    public record MeshPath(int[] nodes, double cost, int weight)
    {
        public int ingress()
        {
            return nodes[0];
        }

        public int egress()
        {
            return nodes[nodes.length - 1];
        }

        public int hops()
        {
            return nodes.length - 1;
        }

        /** The node after {@code node} on this path, or -1 if it is the egress or not on the path. */
        public int nextHopAfter(final int node)
        {
            for (int i = 0; i < nodes.length - 1; i++)
            {
                if (nodes[i] == node)
                {
                    return nodes[i + 1];
                }
            }
            return -1;
        }

        public boolean passesThrough(final int node)
        {
            for (int i = 1; i < nodes.length - 1; i++)
            {
                if (nodes[i] == node)
                {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof MeshPath that && Arrays.equals(nodes, that.nodes) &&
                Double.compare(cost, that.cost) == 0 && weight == that.weight;
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(nodes) * 31 + Double.hashCode(cost) * 17 + weight;
        }

        @Override
        public String toString()
        {
            final StringBuilder text = new StringBuilder();
            for (final int node : nodes)
            {
                text.append(text.isEmpty() ? "" : "-").append(node);
            }
            return text.append(String.format(" (cost %.2f, weight %d)", cost, weight)).toString();
        }
    }

    /** A pair's paths, cheapest first. */
    public record PairRoutes(int ingress, int egress, List<MeshPath> paths)
    {
    }

    /** One next hop of a node toward a destination, with the cost to the destination through it. */
    public record NextHop(int nextHop, int weight, double cost)
    {
    }

    /** A node's next hops toward one destination, cheapest first. */
    public record NextHops(int node, int destination, List<NextHop> hops)
    {
    }

    private final List<PairRoutes> pairs;
    private final List<NextHops> nextHops;

    public GlobalRoutes(final List<PairRoutes> pairs, final List<NextHops> nextHops)
    {
        this.pairs = List.copyOf(pairs);
        this.nextHops = List.copyOf(nextHops);
    }

    /** Every pair that has at least one path, ordered by (ingress, egress). */
    public List<PairRoutes> pairs()
    {
        return pairs;
    }

    /** Every node's next hops, ordered by (node, destination). */
    public List<NextHops> nextHops()
    {
        return nextHops;
    }

    /** The pair's paths, cheapest first; empty if the egress is unreachable. */
    public List<MeshPath> paths(final int ingress, final int egress)
    {
        final int index = Collections.binarySearch(pairs, new PairRoutes(ingress, egress, List.of()),
            Comparator.comparingInt(PairRoutes::ingress).thenComparingInt(PairRoutes::egress));
        return index >= 0 ? pairs.get(index).paths() : List.of();
    }

    /** What {@code node} forwards to for {@code destination}, cheapest first; empty if unreachable. */
    public List<NextHop> nextHops(final int node, final int destination)
    {
        final int index = Collections.binarySearch(nextHops, new NextHops(node, destination, List.of()),
            Comparator.comparingInt(NextHops::node).thenComparingInt(NextHops::destination));
        return index >= 0 ? nextHops.get(index).hops() : List.of();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof GlobalRoutes that && pairs.equals(that.pairs) && nextHops.equals(that.nextHops);
    }

    @Override
    public int hashCode()
    {
        return pairs.hashCode() * 31 + nextHops.hashCode();
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder();
        for (final PairRoutes pair : pairs)
        {
            text.append(pair.ingress()).append("->").append(pair.egress()).append(": ").append(pair.paths()).append('\n');
        }
        return text.toString();
    }

    /**
     * Computes the table.
     *
     * @param statuses one per node of the topology, in its order
     */
    public static GlobalRoutes compute(final MeshTopology topology, final List<NodeStatus> statuses, final MeshCost cost)
    {
        final Graph graph = new Graph(topology, statuses, cost);
        final int n = graph.size();
        final Label[][] best = new Label[n][];
        for (int source = 0; source < n; source++)
        {
            best[source] = graph.shortest(source, -1, new boolean[n], new boolean[n][n]);
        }

        final List<PairRoutes> pairs = new ArrayList<>();
        final List<NextHops> nextHops = new ArrayList<>();
        for (int source = 0; source < n; source++)
        {
            for (int destination = 0; destination < n; destination++)
            {
                final Label first = best[source][destination];
                if (source == destination || first == null)
                {
                    continue;
                }
                pairs.add(new PairRoutes(graph.id(source), graph.id(destination),
                    choosePaths(graph, first, topology.maxPaths(), cost)));
                nextHops.add(new NextHops(graph.id(source), graph.id(destination),
                    downstreamNextHops(graph, best, source, destination, topology.maxPaths(), cost.stretch())));
            }
        }
        return new GlobalRoutes(pairs, nextHops);
    }

    /**
     * The cheapest path, then the cheapest path avoiding the intermediate nodes of those chosen
     * (node-disjoint alternates, one search each), and when the mesh has no more of those, the
     * cheapest other loop-free paths (Yen's algorithm, only then: it costs many searches).
     */
    private static List<MeshPath> choosePaths(final Graph graph, final Label first, final int maxPaths, final MeshCost cost)
    {
        final int n = graph.size();
        final int source = first.path()[0];
        final int target = first.path()[first.path().length - 1];
        final List<Label> chosen = new ArrayList<>();
        chosen.add(first);
        final boolean[] removedNodes = new boolean[n];
        final boolean[][] removedEdges = new boolean[n][n];
        while (chosen.size() < maxPaths)
        {
            final Label last = chosen.get(chosen.size() - 1);
            for (int i = 1; i < last.path().length - 1; i++)
            {
                removedNodes[last.path()[i]] = true;
            }
            if (last.path().length == 2)
            {
                removedEdges[source][target] = true;
            }
            final Label disjoint = graph.shortest(source, target, removedNodes, removedEdges)[target];
            if (disjoint == null)
            {
                break;
            }
            chosen.add(disjoint);
        }
        if (chosen.size() < maxPaths)
        {
            final List<Label> disjoint = List.copyOf(chosen);
            for (final Label candidate : graph.loopFreePaths(first, maxPaths + cost.extraCandidates(), disjoint,
                maxPaths - disjoint.size()))
            {
                if (chosen.size() < maxPaths && !chosen.contains(candidate))
                {
                    chosen.add(candidate);
                }
            }
        }
        chosen.sort(Label.ORDER);
        final double[] costs = chosen.stream().mapToDouble(Label::cost).toArray();
        final int[] weights = weights(costs, cost.stretch());
        final List<MeshPath> paths = new ArrayList<>(chosen.size());
        for (int i = 0; i < chosen.size(); i++)
        {
            paths.add(new MeshPath(graph.ids(chosen.get(i).path()), costs[i], weights[i]));
        }
        return List.copyOf(paths);
    }

    private static List<NextHop> downstreamNextHops(final Graph graph, final Label[][] best, final int source,
        final int destination, final int maxHops, final double stretch)
    {
        final double distance = best[source][destination].cost();
        final List<double[]> candidates = new ArrayList<>(); // {via cost, neighbour}
        for (int neighbour = 0; neighbour < graph.size(); neighbour++)
        {
            final double edge = graph.edge(source, neighbour);
            if (neighbour == source || edge == Graph.NO_EDGE || !graph.usable(neighbour))
            {
                continue;
            }
            final double remaining = neighbour == destination ? 0 :
                best[neighbour][destination] == null ? Graph.NO_EDGE : best[neighbour][destination].cost();
            if (remaining < distance)
            {
                candidates.add(new double[] {edge + remaining, neighbour});
            }
        }
        candidates.sort(Comparator.<double[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[1]));
        final List<double[]> kept = candidates.subList(0, Math.min(maxHops, candidates.size()));
        final int[] weights = weights(kept.stream().mapToDouble(c -> c[0]).toArray(), stretch);
        final List<NextHop> hops = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++)
        {
            hops.add(new NextHop(graph.id((int)kept.get(i)[1]), weights[i], kept.get(i)[0]));
        }
        return List.copyOf(hops);
    }

    /**
     * Shares in 1/{@value #WEIGHT_TOTAL} proportional to 1 / cost for costs within {@code stretch} of
     * the cheapest (the first), 0 for the others; largest remainders get the rounding, earlier first.
     */
    static int[] weights(final double[] costs, final double stretch)
    {
        final int[] weights = new int[costs.length];
        if (costs.length == 0)
        {
            return weights;
        }
        final double limit = costs[0] * stretch;
        double sum = 0;
        for (final double c : costs)
        {
            sum += c <= limit ? 1 / c : 0;
        }
        final double[] remainders = new double[costs.length];
        int given = 0;
        for (int i = 0; i < costs.length; i++)
        {
            final double share = costs[i] <= limit ? WEIGHT_TOTAL * (1 / costs[i]) / sum : 0;
            weights[i] = (int)Math.floor(share);
            remainders[i] = share - weights[i];
            given += weights[i];
        }
        for (int left = WEIGHT_TOTAL - given; left > 0; left--)
        {
            int most = -1;
            for (int i = 0; i < costs.length; i++)
            {
                if (costs[i] <= limit && (most < 0 || remainders[i] > remainders[most]))
                {
                    most = i;
                }
            }
            weights[most]++;
            remainders[most] = -1;
        }
        return weights;
    }

    /** A path found by the search, over node indices, with its cost summed from its first node. */
    record Label(double cost, int[] path)
    {
        static final Comparator<Label> ORDER = (a, b) ->
        {
            final int byCost = Double.compare(a.cost, b.cost);
            if (byCost != 0)
            {
                return byCost;
            }
            final int byLength = Integer.compare(a.path.length, b.path.length);
            return byLength != 0 ? byLength : Arrays.compare(a.path, b.path);
        };

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Label that && Arrays.equals(path, that.path);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(path);
        }
    }

    /** The mesh as a directed graph over node indices (nodes sorted by id), with edge costs. */
    static final class Graph
    {
        static final double NO_EDGE = Double.POSITIVE_INFINITY;

        private final int[] ids;
        private final boolean[] usable;
        private final double[][] edges;

        Graph(final MeshTopology topology, final List<NodeStatus> statuses, final MeshCost cost)
        {
            final int n = topology.nodes().size();
            if (statuses.size() != n)
            {
                throw new IllegalArgumentException("one status per node: " + statuses.size() + " for " + n);
            }
            ids = new int[n];
            usable = new boolean[n];
            final double[] nodeCosts = new double[n];
            for (int i = 0; i < n; i++)
            {
                final MeshTopology.Node node = topology.nodes().get(i);
                if (statuses.get(i).nodeId() != node.id())
                {
                    throw new IllegalArgumentException("status " + i + " is node " + statuses.get(i).nodeId() + "'s, not " + node.id() + "'s");
                }
                ids[i] = node.id();
                usable[i] = statuses.get(i).usable();
                nodeCosts[i] = cost.nodeCost(node, statuses.get(i));
            }
            edges = new double[n][n];
            for (final double[] row : edges)
            {
                Arrays.fill(row, NO_EDGE);
            }
            for (final MeshTopology.Link link : topology.links())
            {
                if (link.up())
                {
                    final int a = topology.indexOf(link.nodeA());
                    final int b = topology.indexOf(link.nodeB());
                    final double linkCost = cost.linkCost(link);
                    edges[a][b] = linkCost + nodeCosts[b];
                    edges[b][a] = linkCost + nodeCosts[a];
                }
            }
        }

        int size()
        {
            return ids.length;
        }

        int id(final int index)
        {
            return ids[index];
        }

        int[] ids(final int[] indices)
        {
            final int[] result = new int[indices.length];
            for (int i = 0; i < indices.length; i++)
            {
                result[i] = ids[indices[i]];
            }
            return result;
        }

        boolean usable(final int index)
        {
            return usable[index];
        }

        double edge(final int from, final int to)
        {
            return edges[from][to];
        }

        /** The path's cost summed from its first node: the same doubles whichever search found it. */
        double costOf(final int[] path)
        {
            double sum = 0;
            for (int i = 1; i < path.length; i++)
            {
                sum += edges[path[i - 1]][path[i]];
            }
            return sum;
        }

        /**
         * Dijkstra from {@code source}: the cheapest path to every node (or to {@code target}), ties
         * broken by fewer hops, then by the lower predecessor index, so the result is one and the same
         * on every member. The source may be unusable (traffic already there still has to leave); no
         * other unusable or removed node is entered, no removed edge taken. O(n^2) over arrays,
         * allocation-free but for its result: the mesh is small ({@link MeshTopology#MAX_NODES}) and dense.
         *
         * @param target stop once it is settled, or -1 for all
         * @return the paths found, by node index (null where none)
         */
        Label[] shortest(final int source, final int target, final boolean[] removedNodes, final boolean[][] removedEdges)
        {
            final int n = ids.length;
            final double[] cost = new double[n];
            final int[] hops = new int[n];
            final int[] predecessor = new int[n];
            final boolean[] settled = new boolean[n];
            Arrays.fill(cost, NO_EDGE);
            Arrays.fill(predecessor, -1);
            cost[source] = 0;
            while (true)
            {
                int next = -1;
                for (int i = 0; i < n; i++)
                {
                    if (!settled[i] && cost[i] != NO_EDGE &&
                        (next < 0 || cost[i] < cost[next] || (cost[i] == cost[next] && hops[i] < hops[next])))
                    {
                        next = i;
                    }
                }
                if (next < 0)
                {
                    break;
                }
                settled[next] = true;
                if (next == target)
                {
                    break;
                }
                final double[] row = edges[next];
                final boolean[] removedRow = removedEdges[next];
                for (int to = 0; to < n; to++)
                {
                    final double edge = row[to];
                    if (edge == NO_EDGE || settled[to] || !usable[to] || removedNodes[to] || removedRow[to])
                    {
                        continue;
                    }
                    final double candidate = cost[next] + edge;
                    if (candidate < cost[to] || (candidate == cost[to] &&
                        (hops[next] + 1 < hops[to] || (hops[next] + 1 == hops[to] && next < predecessor[to]))))
                    {
                        cost[to] = candidate;
                        hops[to] = hops[next] + 1;
                        predecessor[to] = next;
                    }
                }
            }
            final Label[] best = new Label[n];
            for (int to = 0; to < n; to++)
            {
                if (settled[to] && (target < 0 || to == target))
                {
                    final int[] path = new int[hops[to] + 1];
                    for (int at = to, i = hops[to]; i >= 0; at = predecessor[at], i--)
                    {
                        path[i] = at;
                    }
                    best[to] = new Label(cost[to], path);
                }
            }
            return best;
        }

        /**
         * Yen's shortest loop-free paths from {@code first}'s ends, {@code first} included, cheapest
         * first: at most {@code k}, and no more once {@code wanted} of them are not in {@code known}.
         */
        List<Label> loopFreePaths(final Label first, final int k, final List<Label> known, final int wanted)
        {
            final int n = ids.length;
            final int[] firstPath = first.path();
            final int target = firstPath[firstPath.length - 1];
            final List<Label> found = new ArrayList<>();
            found.add(first);
            final TreeSet<Label> pending = new TreeSet<>(Label.ORDER);
            int fresh = 0;
            while (found.size() < k && fresh < wanted)
            {
                final int[] previous = found.get(found.size() - 1).path();
                for (int spur = 0; spur < previous.length - 1; spur++)
                {
                    final boolean[] removedNodes = new boolean[n];
                    final boolean[][] removedEdges = new boolean[n][n];
                    for (int i = 0; i < spur; i++)
                    {
                        removedNodes[previous[i]] = true;
                    }
                    for (final Label path : found)
                    {
                        if (path.path().length > spur + 1 &&
                            Arrays.equals(path.path(), 0, spur + 1, previous, 0, spur + 1))
                        {
                            removedEdges[path.path()[spur]][path.path()[spur + 1]] = true;
                        }
                    }
                    final Label spurPath = shortest(previous[spur], target, removedNodes, removedEdges)[target];
                    if (spurPath == null)
                    {
                        continue;
                    }
                    final int[] whole = new int[spur + spurPath.path().length];
                    System.arraycopy(previous, 0, whole, 0, spur);
                    System.arraycopy(spurPath.path(), 0, whole, spur, spurPath.path().length);
                    final Label candidate = new Label(costOf(whole), whole);
                    if (!found.contains(candidate))
                    {
                        pending.add(candidate);
                    }
                }
                if (pending.isEmpty())
                {
                    break;
                }
                final Label next = pending.pollFirst();
                found.add(next);
                fresh += known.contains(next) ? 0 : 1;
            }
            return found;
        }
    }
}
