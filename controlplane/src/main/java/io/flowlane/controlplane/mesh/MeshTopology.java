package io.flowlane.controlplane.mesh;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mesh of appliances as the operator configured it (seed 000, "Mesh Topology"): nodes with
 * their forwarding capacity and the links between them, each with its latency and bandwidth and
 * whether it is up. Immutable; nodes are kept sorted by id and links by (nodeA, nodeB) with
 * nodeA &lt; nodeB, so that every cluster member iterates them in the same order.
 *
 * @param maxPaths            paths kept per ingress-egress pair (1..{@link #MAX_PATHS})
 * @param healthTimeoutMillis a node that has not reported for this long (cluster time) is dead; 0 = never
 */
public record MeshTopology(List<Node> nodes, List<Link> links, int maxPaths, long healthTimeoutMillis)
{
    /**
     * At most this many nodes: every change recomputes all pairs' paths (docs/mesh.md has the cost),
     * and a route table of this mesh still fits one egress message.
     */
    public static final int MAX_NODES = 32;
    public static final int MAX_LINKS = 256;
    public static final int MAX_PATHS = 4;
    public static final int MAX_NODE_ID = 0xFFFF;
    public static final long MAX_LATENCY_MICROS = 10_000_000L;

    /** An appliance of the mesh. */
    public record Node(int id, String name, long capacityPacketsPerSecond)
    {
    }

    /** An undirected link; {@code nodeA < nodeB}. */
    public record Link(int nodeA, int nodeB, long latencyMicros, long bandwidthMbps, boolean up)
    {
        public boolean joins(final int a, final int b)
        {
            return (nodeA == a && nodeB == b) || (nodeA == b && nodeB == a);
        }
    }

    /** Thrown for a topology that cannot be accepted; names the field at fault. */
    public static final class InvalidException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;
        private final String field;

        public InvalidException(final String field, final String reason)
        {
            super(field + ": " + reason);
            this.field = field;
        }

        public String field()
        {
            return field;
        }
    }

    public MeshTopology
    {
        nodes = nodes.stream().sorted(Comparator.comparingInt(Node::id)).toList();
        links = links.stream().map(l -> l.nodeA() <= l.nodeB() ? l :
            new Link(l.nodeB(), l.nodeA(), l.latencyMicros(), l.bandwidthMbps(), l.up()))
            .sorted(Comparator.comparingInt(Link::nodeA).thenComparingInt(Link::nodeB)).toList();
        validate(nodes, links, maxPaths, healthTimeoutMillis);
    }

    private static void validate(final List<Node> nodes, final List<Link> links, final int maxPaths, final long healthTimeoutMillis)
    {
        if (nodes.isEmpty() || nodes.size() > MAX_NODES)
        {
            throw new InvalidException("nodes", "1.." + MAX_NODES + " nodes, not " + nodes.size());
        }
        if (links.size() > MAX_LINKS)
        {
            throw new InvalidException("links", "at most " + MAX_LINKS + " links, not " + links.size());
        }
        if (maxPaths < 1 || maxPaths > MAX_PATHS)
        {
            throw new InvalidException("maxPaths", "1.." + MAX_PATHS + ", not " + maxPaths);
        }
        if (healthTimeoutMillis < 0 || healthTimeoutMillis > 0xFFFF_FFFFL)
        {
            throw new InvalidException("healthTimeoutMillis", "0..2^32-1, not " + healthTimeoutMillis);
        }
        for (int i = 0; i < nodes.size(); i++)
        {
            final Node node = nodes.get(i);
            if (node.id() < 0 || node.id() > MAX_NODE_ID)
            {
                throw new InvalidException("nodeId", "0.." + MAX_NODE_ID + ", not " + node.id());
            }
            if (i > 0 && nodes.get(i - 1).id() == node.id())
            {
                throw new InvalidException("nodeId", "node " + node.id() + " twice");
            }
            if (node.capacityPacketsPerSecond() <= 0)
            {
                throw new InvalidException("capacityPacketsPerSecond", "node " + node.id() + ": must be positive");
            }
            if (node.name() == null || node.name().isEmpty() || node.name().length() > 63)
            {
                throw new InvalidException("name", "node " + node.id() + ": 1..63 characters");
            }
        }
        for (int i = 0; i < links.size(); i++)
        {
            final Link link = links.get(i);
            final String which = "link " + link.nodeA() + "-" + link.nodeB();
            if (link.nodeA() == link.nodeB())
            {
                throw new InvalidException("nodeB", which + ": joins a node to itself");
            }
            if (indexOf(nodes, link.nodeA()) < 0 || indexOf(nodes, link.nodeB()) < 0)
            {
                throw new InvalidException("nodeA", which + ": no such node");
            }
            if (i > 0 && links.get(i - 1).nodeA() == link.nodeA() && links.get(i - 1).nodeB() == link.nodeB())
            {
                throw new InvalidException("nodeB", which + ": twice");
            }
            if (link.latencyMicros() < 0 || link.latencyMicros() > MAX_LATENCY_MICROS)
            {
                throw new InvalidException("latencyMicros", which + ": 0.." + MAX_LATENCY_MICROS);
            }
            if (link.bandwidthMbps() <= 0 || link.bandwidthMbps() > 0xFFFF_FFFFL)
            {
                throw new InvalidException("bandwidthMbps", which + ": 1..2^32-1");
            }
        }
    }

    private static int indexOf(final List<Node> sortedNodes, final int id)
    {
        int low = 0;
        int high = sortedNodes.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final int midId = sortedNodes.get(mid).id();
            if (midId < id)
            {
                low = mid + 1;
            }
            else if (midId > id)
            {
                high = mid - 1;
            }
            else
            {
                return mid;
            }
        }
        return -1;
    }

    /** The node's position in {@link #nodes()}, or -1. */
    public int indexOf(final int nodeId)
    {
        return indexOf(nodes, nodeId);
    }

    public Node node(final int nodeId)
    {
        final int index = indexOf(nodeId);
        if (index < 0)
        {
            throw new InvalidException("nodeId", "no node " + nodeId);
        }
        return nodes.get(index);
    }

    /** The link between the two nodes (either order), or null. */
    public Link link(final int a, final int b)
    {
        for (final Link link : links)
        {
            if (link.joins(a, b))
            {
                return link;
            }
        }
        return null;
    }

    /**
     * This topology with one link's state changed (seed 000's connectivity maintained by the control plane).
     *
     * @param latencyMicros 0 keeps the link's latency
     * @param bandwidthMbps 0 keeps the link's bandwidth
     */
    public MeshTopology withLinkState(final int a, final int b, final boolean up, final long latencyMicros, final long bandwidthMbps)
    {
        final Link old = link(a, b);
        if (old == null)
        {
            throw new InvalidException("nodeB", "no link " + a + "-" + b);
        }
        final List<Link> changed = new ArrayList<>(links);
        changed.set(links.indexOf(old), new Link(old.nodeA(), old.nodeB(),
            latencyMicros == 0 ? old.latencyMicros() : latencyMicros,
            bandwidthMbps == 0 ? old.bandwidthMbps() : bandwidthMbps, up));
        return new MeshTopology(nodes, changed, maxPaths, healthTimeoutMillis);
    }

    /** A small helper for building topologies in code (tests, a CLI reading a file). */
    public static final class Builder
    {
        private final List<Node> nodes = new ArrayList<>();
        private final List<Link> links = new ArrayList<>();
        private int maxPaths = 3;
        private long healthTimeoutMillis;

        public Builder node(final int id, final String name, final long capacityPacketsPerSecond)
        {
            nodes.add(new Node(id, name, capacityPacketsPerSecond));
            return this;
        }

        public Builder link(final int a, final int b, final long latencyMicros, final long bandwidthMbps)
        {
            links.add(new Link(a, b, latencyMicros, bandwidthMbps, true));
            return this;
        }

        public Builder maxPaths(final int maxPaths)
        {
            this.maxPaths = maxPaths;
            return this;
        }

        public Builder healthTimeoutMillis(final long healthTimeoutMillis)
        {
            this.healthTimeoutMillis = healthTimeoutMillis;
            return this;
        }

        public MeshTopology build()
        {
            return new MeshTopology(nodes, links, maxPaths, healthTimeoutMillis);
        }
    }
}
