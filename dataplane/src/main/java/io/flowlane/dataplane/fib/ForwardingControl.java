package io.flowlane.dataplane.fib;

import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.pipeline.NeighborEvents;
import io.flowlane.dataplane.port.Interface;
import io.flowlane.dataplane.port.InterfaceTable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single writer of the forwarding tables: routes in, LPM entries, adjacencies, ECMP groups
 * and neighbor bindings out. Every method runs on the control thread that owns this object;
 * workers read concurrently through {@link ForwardingTables} and never wait for it.
 *
 * <p>Order of operations is what makes lock-free readers safe: a route's adjacencies and group
 * are complete before the LPM entry pointing to them is stored, and what a removed route
 * pointed to is recycled only after a grace period.
 */
public final class ForwardingControl
{
    private final ForwardingTables tables;
    private final GracePeriods gracePeriods;
    private final int ecmpBuckets;
    private final Map<RouteKey, Route> routes = new HashMap<>();
    private final ArrayDeque<long[]> retiredGroups = new ArrayDeque<>();
    private final NeighborSink neighborSink = new NeighborSink();
    private int localAdjacency = -1;
    private TunnelDirectory tunnels = TunnelDirectory.NONE;

    /** A route as the control side remembers it, to release what it holds when it goes. */
    private record Route(int target, int[] adjacencies, int group, List<NextHop> nextHops)
    {
    }

    /** Family 4 keeps the address in hi. */
    public record RouteKey(int family, long hi, long lo, int length)
    {
        @Override
        public String toString()
        {
            return (family == 4 ? Ipv4Header.toString((int)hi) : Ipv6Header.toString(hi, lo)) + "/" + length;
        }
    }

    public ForwardingControl(final ForwardingTables tables, final GracePeriods gracePeriods, final int ecmpBuckets)
    {
        this.tables = tables;
        this.gracePeriods = gracePeriods;
        this.ecmpBuckets = ecmpBuckets;
    }

    public ForwardingTables tables()
    {
        return tables;
    }

    /** Where routes with tunnel next hops find their tunnels (the tunnels module sets it). */
    public void tunnels(final TunnelDirectory directory)
    {
        this.tunnels = directory;
    }

    /** Installs an interface's own addresses (local delivery) and connected subnets (glean). */
    public void addInterfaceRoutes(final Interface itf)
    {
        if (localAdjacency < 0)
        {
            localAdjacency = tables.adjacencies().acquireLocal();
        }
        for (int a = 0; a < itf.ipv4().length; a++)
        {
            final int address = itf.ipv4()[a];
            final int length = itf.ipv4Prefix()[a];
            install(new RouteKey(4, address & 0xFFFF_FFFFL, 0, 32), localRoute());
            if (length < 32)
            {
                final int glean = tables.adjacencies().acquireGlean(itf, 4);
                install(new RouteKey(4, (address & mask4(length)) & 0xFFFF_FFFFL, 0, length),
                    new Route(RouteTarget.adjacency(glean), new int[] {glean}, -1, List.of()));
            }
        }
        for (int a = 0; a < itf.ipv6Prefix().length; a++)
        {
            final long hi = itf.ipv6()[2 * a];
            final long lo = itf.ipv6()[2 * a + 1];
            final int length = itf.ipv6Prefix()[a];
            install(new RouteKey(6, hi, lo, 128), localRoute());
            if (length < 128 && !isLinkLocal(hi))
            {
                final int glean = tables.adjacencies().acquireGlean(itf, 6);
                install(new RouteKey(6, hi & mask6Hi(length), lo & mask6Lo(length), length),
                    new Route(RouteTarget.adjacency(glean), new int[] {glean}, -1, List.of()));
            }
        }
    }

    /** Adds or replaces an IPv4 route. */
    public void addIpv4Route(final int prefix, final int length, final List<NextHop> nextHops)
    {
        checkLength("prefix length", length, 32);
        if ((prefix & ~mask4(length)) != 0)
        {
            throw new IllegalArgumentException("prefix: " + Ipv4Header.toString(prefix) + "/" + length + " has host bits set");
        }
        install(new RouteKey(4, prefix & 0xFFFF_FFFFL, 0, length), build(4, nextHops, existingGroup(new RouteKey(4, prefix & 0xFFFF_FFFFL, 0, length))));
    }

    public void addIpv6Route(final long hi, final long lo, final int length, final List<NextHop> nextHops)
    {
        checkLength("prefix length", length, 128);
        if ((hi & ~mask6Hi(length)) != 0 || (lo & ~mask6Lo(length)) != 0)
        {
            throw new IllegalArgumentException("prefix: " + Ipv6Header.toString(hi, lo) + "/" + length + " has host bits set");
        }
        final RouteKey key = new RouteKey(6, hi, lo, length);
        install(key, build(6, nextHops, existingGroup(key)));
    }

    public boolean deleteIpv4Route(final int prefix, final int length)
    {
        return delete(new RouteKey(4, prefix & 0xFFFF_FFFFL, 0, length));
    }

    public boolean deleteIpv6Route(final long hi, final long lo, final int length)
    {
        return delete(new RouteKey(6, hi, lo, length));
    }

    /** A static (or learned and accepted) IPv4 neighbor binding. */
    public void addIpv4Neighbor(final Interface itf, final int address, final long mac)
    {
        if (!tables.neighbors().putIpv4(itf.index(), address, mac | AdjacencyTable.RESOLVED))
        {
            throw new IllegalStateException("neighbor table is full");
        }
        tables.adjacencies().resolveIpv4(itf.index(), address, mac);
    }

    public void addIpv6Neighbor(final Interface itf, final long hi, final long lo, final long mac)
    {
        if (!tables.neighbors().putIpv6(itf.index(), hi, lo, mac | AdjacencyTable.RESOLVED))
        {
            throw new IllegalStateException("neighbor table is full");
        }
        tables.adjacencies().resolveIpv6(itf.index(), hi, lo, mac);
    }

    /** Applies what workers learned from ARP/NDP; bindings outside our connected subnets are ignored. */
    public int drainNeighborEvents(final NeighborEvents events)
    {
        return events.drain(neighborSink);
    }

    /** Recycles whatever has outlived its grace period. Call regularly from the control loop. */
    public void reclaim()
    {
        tables.adjacencies().reclaim();
        tables.ipv4().reclaim();
        tables.ipv6().reclaim();
        while (!retiredGroups.isEmpty() && gracePeriods.completed(retiredGroups.peekFirst()[1]))
        {
            tables.ecmpGroups().delete((int)retiredGroups.pollFirst()[0]);
        }
    }

    public int routeCount()
    {
        return routes.size();
    }

    /** The next hops of one route as configured, or null if there is no such route. */
    public List<NextHop> nextHops(final RouteKey key)
    {
        final Route route = routes.get(key);
        return route == null ? null : route.nextHops();
    }

    /**
     * Pins each flow-hash bucket of a route to one of its next hops: the flows of bucket {@code b}
     * ({@code flowHash & (buckets - 1)}) take next hop {@code memberOfBucket[b]}, an index in the
     * route's order. The new map is published with one release store, as a weight change is; each
     * next hop's weight becomes the number of buckets it owns, so listings, digests and a later
     * weight change or same-hops route add start from the map as pinned. A route with one next hop
     * has no ECMP group: a map of all zeros is what it does already and changes nothing, and a later
     * second next hop creates a group from the weights given then.
     *
     * @return true if a new map was published (false for the no-op on a one-next-hop route)
     * @throws IllegalArgumentException "prefix: ..." for no such route or a route without next hops,
     *                                  "memberOfBucket: ..." for a map whose length is not the route's
     *                                  bucket count or that names a next hop the route does not have
     */
    public boolean assignBuckets(final RouteKey key, final int[] memberOfBucket)
    {
        final Route route = routes.get(key);
        if (route == null)
        {
            throw new IllegalArgumentException("prefix: no route " + key);
        }
        final int hops = route.nextHops().size();
        if (hops == 0)
        {
            throw new IllegalArgumentException("prefix: " + key + " is an interface's own route, without next hops to steer");
        }
        final int bucketCount = route.group() >= 0 ? tables.ecmpGroups().buckets(route.group()).length : ecmpBuckets;
        if (memberOfBucket.length != bucketCount)
        {
            throw new IllegalArgumentException("memberOfBucket: " + memberOfBucket.length + " buckets, but " + key + " has " +
                bucketCount + " ECMP buckets: one entry for each is expected");
        }
        for (int b = 0; b < bucketCount; b++)
        {
            if (memberOfBucket[b] < 0 || memberOfBucket[b] >= hops)
            {
                throw new IllegalArgumentException("memberOfBucket: bucket " + b + " names next hop " + memberOfBucket[b] +
                    ", but " + key + " has " + hops + " next hop" + (hops == 1 ? " (index 0)" : "s (indices 0.." + (hops - 1) + ")"));
            }
        }
        if (route.group() < 0)
        {
            return false;
        }
        tables.ecmpGroups().assign(route.group(), memberOfBucket);
        final int[] owned = tables.ecmpGroups().weights(route.group());
        final List<NextHop> weighted = new ArrayList<>(hops);
        for (int i = 0; i < hops; i++)
        {
            final NextHop hop = route.nextHops().get(i);
            weighted.add(new NextHop(hop.kind(), hop.interfaceName(), hop.gatewayHi(), hop.gatewayLo(), owned[i], hop.tunnel()));
        }
        routes.put(key, new Route(route.target(), route.adjacencies(), route.group(), List.copyOf(weighted)));
        return true;
    }

    /**
     * Which next hop (index in the route's order) each flow-hash bucket of a route takes, or null
     * for a route without an ECMP group (for digests and tests).
     */
    public int[] memberOfBucket(final RouteKey key)
    {
        final Route route = routes.get(key);
        if (route == null || route.group() < 0)
        {
            return null;
        }
        final int[] table = tables.ecmpGroups().buckets(route.group());
        final int[] members = new int[table.length];
        for (int b = 0; b < table.length; b++)
        {
            int member = 0;
            while (route.adjacencies()[member] != table[b])
            {
                member++;
            }
            members[b] = member;
        }
        return members;
    }

    /** Routes with their next hops as configured (for show commands and digests). */
    public Map<RouteKey, List<NextHop>> routes()
    {
        final Map<RouteKey, List<NextHop>> view = new HashMap<>();
        routes.forEach((key, route) -> view.put(key, route.nextHops()));
        return view;
    }

    private InterfaceTable interfaces()
    {
        return tables.interfaces();
    }

    private Route localRoute()
    {
        tables.adjacencies().retain(localAdjacency);
        return new Route(RouteTarget.adjacency(localAdjacency), new int[] {localAdjacency}, -1, List.of());
    }

    private int existingGroup(final RouteKey key)
    {
        final Route route = routes.get(key);
        return route == null ? -1 : route.group();
    }

    private Route build(final int family, final List<NextHop> nextHops, final int reuseGroup)
    {
        if (nextHops.isEmpty())
        {
            throw new IllegalArgumentException("next hops: a route needs at least one");
        }
        if (nextHops.stream().allMatch(hop -> hop.weight() == 0))
        {
            // A route with one next hop has no ECMP group to refuse it: the check is here for all.
            throw new IllegalArgumentException("nextHops: every weight is 0; at least one next hop must carry traffic " +
                "(weight 0 makes a backup, used only while the others' links are down)");
        }
        final int[] adjacencies = new int[nextHops.size()];
        final int[] weights = new int[nextHops.size()];
        int built = 0;
        try
        {
            for (final NextHop hop : nextHops)
            {
                adjacencies[built] = acquire(family, hop);
                weights[built] = hop.weight();
                built++;
            }
            if (adjacencies.length == 1)
            {
                return new Route(RouteTarget.adjacency(adjacencies[0]), adjacencies, -1, List.copyOf(nextHops));
            }
            final int group;
            if (reuseGroup >= 0)
            {
                // Same route, new members or weights: rebalance in place so only the moved share of flows moves.
                tables.ecmpGroups().set(reuseGroup, adjacencies, weights, ecmpBuckets);
                group = reuseGroup;
            }
            else
            {
                group = tables.ecmpGroups().create(adjacencies, weights, ecmpBuckets);
            }
            return new Route(RouteTarget.group(group), adjacencies, group, List.copyOf(nextHops));
        }
        catch (final RuntimeException ex)
        {
            for (int i = 0; i < built; i++)
            {
                tables.adjacencies().release(adjacencies[i]);
            }
            throw ex;
        }
    }

    private int acquire(final int family, final NextHop hop)
    {
        final AdjacencyTable adjacencies = tables.adjacencies();
        switch (hop.kind())
        {
            case DROP:
                return adjacencies.acquireDrop();
            case LOCAL:
                return adjacencies.acquireLocal();
            case TUNNEL:
            {
                final int tunnel = tunnels.index(hop.tunnel());
                if (tunnel < 0)
                {
                    throw new IllegalArgumentException("tunnel: no tunnel named '" + hop.tunnel() + "'");
                }
                return adjacencies.acquireTunnel(tunnel, tunnels.encapStage(tunnel));
            }
            default:
                break;
        }
        final Interface itf = egressInterface(family, hop);
        if (family == 4)
        {
            final int adjacency = adjacencies.acquireIpv4Neighbor(itf, hop.gatewayIpv4());
            final long mac = tables.neighbors().lookupIpv4(itf.index(), hop.gatewayIpv4());
            if (mac != 0)
            {
                adjacencies.resolveIpv4(itf.index(), hop.gatewayIpv4(), mac & ~AdjacencyTable.RESOLVED);
            }
            return adjacency;
        }
        final int adjacency = adjacencies.acquireIpv6Neighbor(itf, hop.gatewayHi(), hop.gatewayLo());
        final long mac = tables.neighbors().lookupIpv6(itf.index(), hop.gatewayHi(), hop.gatewayLo());
        if (mac != 0)
        {
            adjacencies.resolveIpv6(itf.index(), hop.gatewayHi(), hop.gatewayLo(), mac & ~AdjacencyTable.RESOLVED);
        }
        return adjacency;
    }

    private Interface egressInterface(final int family, final NextHop hop)
    {
        if (hop.interfaceName() != null)
        {
            final Interface itf = interfaces().byName(hop.interfaceName());
            if (itf == null)
            {
                throw new IllegalArgumentException("interface: no interface named '" + hop.interfaceName() + "'");
            }
            return itf;
        }
        for (final Interface itf : interfaces().all())
        {
            if (family == 4 ? onLinkIpv4(itf, hop.gatewayIpv4()) : onLinkIpv6(itf, hop.gatewayHi(), hop.gatewayLo()))
            {
                return itf;
            }
        }
        throw new IllegalArgumentException("via: gateway " + (family == 4 ? Ipv4Header.toString(hop.gatewayIpv4()) :
            Ipv6Header.toString(hop.gatewayHi(), hop.gatewayLo())) + " is on no interface's subnet; name the interface");
    }

    private void install(final RouteKey key, final Route route)
    {
        final Route previous = routes.get(key);
        try
        {
            if (key.family() == 4)
            {
                tables.ipv4().add((int)key.hi(), key.length(), route.target());
            }
            else
            {
                tables.ipv6().add(key.hi(), key.lo(), key.length(), route.target());
            }
        }
        catch (final RuntimeException ex)
        {
            // Nothing half-applied: the LPM refused, so give back what the new route took.
            releaseAdjacencies(route);
            if (route.group() >= 0 && (previous == null || previous.group() != route.group()))
            {
                tables.ecmpGroups().delete(route.group());
            }
            throw ex;
        }
        routes.put(key, route);
        if (previous != null)
        {
            releaseAdjacencies(previous);
            if (previous.group() >= 0 && previous.group() != route.group())
            {
                retiredGroups.add(new long[] {previous.group(), gracePeriods.start()});
            }
        }
    }

    private boolean delete(final RouteKey key)
    {
        final Route route = routes.remove(key);
        if (route == null)
        {
            return false;
        }
        if (key.family() == 4)
        {
            tables.ipv4().delete((int)key.hi(), key.length());
        }
        else
        {
            tables.ipv6().delete(key.hi(), key.lo(), key.length());
        }
        releaseAdjacencies(route);
        if (route.group() >= 0)
        {
            retiredGroups.add(new long[] {route.group(), gracePeriods.start()});
        }
        return true;
    }

    private void releaseAdjacencies(final Route route)
    {
        for (final int adjacency : route.adjacencies())
        {
            tables.adjacencies().release(adjacency);
        }
    }

    private static boolean onLinkIpv4(final Interface itf, final int address)
    {
        for (int a = 0; a < itf.ipv4().length; a++)
        {
            final int mask = mask4(itf.ipv4Prefix()[a]);
            if ((itf.ipv4()[a] & mask) == (address & mask))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean onLinkIpv6(final Interface itf, final long hi, final long lo)
    {
        if (isLinkLocal(hi))
        {
            return itf.hasIpv6();
        }
        for (int a = 0; a < itf.ipv6Prefix().length; a++)
        {
            final int length = itf.ipv6Prefix()[a];
            if ((itf.ipv6()[2 * a] & mask6Hi(length)) == (hi & mask6Hi(length)) &&
                (itf.ipv6()[2 * a + 1] & mask6Lo(length)) == (lo & mask6Lo(length)))
            {
                return true;
            }
        }
        return false;
    }

    static boolean isLinkLocal(final long hi)
    {
        return (hi >>> 54) == (0xFE80L >>> 6);
    }

    public static int mask4(final int length)
    {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public static long mask6Hi(final int length)
    {
        return length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
    }

    public static long mask6Lo(final int length)
    {
        return length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
    }

    private static void checkLength(final String field, final int length, final int max)
    {
        if (length < 0 || length > max)
        {
            throw new IllegalArgumentException(field + ": " + length + " is outside 0.." + max);
        }
    }

    /** Applies learned bindings that fall inside one of the interface's connected subnets. */
    private final class NeighborSink implements NeighborEvents.Sink
    {
        @Override
        public void ipv4(final int interfaceIndex, final int address, final long mac)
        {
            if (interfaceIndex < interfaces().size() && onLinkIpv4(interfaces().get(interfaceIndex), address))
            {
                addIpv4Neighbor(interfaces().get(interfaceIndex), address, mac);
            }
        }

        @Override
        public void ipv6(final int interfaceIndex, final long hi, final long lo, final long mac)
        {
            if (interfaceIndex < interfaces().size() && onLinkIpv6(interfaces().get(interfaceIndex), hi, lo))
            {
                addIpv6Neighbor(interfaces().get(interfaceIndex), hi, lo, mac);
            }
        }
    }

    /** For listings: all routes sorted by family, then prefix length, then prefix. */
    public List<RouteKey> sortedRouteKeys()
    {
        final List<RouteKey> keys = new ArrayList<>(routes.keySet());
        keys.sort((a, b) -> a.family() != b.family() ? Integer.compare(a.family(), b.family()) :
            a.length() != b.length() ? Integer.compare(a.length(), b.length()) :
            a.hi() != b.hi() ? Long.compareUnsigned(a.hi(), b.hi()) : Long.compareUnsigned(a.lo(), b.lo()));
        return keys;
    }
}
