package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.mesh.GlobalRoutes;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.mesh.ShardPlan;
import io.flowlane.controlplane.mesh.ShardPolicy;
import io.flowlane.dataplane.fib.NextHop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hop-by-hop forwarding from the mesh manager's table: every node learns only its own next hops
 * toward each prefix, one route per prefix (ECMP when the manager gives several next hops a share;
 * standby next hops go in with weight 0: backups the data plane switches to on its own the moment
 * the links of the others go down, before the manager has noticed anything). A node gets no route
 * for the prefixes it is the egress of (its own config routes them out of the mesh), and an empty
 * list for a prefix whose egress it cannot reach: that route is deleted, so the packets are dropped
 * at once as no-route rather than sent toward a dead node.
 *
 * <p>Loop freedom is the manager's: its next hops satisfy RFC 5286's downstream condition, so
 * whatever mixture of old and new routes the nodes hold while an update spreads, every hop gets
 * strictly closer to the egress.
 */
public final class HopRoutes
{
    private HopRoutes()
    {
    }

    /** One node's routes: prefix to next hops (empty: the prefix is unreachable from this node). */
    public static Map<MeshPrefix, List<NextHop>> of(final MeshLayout layout, final GlobalRoutes routes, final int node)
    {
        final Map<MeshPrefix, List<NextHop>> table = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        for (final MeshLayout.Node egress : layout.nodes())
        {
            if (egress.id() == node)
            {
                continue;
            }
            final List<NextHop> hops = new ArrayList<>();
            for (final GlobalRoutes.NextHop hop : routes.nextHops(node, egress.id()))
            {
                final MeshLayout.Gateway gateway = layout.gateway(node, hop.nextHop());
                hops.add(NextHop.viaIpv4(gateway.interfaceName(), gateway.address(), hop.weight()));
            }
            for (final MeshPrefix prefix : egress.prefixes())
            {
                table.put(prefix, List.copyOf(hops));
            }
        }
        return table;
    }

    /**
     * A node's route for a prefix: its next hops and, when the flow-hash buckets are pinned, which
     * of them each of the 256 buckets takes ({@code memberOfBucket}; null: the buckets follow the
     * weights). Empty {@code hops}: the route is deleted. A stream's route at its ingress, from the
     * manager's shard plan, has the first hops of the paths its shards are placed on (in path
     * order, each weighted by its bucket count), then those of its other paths as backups (weight
     * 0), and pins the buckets when more than one hop carries some.
     */
    public record Route(List<NextHop> hops, byte[] memberOfBucket)
    {
        public static Route deleted()
        {
            return new Route(List.of(), null);
        }

        /** The same next hops with their buckets following the weights (what a RouteAdd or SteeringWeights installs). */
        public Route unpinned()
        {
            return memberOfBucket == null ? this : new Route(hops, null);
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Route that && hops.equals(that.hops) && Arrays.equals(memberOfBucket, that.memberOfBucket);
        }

        @Override
        public int hashCode()
        {
            return hops.hashCode() * 31 + Arrays.hashCode(memberOfBucket);
        }
    }

    /**
     * Everything {@code node} should hold: its hop-by-hop route for every other egress's prefixes
     * ({@link #of}), with the routes for the streams' prefixes ({@link #shardRoutes}) added, or in
     * place of the hop-by-hop one where a stream's prefix is a whole egress prefix.
     */
    public static Map<MeshPrefix, Route> routes(final MeshLayout layout, final MeshTable table, final int node)
    {
        final Map<MeshPrefix, Route> routes = new LinkedHashMap<>();
        of(layout, table.routes(), node).forEach((prefix, hops) -> routes.put(prefix, new Route(hops, null)));
        routes.putAll(shardRoutes(layout, table, node));
        return routes;
    }

    /**
     * The routes for the streams' prefixes at {@code node}: at a stream's ingress, its shard route
     * (buckets pinned to the first hops of their shards' paths, the other paths' first hops as
     * backups); at the other nodes but its egress, the next node of the stream's paths
     * ({@link #transit}). A stream the plan has no shards for yet (its demand not committed) gets
     * none: the hop-by-hop route of its egress's prefix carries it meanwhile.
     */
    public static Map<MeshPrefix, Route> shardRoutes(final MeshLayout layout, final MeshTable table, final int node)
    {
        final Map<MeshPrefix, Route> routes = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        for (final MeshLayout.Stream stream : layout.streams())
        {
            if (stream.egress() == node)
            {
                continue;
            }
            final List<ShardPlan.Shard> shards = table.shards().shards().stream().filter(s -> s.streamId() == stream.id()).toList();
            if (shards.isEmpty())
            {
                continue;
            }
            final List<GlobalRoutes.MeshPath> paths = table.routes().paths(stream.ingress(), stream.egress());
            if (stream.ingress() != node)
            {
                routes.put(stream.prefix(), transit(layout, paths, node));
                continue;
            }
            if (shards.stream().anyMatch(s -> s.pathIndex() == ShardPlan.NO_PATH))
            {
                routes.put(stream.prefix(), Route.deleted());
                continue;
            }
            // Members in path order (cheapest path's first hop first), one per distinct first hop; then
            // the first hops of the paths without shards, as backups (no buckets: weight 0).
            final List<Integer> firstHops = new ArrayList<>();
            for (final boolean used : new boolean[] {true, false})
            {
                for (int p = 0; p < paths.size(); p++)
                {
                    final int path = p;
                    final int firstHop = paths.get(p).nodes()[1];
                    if (shards.stream().anyMatch(s -> s.pathIndex() == path) == used && !firstHops.contains(firstHop))
                    {
                        firstHops.add(firstHop);
                    }
                }
            }
            final int[] bucketCounts = new int[firstHops.size()];
            final byte[] memberOfBucket = new byte[ShardPolicy.DEFAULT.bucketsPerStream()];
            for (final ShardPlan.Shard shard : shards)
            {
                final int member = firstHops.indexOf(paths.get(shard.pathIndex()).nodes()[1]);
                bucketCounts[member] += shard.bucketCount();
                Arrays.fill(memberOfBucket, shard.firstBucket(), shard.firstBucket() + shard.bucketCount(), (byte)member);
            }
            final List<NextHop> hops = new ArrayList<>();
            for (int m = 0; m < firstHops.size(); m++)
            {
                final MeshLayout.Gateway gateway = layout.gateway(node, firstHops.get(m));
                hops.add(NextHop.viaIpv4(gateway.interfaceName(), gateway.address(), bucketCounts[m]));
            }
            final long carrying = Arrays.stream(bucketCounts).filter(count -> count > 0).count();
            routes.put(stream.prefix(), new Route(List.copyOf(hops), carrying > 1 ? memberOfBucket : null));
        }
        return routes;
    }

    /**
     * A stream's route at a node after its ingress: one next hop, the node's successor on the first
     * of the stream's paths (in the manager's order) that passes through it; none (the route is
     * deleted, the node's route for the egress's prefix takes over) when no path does. Following
     * these can never loop: a step either advances along one path or moves to an earlier path, so
     * (path index, position) only ever decreases or advances, and the egress ends every walk. With
     * node-disjoint paths, as the manager chooses first, each shard thereby stays on its own path to
     * the end; and a node's local repair onto a backup path (its links down) cannot meet a transit
     * node that sends the packet back, as hop-by-hop ECMP toward the egress could (c's route back over
     * a, in config/mesh).
     */
    private static Route transit(final MeshLayout layout, final List<GlobalRoutes.MeshPath> paths, final int node)
    {
        for (final GlobalRoutes.MeshPath path : paths)
        {
            final int[] nodes = path.nodes();
            for (int i = 1; i < nodes.length - 1; i++)
            {
                if (nodes[i] == node)
                {
                    final MeshLayout.Gateway gateway = layout.gateway(node, nodes[i + 1]);
                    return new Route(List.of(NextHop.viaIpv4(gateway.interfaceName(), gateway.address(), 1)), null);
                }
            }
        }
        return Route.deleted();
    }

    /** Shares of a route's flows that differ by less than this are not worth moving flows for. */
    public static final double SHARE_TOLERANCE = 1.0 / 64;

    /**
     * Whether two next-hop lists forward alike: the same gateways in the same order with shares that
     * differ by less than {@link #SHARE_TOLERANCE} (four of the data plane's 256 ECMP buckets). The
     * manager's shares follow the nodes' load to the thousandth; moving a few buckets' flows every
     * time a load wavers would reorder their packets for nothing.
     */
    public static boolean alike(final List<NextHop> x, final List<NextHop> y)
    {
        if (!sameGateways(x, y))
        {
            return false;
        }
        double totalX = 0;
        double totalY = 0;
        for (int i = 0; i < x.size(); i++)
        {
            totalX += x.get(i).weight();
            totalY += y.get(i).weight();
        }
        for (int i = 0; i < x.size(); i++)
        {
            if (Math.abs(x.get(i).weight() / totalX - y.get(i).weight() / totalY) >= SHARE_TOLERANCE)
            {
                return false;
            }
        }
        return true;
    }

    /** Same next hops in the same order, whatever their weights (a steering change, not a new route). */
    public static boolean sameGateways(final List<NextHop> x, final List<NextHop> y)
    {
        if (x.size() != y.size())
        {
            return false;
        }
        for (int i = 0; i < x.size(); i++)
        {
            if (!sameGateway(x.get(i), y.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean sameGateway(final NextHop x, final NextHop y)
    {
        return x.gatewayHi() == y.gatewayHi() && java.util.Objects.equals(x.interfaceName(), y.interfaceName());
    }
}
