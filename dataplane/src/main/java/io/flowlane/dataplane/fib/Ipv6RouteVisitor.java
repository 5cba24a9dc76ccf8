package io.flowlane.dataplane.fib;

/** Receives the routes of an {@link Ipv6Lpm}, in order, from {@link Ipv6Lpm#forEachRoute}. */
@FunctionalInterface
public interface Ipv6RouteVisitor
{
    /**
     * @param hi     bytes 0..7 of the network address, big-endian
     * @param lo     bytes 8..15 of the network address, big-endian
     * @param depth  the prefix length, 0..128
     * @param target the route's {@link RouteTarget}
     */
    void route(long hi, long lo, int depth, int target);
}
