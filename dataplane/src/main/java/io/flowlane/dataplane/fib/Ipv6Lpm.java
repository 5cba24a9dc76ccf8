package io.flowlane.dataplane.fib;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * IPv6 longest-prefix match: a 2^16-entry root (256 KiB) indexed by the first 16 bits, then
 * 256-entry nodes indexed by one address byte each, like DPDK's rte_lpm6. A lookup is one load
 * per level: 1 for a /16, 3 for a /32, 5 for a /48, 15 for a /128.
 *
 * <p>Memory, all off-heap: 256 KiB for the root plus 1 KiB per node configured. A route of
 * depth {@code d > 16} needs a node at each level between the root and the level holding bit
 * {@code d}, shared with every other route that agrees with it on the bits above: a /48 costs up
 * to 4 nodes, a /128 up to 14. Size the pool from the number and spread of prefixes.
 *
 * <p>Addresses are two longs: {@code hi} holds bytes 0..7 of the address big-endian (2001:db8::
 * is {@code hi = 0x2001_0db8_0000_0000L}), {@code lo} bytes 8..15.
 *
 * <p>Threading as {@link Ipv4Lpm}: one writer, lock-free concurrent {@link #lookup}.
 */
public final class Ipv6Lpm implements AutoCloseable
{
    private static final int ADDRESS_BITS = 128;
    private static final int ROOT_BITS = 16;
    private static final VarHandle ENTRY = MultibitTrie.ENTRY;
    private static final int EXTENDED = MultibitTrie.EXTENDED;
    private static final int VALUE_MASK = MultibitTrie.VALUE_MASK;
    private static final int NODE_SHIFT = MultibitTrie.NODE_SHIFT;

    private final MultibitTrie trie;
    /** The root from offset 0, then the nodes from {@link #nodeBase}. */
    private final MemorySegment table;
    private final long nodeBase;

    /**
     * @param nodes        how many 256-entry nodes, 0..2^22 (1 KiB each)
     * @param gracePeriods tells when readers can no longer see a node freed by a delete
     *                     ({@link GracePeriods#NONE} when nothing reads concurrently)
     */
    public Ipv6Lpm(final int nodes, final GracePeriods gracePeriods)
    {
        if (nodes < 0 || nodes > MultibitTrie.MAX_NODES)
        {
            throw new IllegalArgumentException("nodes: " + nodes + " is outside 0.." + MultibitTrie.MAX_NODES);
        }
        trie = new MultibitTrie(ADDRESS_BITS, ROOT_BITS, nodes, gracePeriods);
        table = trie.table();
        nodeBase = trie.rootBytes();
    }

    /**
     * The target of the longest prefix covering the address, or {@link RouteTarget#NONE}. One
     * acquire load per level (see {@link Ipv4Lpm#lookup}), no allocation, no locks.
     */
    public int lookup(final long hi, final long lo)
    {
        int entry = (int)ENTRY.getAcquire(table, (hi >>> (Long.SIZE - ROOT_BITS)) << 2);
        // The byte indexing the next level: bytes 2..7 of hi, then bytes 0..7 of lo.
        long bits = hi;
        int shift = Long.SIZE - ROOT_BITS - Byte.SIZE;
        while ((entry & EXTENDED) != 0)
        {
            if (shift < 0)
            {
                bits = lo;
                shift = Long.SIZE - Byte.SIZE;
            }
            entry = (int)ENTRY.getAcquire(table,
                nodeBase + ((long)(entry & VALUE_MASK) << NODE_SHIFT) + (((bits >>> shift) & 0xFF) << 2));
            shift -= Byte.SIZE;
        }
        return entry < 0 ? entry & VALUE_MASK : RouteTarget.NONE;
    }

    /**
     * Adds a route, or replaces the target of an existing one. Changes nothing when it throws.
     *
     * @param depth  prefix length 0..128; bits of (hi, lo) beyond it must be zero
     * @param target a {@link RouteTarget}, 0..{@link RouteTarget#MASK}
     * @throws IllegalArgumentException naming depth, target or prefix when one is out of range
     * @throws IllegalStateException    when the route needs more nodes than are free
     */
    public void add(final long hi, final long lo, final int depth, final int target)
    {
        trie.add(hi, lo, depth, target);
    }

    /**
     * Removes a route; addresses it covered fall back to the next-longest covering route.
     *
     * @return false if there was no such route
     */
    public boolean delete(final long hi, final long lo, final int depth)
    {
        return trie.delete(hi, lo, depth);
    }

    /** Returns nodes freed by deletes to the free list once readers can no longer see them. */
    public void reclaim()
    {
        trie.reclaim();
    }

    public int routeCount()
    {
        return trie.routeCount();
    }

    /** Nodes linked into the table or still waiting for a grace period. */
    public int nodesInUse()
    {
        return trie.nodesInUse();
    }

    public int nodeCapacity()
    {
        return trie.nodeCapacity();
    }

    /** Visits every route, ordered by depth, then prefix as an unsigned 128-bit number. */
    public void forEachRoute(final Ipv6RouteVisitor visitor)
    {
        trie.forEachRule(visitor::route);
    }

    /** Frees the off-heap memory; no reader may use the table any more. */
    @Override
    public void close()
    {
        trie.close();
    }

    /** For tests that look at the structure. */
    MultibitTrie trie()
    {
        return trie;
    }
}
