package io.flowlane.dataplane.fib;

/** Receives the routes of an {@link Ipv4Lpm}, in order, from {@link Ipv4Lpm#forEachRoute}. */
@FunctionalInterface
public interface RouteVisitor
{
    /**
     * @param prefix the network address as a big-endian number (10.0.0.0 is {@code 0x0A000000})
     * @param depth  the prefix length, 0..32
     * @param target the route's {@link RouteTarget}
     */
    void route(int prefix, int depth, int target);
}
