package io.flowlane.dataplane.pipeline;

/**
 * Whose fault a drop is, which decides what it says about the node that counted it. Only
 * {@link #NODE} drops say the node is failing: a mesh that scored a node by all its drops blamed
 * an ingress for what it still sent toward a neighbour that had just died (no-route,
 * tx-queue-full) and took its traffic away, and anyone who sends a node garbage could do the same.
 */
public enum DropBlame
{
    /**
     * The packet itself: malformed, not for forwarding (not for us, handled here, TTL spent),
     * or refused by a check it failed (ESP replay or ICV, GRE sequence). Any healthy node would
     * drop it too.
     */
    INPUT,
    /**
     * Where the packet must go: no route, a discard route, an unresolved neighbour, a full
     * transmit queue (the link or the peer does not take packets), a tunnel that is not there,
     * shaped, too small or whose SA is used up. The node works; the way on does not.
     */
    PATH,
    /**
     * The node itself failed a packet it should have forwarded: out of buffer room or mbufs,
     * the cipher library failed, or a fault was injected into it. What the mesh counts against
     * the node's health, together with the packets its ports could not take in (rx missed, no mbuf).
     */
    NODE,
    /** The configured outcome: policed by its traffic class or shed by the class's open breaker. */
    POLICY
}
