package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.mesh.GlobalRoutes;
import io.flowlane.dataplane.fib.NextHop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hop-by-hop forwarding from the mesh manager's table: every node learns only its own next hops
 * toward each prefix, one route per prefix (ECMP when the manager gives several next hops a share;
 * standby next hops, weight 0, are left out). A node gets no route for the prefixes it is the
 * egress of (its own config routes them out of the mesh), and an empty list for a prefix whose
 * egress it cannot reach: that route is deleted, so the packets are dropped at once as no-route
 * rather than sent toward a dead node.
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
                if (hop.weight() > 0)
                {
                    final MeshLayout.Gateway gateway = layout.gateway(node, hop.nextHop());
                    hops.add(NextHop.viaIpv4(gateway.interfaceName(), gateway.address(), hop.weight()));
                }
            }
            for (final MeshPrefix prefix : egress.prefixes())
            {
                table.put(prefix, List.copyOf(hops));
            }
        }
        return table;
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
        if (x.size() != y.size())
        {
            return false;
        }
        double totalX = 0;
        double totalY = 0;
        for (int i = 0; i < x.size(); i++)
        {
            if (!sameGateway(x.get(i), y.get(i)))
            {
                return false;
            }
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
