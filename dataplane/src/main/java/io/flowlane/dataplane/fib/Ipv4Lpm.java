package io.flowlane.dataplane.fib;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * IPv4 longest-prefix match with DIR-24-8, the scheme of DPDK's rte_lpm: a 2^24-entry tbl24
 * indexed by the top 24 bits of the address, and 256-entry tbl8 groups for the last byte under
 * the /24s that hold prefixes longer than /24. A lookup is one load, or two for an address under
 * such a /24.
 *
 * <p>Memory, all off-heap: tbl24 is 2^24 entries of 4 bytes = 64 MiB whatever the table holds,
 * plus 1 KiB per tbl8 group configured. Routes of /24 or shorter cost no tbl8 group; each /24
 * that contains routes longer than /24 costs one. {@link #DEFAULT_TBL8_GROUPS} (128 MiB) holds a
 * million prefixes of which a tenth are longer than /24 and spread over random /24s, far more
 * than a full Internet table needs (its longer-than-/24 prefixes are few).
 *
 * <p>Addresses and prefixes are ints holding the address as a big-endian number:
 * 10.0.0.1 is {@code 0x0A000001}.
 *
 * <p>Threading: one writer thread calls {@link #add}, {@link #delete}, {@link #reclaim},
 * {@link #forEachRoute}, the counters and {@link #close}; any number of threads call
 * {@link #lookup} concurrently, without locks, and see each address's route either before or
 * after a concurrent change (see {@link MultibitTrie} for how).
 */
public final class Ipv4Lpm implements AutoCloseable
{
    /** 2^17 tbl8 groups, 128 MiB. */
    public static final int DEFAULT_TBL8_GROUPS = 1 << 17;

    private static final int ADDRESS_BITS = 32;
    private static final int TBL24_BITS = 24;
    private static final VarHandle ENTRY = MultibitTrie.ENTRY;
    private static final int EXTENDED = MultibitTrie.EXTENDED;
    private static final int VALUE_MASK = MultibitTrie.VALUE_MASK;
    private static final int NODE_SHIFT = MultibitTrie.NODE_SHIFT;

    private final MultibitTrie trie;
    /** tbl24 from offset 0, then the tbl8 groups from {@link #tbl8Base}. */
    private final MemorySegment table;
    private final long tbl8Base;

    /**
     * @param tbl8Groups   how many 256-entry groups for prefixes longer than /24, 0..2^22 (1 KiB each)
     * @param gracePeriods tells when readers can no longer see a group freed by a delete
     *                     ({@link GracePeriods#NONE} when nothing reads concurrently)
     */
    public Ipv4Lpm(final int tbl8Groups, final GracePeriods gracePeriods)
    {
        if (tbl8Groups < 0 || tbl8Groups > MultibitTrie.MAX_NODES)
        {
            throw new IllegalArgumentException("tbl8Groups: " + tbl8Groups + " is outside 0.." + MultibitTrie.MAX_NODES);
        }
        trie = new MultibitTrie(ADDRESS_BITS, TBL24_BITS, tbl8Groups, gracePeriods);
        table = trie.table();
        tbl8Base = trie.rootBytes();
    }

    /**
     * The target of the longest prefix covering {@code address}, or {@link RouteTarget#NONE}.
     * At most two loads, no allocation, no locks. The loads are acquire loads, which on x86 cost
     * the same as plain ones, so that everything the writer set up before publishing an entry
     * (the tbl8 group it points to, the adjacency its target names) is visible here.
     */
    public int lookup(final int address)
    {
        int entry = (int)ENTRY.getAcquire(table, (long)(address >>> 8) << 2);
        if ((entry & EXTENDED) != 0)
        {
            entry = (int)ENTRY.getAcquire(table,
                tbl8Base + ((long)(entry & VALUE_MASK) << NODE_SHIFT) + ((long)(address & 0xFF) << 2));
        }
        // Valid is the sign bit; tbl8 entries are never extended.
        return entry < 0 ? entry & VALUE_MASK : RouteTarget.NONE;
    }

    /**
     * Adds a route, or replaces the target of an existing one. Changes nothing when it throws.
     *
     * @param prefix network address; bits beyond {@code depth} must be zero
     * @param depth  prefix length 0..32 (0 is the default route)
     * @param target a {@link RouteTarget}, 0..{@link RouteTarget#MASK}
     * @throws IllegalArgumentException naming depth, target or prefix when one is out of range
     * @throws IllegalStateException    when the route needs a tbl8 group and none is free
     */
    public void add(final int prefix, final int depth, final int target)
    {
        trie.add(hi(prefix), 0, depth, target);
    }

    /**
     * Removes a route; addresses it covered fall back to the next-longest covering route.
     *
     * @return false if there was no such route
     * @throws IllegalArgumentException naming depth or prefix when one is out of range
     */
    public boolean delete(final int prefix, final int depth)
    {
        return trie.delete(hi(prefix), 0, depth);
    }

    /** Returns tbl8 groups freed by deletes to the free list once readers can no longer see them. */
    public void reclaim()
    {
        trie.reclaim();
    }

    public int routeCount()
    {
        return trie.routeCount();
    }

    /** tbl8 groups linked into the table or still waiting for a grace period. */
    public int nodesInUse()
    {
        return trie.nodesInUse();
    }

    /** tbl8 groups configured. */
    public int nodeCapacity()
    {
        return trie.nodeCapacity();
    }

    /** Visits every route, ordered by depth, then prefix as an unsigned number (dumps, digests). */
    public void forEachRoute(final RouteVisitor visitor)
    {
        trie.forEachRule((hi, lo, depth, target) -> visitor.route((int)(hi >>> 32), depth, target));
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

    /** The engine's 128-bit form: IPv4 left-aligned in {@code hi}. */
    private static long hi(final int address)
    {
        return (long)address << 32;
    }
}
