package io.flowlane.dataplane.fib;

import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The longest-prefix-match engine behind {@link Ipv4Lpm} and {@link Ipv6Lpm}: DPDK's DIR-24-8
 * (rte_lpm, after Gupta, Lin and McKeown's "Routing lookups in hardware at memory access speeds")
 * generalised to any address width: one wide root level indexed by the first {@code firstStride}
 * bits, then levels of 256-entry nodes indexed by one address byte each. A lookup is one load per
 * level, at most {@code 1 + (addressBits - firstStride) / 8} loads (2 for IPv4 with a 24-bit root,
 * 15 for IPv6 with a 16-bit root).
 *
 * <h2>Addresses</h2>
 * An address or prefix is a 128-bit big-endian number passed as two longs, {@code hi} (bits 0..63,
 * most significant first) and {@code lo} (bits 64..127). Narrower families are left-aligned: an
 * IPv4 address {@code a} is {@code hi = (long)a << 32, lo = 0}, so bit positions and masks are the
 * same for every width.
 *
 * <h2>Memory</h2>
 * One off-heap segment of 32-bit entries (from {@link Arena#ofShared()}, so any thread may read
 * it): the root level of {@code 2^firstStride} entries, then a fixed pool of {@code nodeCount}
 * child nodes of 256 entries (1 KiB) each. An entry is
 * <pre>
 *   bit 31      valid
 *   bit 30      extended: bits 0..21 are the index of a child node, not a route target
 *   bits 22..29 depth (prefix length) of the rule that wrote the entry, 0..128
 *   bits 0..21  the rule's {@link RouteTarget}, or the child node index when extended
 * </pre>
 * An extended entry's depth bits are 0: the node it points to records the depths. An all-zero
 * entry is "no route", which is what freshly allocated (zeroed) memory holds.
 *
 * <h2>Updates</h2>
 * As in rte_lpm: a rule of depth {@code d} lives at the level whose stride ends at or after bit
 * {@code d}, where it owns a power-of-two range of entries. Adding overwrites the entries of that
 * range whose depth is at most {@code d} (longer rules already there keep their entries) and
 * descends into child nodes under the range to do the same. Deleting replaces the entries whose
 * depth is exactly {@code d} by the next-longest rule covering the prefix, or by "no route". The
 * rules themselves are kept on the writer's side, per depth, so that delete can find that
 * covering rule.
 *
 * <h2>Concurrency</h2>
 * One writer thread calls {@link #add}, {@link #delete}, {@link #reclaim} and the other control
 * methods; any number of readers look up concurrently without locks. Every entry change is one
 * aligned 32-bit store, so a reader sees each entry either before or after it, never torn, and
 * every store into a reachable entry is a release store, paired with acquire loads on the read
 * side, so that a reader that sees an entry also sees what it points to: a new node is filled
 * completely before the entry pointing to it is published, and a route target is published only
 * after whatever the writer set up for it (an adjacency) beforehand. A node that became redundant
 * (all 256 entries the same route that the parent entry can hold by itself) is first unlinked by
 * overwriting its parent entry with that route, and only returns to the free list once a grace
 * period that started after the unlink is over ({@link GracePeriods}), so a reader that loaded
 * the old parent entry never walks into a node that has been reused for another prefix.
 *
 * <p>Every intermediate state answers each address with either its old or its new route: a new
 * node starts as a copy of the entry it replaces, and a collapsed parent entry holds the route
 * every entry of the node held.
 */
final class MultibitTrie implements AutoCloseable
{
    static final int VALID = 1 << 31;
    static final int EXTENDED = 1 << 30;
    static final int DEPTH_SHIFT = RouteTarget.BITS;
    static final int DEPTH_MASK = 0xFF;
    static final int VALUE_MASK = RouteTarget.MASK;
    /** The node index shares the value bits, so the pool cannot hold more nodes than they can name. */
    static final int MAX_NODES = VALUE_MASK + 1;
    static final int NODE_ENTRIES = 256;
    /** log2 of a node's size in bytes: 256 entries of 4 bytes. */
    static final int NODE_SHIFT = 10;
    static final int STRIDE = 8;

    /**
     * (MemorySegment, long byteOffset) → int. Static final so that C2 treats it as a constant and
     * compiles every access down to one load or store.
     */
    static final VarHandle ENTRY = ValueLayout.JAVA_INT.varHandle();

    /** Cache-line aligned, as rte_lpm allocates its tables. */
    private static final long TABLE_ALIGNMENT = 64;
    private static final int NO_TARGET = RouteTarget.NONE;

    private final int addressBits;
    private final int firstStride;
    private final int levels;
    private final int nodeCount;
    private final long rootBytes;
    private final Arena arena;
    private final MemorySegment table;
    private final GracePeriods gracePeriods;

    // ---- writer-side state ----

    /** Rules by depth, created on first use. */
    private final RuleTable[] rulesByDepth;
    /** A stack of free node indices. */
    private final int[] freeNodes;
    private int freeCount;
    /** A FIFO ring of unlinked nodes waiting for their grace period; tokens only grow, so the head is always the oldest. */
    private final int[] retiredNodes;
    private final long[] retiredTokens;
    private int retiredHead;
    private int retiredCount;
    /** Scratch for delete: per level, the offset of the entry followed on the path to the prefix. */
    private final long[] pathEntryOffsets;
    /** Scratch for delete: nodes unlinked by the current operation. */
    private final int[] unlinkedNodes;
    private int routeCount;
    private boolean closed;

    /**
     * @param addressBits  32 or 128 (any multiple of 8 up to 128 works)
     * @param firstStride  bits indexed by the root level: a multiple of 8, at most 24 and at most {@code addressBits}
     * @param nodeCount    how many 256-entry child nodes to allocate, 0..{@link #MAX_NODES}
     */
    MultibitTrie(final int addressBits, final int firstStride, final int nodeCount, final GracePeriods gracePeriods)
    {
        if (addressBits < STRIDE || addressBits > 128 || addressBits % STRIDE != 0)
        {
            throw new IllegalArgumentException("addressBits: " + addressBits + " is not a multiple of 8 in 8..128");
        }
        if (firstStride < STRIDE || firstStride > 24 || firstStride % STRIDE != 0 || firstStride > addressBits)
        {
            throw new IllegalArgumentException("firstStride: " + firstStride + " is not a multiple of 8 in 8..min(24, addressBits)");
        }
        if (nodeCount < 0 || nodeCount > MAX_NODES)
        {
            throw new IllegalArgumentException("nodeCount: " + nodeCount + " is outside 0.." + MAX_NODES);
        }
        if (gracePeriods == null)
        {
            throw new IllegalArgumentException("gracePeriods: null (use GracePeriods.NONE when there are no concurrent readers)");
        }
        this.addressBits = addressBits;
        this.firstStride = firstStride;
        this.levels = 1 + (addressBits - firstStride) / STRIDE;
        this.nodeCount = nodeCount;
        this.gracePeriods = gracePeriods;
        this.rootBytes = (long)Integer.BYTES << firstStride;
        this.arena = Arena.ofShared();
        // Zero-filled by the arena: every entry starts as "no route" and every node as empty.
        this.table = arena.allocate(rootBytes + ((long)nodeCount << NODE_SHIFT), TABLE_ALIGNMENT);
        this.rulesByDepth = new RuleTable[addressBits + 1];
        this.freeNodes = new int[nodeCount];
        for (int node = 0; node < nodeCount; node++)
        {
            // Pushed in reverse so that node 0 is handed out first: dumps and tests are easier to read.
            freeNodes[node] = nodeCount - 1 - node;
        }
        this.freeCount = nodeCount;
        this.retiredNodes = new int[nodeCount];
        this.retiredTokens = new long[nodeCount];
        this.pathEntryOffsets = new long[levels];
        this.unlinkedNodes = new int[levels];
    }

    // ---- layout, for the specialised read paths of the facades ----

    /** The whole table: root entries from offset 0, then node {@code n} at {@link #rootBytes()} {@code + n * 1024}. */
    MemorySegment table()
    {
        return table;
    }

    long rootBytes()
    {
        return rootBytes;
    }

    /** Reads any entry; for tests and dumps that inspect the structure. */
    int entryAt(final long byteOffset)
    {
        return (int)ENTRY.getAcquire(table, byteOffset);
    }

    // ---- generic read path ----

    /** Walks the levels of an address; the facades have faster specialised copies of this. */
    int lookup(final long hi, final long lo)
    {
        int entry = (int)ENTRY.getAcquire(table, (hi >>> (Long.SIZE - firstStride)) << 2);
        int level = 1;
        while ((entry & EXTENDED) != 0)
        {
            entry = (int)ENTRY.getAcquire(table, nodeBase(entry & VALUE_MASK) + ((long)byteIndex(hi, lo, level) << 2));
            level++;
        }
        return entry < 0 ? entry & VALUE_MASK : NO_TARGET;
    }

    // ---- writer side ----

    /** Adds a rule, or replaces the target of an existing one. Writer thread only. */
    void add(final long hi, final long lo, final int depth, final int target)
    {
        checkOpen();
        checkPrefix(hi, lo, depth);
        if (!RouteTarget.isValid(target))
        {
            throw new IllegalArgumentException("target: " + target + " is outside 0.." + RouteTarget.MASK + " for " +
                describe(hi, lo, depth));
        }
        reclaim();
        final int ruleLevel = levelOf(depth);

        // Count the nodes the path needs before touching anything, so that a full table refuses
        // the rule whole instead of leaving a half-built path behind.
        long base = 0;
        int level = 0;
        while (level < ruleLevel)
        {
            final int entry = (int)ENTRY.get(table, base + ((long)index(hi, lo, level) << 2));
            if ((entry & EXTENDED) == 0)
            {
                break;
            }
            base = nodeBase(entry & VALUE_MASK);
            level++;
        }
        final int nodesNeeded = ruleLevel - level;
        if (nodesNeeded > freeCount)
        {
            throw new IllegalStateException("cannot add " + describe(hi, lo, depth) + ": the " + family() +
                " table is out of nodes (needs " + nodesNeeded + ", " + freeCount + " free of " + nodeCount +
                " configured, " + retiredCount + " waiting for a grace period)");
        }

        final RuleTable rules = rulesAt(depth);
        if (rules.put(hi, lo, target) == NO_TARGET)
        {
            routeCount++;
        }

        // Extend the path: each new node starts as 256 copies of the entry it replaces, so it
        // answers exactly as before, and is fully written before the release store that links it.
        while (level < ruleLevel)
        {
            final long parentOffset = base + ((long)index(hi, lo, level) << 2);
            final int inherited = (int)ENTRY.get(table, parentOffset);
            final int node = freeNodes[--freeCount];
            final long nodeBase = nodeBase(node);
            for (int i = 0; i < NODE_ENTRIES; i++)
            {
                ENTRY.set(table, nodeBase + ((long)i << 2), inherited);
            }
            ENTRY.setRelease(table, parentOffset, VALID | EXTENDED | node);
            base = nodeBase;
            level++;
        }
        final int first = index(hi, lo, ruleLevel);
        final int count = 1 << (levelEnd(ruleLevel) - depth);
        overwrite(base, first, count, VALID | (depth << DEPTH_SHIFT) | target, depth);
    }

    /** Deletes a rule; false if there was none. Writer thread only. */
    boolean delete(final long hi, final long lo, final int depth)
    {
        checkOpen();
        checkPrefix(hi, lo, depth);
        final RuleTable rules = rulesByDepth[depth];
        if (rules == null || rules.remove(hi, lo) == NO_TARGET)
        {
            return false;
        }
        routeCount--;
        final int replacement = coveringEntry(hi, lo, depth);
        final int ruleLevel = levelOf(depth);

        long base = 0;
        for (int level = 0; level < ruleLevel; level++)
        {
            final long entryOffset = base + ((long)index(hi, lo, level) << 2);
            final int entry = (int)ENTRY.get(table, entryOffset);
            if ((entry & EXTENDED) == 0)
            {
                throw new IllegalStateException("corrupt " + family() + " table: no node on the path of " +
                    describe(hi, lo, depth) + " at level " + level);
            }
            pathEntryOffsets[level] = entryOffset;
            base = nodeBase(entry & VALUE_MASK);
        }
        final int first = index(hi, lo, ruleLevel);
        final int count = 1 << (levelEnd(ruleLevel) - depth);
        replace(base, first, count, depth, replacement);

        // Collapse bottom-up: a node whose entries are now all one route short enough for its
        // parent entry to hold is replaced by that route (rte_lpm's tbl8 recycling, at every level).
        int unlinked = 0;
        for (int level = ruleLevel; level > 0; level--)
        {
            final long parentOffset = pathEntryOffsets[level - 1];
            final int parent = (int)ENTRY.get(table, parentOffset);
            final int node = parent & VALUE_MASK;
            final int collapsed = collapsedEntry(nodeBase(node), levelEnd(level - 1));
            if (collapsed == EXTENDED)
            {
                break;
            }
            ENTRY.setRelease(table, parentOffset, collapsed);
            unlinkedNodes[unlinked++] = node;
        }
        if (unlinked > 0)
        {
            // Started only after the unlinking stores: a reader that has passed a quiescent point
            // since can no longer reach these nodes.
            final long token = gracePeriods.start();
            for (int i = 0; i < unlinked; i++)
            {
                final int slot = (retiredHead + retiredCount) % nodeCount;
                retiredNodes[slot] = unlinkedNodes[i];
                retiredTokens[slot] = token;
                retiredCount++;
            }
        }
        return true;
    }

    /** Returns unlinked nodes whose grace period is over to the free list. Writer thread only. */
    void reclaim()
    {
        while (retiredCount > 0 && gracePeriods.completed(retiredTokens[retiredHead]))
        {
            freeNodes[freeCount++] = retiredNodes[retiredHead];
            retiredHead = (retiredHead + 1) % nodeCount;
            retiredCount--;
        }
    }

    int routeCount()
    {
        return routeCount;
    }

    /** Nodes linked into the table or waiting for a grace period. */
    int nodesInUse()
    {
        return nodeCount - freeCount;
    }

    int nodesWaitingForGracePeriod()
    {
        return retiredCount;
    }

    int nodeCapacity()
    {
        return nodeCount;
    }

    /** Visits every rule ordered by depth, then prefix as an unsigned number. Writer thread only; allocates. */
    void forEachRule(final RuleVisitor visitor)
    {
        for (int depth = 0; depth <= addressBits; depth++)
        {
            final RuleTable rules = rulesByDepth[depth];
            if (rules == null || rules.size() == 0)
            {
                continue;
            }
            final Rule[] sorted = rules.toArray();
            Arrays.sort(sorted, Rule.ORDER);
            for (final Rule rule : sorted)
            {
                visitor.rule(rule.hi(), rule.lo(), depth, rule.target());
            }
        }
    }

    /** Frees the memory; readers must be done with the table. Idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            arena.close();
        }
    }

    @FunctionalInterface
    interface RuleVisitor
    {
        void rule(long hi, long lo, int depth, int target);
    }

    // ---- internals ----

    /**
     * Writes {@code entry} over the entries of a range whose depth is at most {@code depth} and
     * recurses into child nodes under the range, where longer rules may hold some entries.
     */
    private void overwrite(final long base, final int first, final int count, final int entry, final int depth)
    {
        for (int i = first; i < first + count; i++)
        {
            final long offset = base + ((long)i << 2);
            final int current = (int)ENTRY.get(table, offset);
            if ((current & EXTENDED) != 0)
            {
                overwrite(nodeBase(current & VALUE_MASK), 0, NODE_ENTRIES, entry, depth);
            }
            else if (depthOf(current) <= depth)
            {
                ENTRY.setRelease(table, offset, entry);
            }
        }
    }

    /**
     * Writes {@code replacement} over the entries of a range that the deleted rule of
     * {@code depth} owned, in this node and the child nodes under the range. Every entry of the
     * range has a depth of at least {@code depth}: the rule overwrote the shorter ones when added,
     * and shorter rules added later left its entries alone.
     */
    private void replace(final long base, final int first, final int count, final int depth, final int replacement)
    {
        for (int i = first; i < first + count; i++)
        {
            final long offset = base + ((long)i << 2);
            final int current = (int)ENTRY.get(table, offset);
            if ((current & EXTENDED) != 0)
            {
                replace(nodeBase(current & VALUE_MASK), 0, NODE_ENTRIES, depth, replacement);
            }
            else if (depthOf(current) == depth)
            {
                ENTRY.setRelease(table, offset, replacement);
            }
        }
    }

    /**
     * The entry that can stand for a whole node: its entries all equal, none extended, and of a
     * depth the parent level can hold (no longer than {@code parentEnd}). {@link #EXTENDED} when
     * the node is still needed (a value no real collapsed entry has, since those are never extended).
     */
    private int collapsedEntry(final long nodeBase, final int parentEnd)
    {
        final int first = (int)ENTRY.get(table, nodeBase);
        if ((first & EXTENDED) != 0 || depthOf(first) > parentEnd)
        {
            return EXTENDED;
        }
        for (int i = 1; i < NODE_ENTRIES; i++)
        {
            if ((int)ENTRY.get(table, nodeBase + ((long)i << 2)) != first)
            {
                return EXTENDED;
            }
        }
        return first;
    }

    /** The entry of the longest rule shorter than {@code depth} that covers the prefix, or "no route". */
    private int coveringEntry(final long hi, final long lo, final int depth)
    {
        for (int shorter = depth - 1; shorter >= 0; shorter--)
        {
            final RuleTable rules = rulesByDepth[shorter];
            if (rules != null && rules.size() > 0)
            {
                final int target = rules.get(hi & maskHi(shorter), lo & maskLo(shorter));
                if (target != NO_TARGET)
                {
                    return VALID | (shorter << DEPTH_SHIFT) | target;
                }
            }
        }
        return 0;
    }

    private RuleTable rulesAt(final int depth)
    {
        RuleTable rules = rulesByDepth[depth];
        if (rules == null)
        {
            rules = new RuleTable();
            rulesByDepth[depth] = rules;
        }
        return rules;
    }

    private void checkPrefix(final long hi, final long lo, final int depth)
    {
        if (depth < 0 || depth > addressBits)
        {
            throw new IllegalArgumentException("depth: " + depth + " is outside 0.." + addressBits + " for " +
                family() + " prefix " + describeAddress(hi, lo));
        }
        if ((hi & ~maskHi(depth)) != 0 || (lo & ~maskLo(depth)) != 0)
        {
            // Rejected rather than masked: a prefix with host bits set is almost always a typo or
            // a mixed-up length, and silently routing something else would hide it.
            throw new IllegalArgumentException("prefix: " + describe(hi, lo, depth) + " has bits set beyond depth " +
                depth + " (did you mean " + describe(hi & maskHi(depth), lo & maskLo(depth), depth) + "?)");
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(family() + " table is closed");
        }
    }

    /** The level a rule of this depth lives at: the first whose stride ends at or after it. */
    private int levelOf(final int depth)
    {
        return depth <= firstStride ? 0 : (depth - firstStride + STRIDE - 1) / STRIDE;
    }

    /** How many address bits levels 0..level index together. */
    private int levelEnd(final int level)
    {
        return firstStride + STRIDE * level;
    }

    private int index(final long hi, final long lo, final int level)
    {
        return level == 0 ? (int)(hi >>> (Long.SIZE - firstStride)) : byteIndex(hi, lo, level);
    }

    /** The address byte that indexes a node at {@code level} (at least 1); strides are byte aligned. */
    private int byteIndex(final long hi, final long lo, final int level)
    {
        final int bit = firstStride + STRIDE * (level - 1);
        return bit < Long.SIZE ? (int)(hi >>> (Long.SIZE - STRIDE - bit)) & 0xFF :
            (int)(lo >>> (2 * Long.SIZE - STRIDE - bit)) & 0xFF;
    }

    private long nodeBase(final int node)
    {
        return rootBytes + ((long)node << NODE_SHIFT);
    }

    private static int depthOf(final int entry)
    {
        return (entry >>> DEPTH_SHIFT) & DEPTH_MASK;
    }

    static long maskHi(final int depth)
    {
        return depth >= Long.SIZE ? -1L : depth == 0 ? 0 : -1L << (Long.SIZE - depth);
    }

    static long maskLo(final int depth)
    {
        return depth <= Long.SIZE ? 0 : depth == 2 * Long.SIZE ? -1L : -1L << (2 * Long.SIZE - depth);
    }

    private String family()
    {
        return addressBits == 32 ? "IPv4" : addressBits == 128 ? "IPv6" : addressBits + "-bit";
    }

    private String describe(final long hi, final long lo, final int depth)
    {
        return describeAddress(hi, lo) + "/" + depth;
    }

    private String describeAddress(final long hi, final long lo)
    {
        if (addressBits == 32)
        {
            return Ipv4Header.toString((int)(hi >>> 32));
        }
        if (addressBits == 128)
        {
            return Ipv6Header.toString(hi, lo);
        }
        return String.format("%016x%016x", hi, lo);
    }

    /** One rule, for sorted dumps. */
    private record Rule(long hi, long lo, int target)
    {
        static final Comparator<Rule> ORDER = (a, b) -> a.hi != b.hi ? Long.compareUnsigned(a.hi, b.hi) :
            Long.compareUnsigned(a.lo, b.lo);
    }

    /**
     * The rules of one depth: prefix → target, open addressing with linear probing over primitive
     * arrays (a million IPv4 rules take about 40 MiB of heap here, several times less than boxed
     * maps). Deletion shifts later entries of the probe run back instead of leaving tombstones.
     */
    private static final class RuleTable
    {
        private static final int INITIAL_CAPACITY = 16;

        private long[] keyHi = new long[INITIAL_CAPACITY];
        private long[] keyLo = new long[INITIAL_CAPACITY];
        /** {@link RouteTarget#NONE} marks a free slot. */
        private int[] targets = emptyTargets(INITIAL_CAPACITY);
        private int size;

        int size()
        {
            return size;
        }

        int get(final long hi, final long lo)
        {
            final int mask = targets.length - 1;
            for (int slot = hash(hi, lo) & mask; ; slot = (slot + 1) & mask)
            {
                if (targets[slot] == NO_TARGET)
                {
                    return NO_TARGET;
                }
                if (keyHi[slot] == hi && keyLo[slot] == lo)
                {
                    return targets[slot];
                }
            }
        }

        /** Returns the previous target or {@link RouteTarget#NONE}. */
        int put(final long hi, final long lo, final int target)
        {
            if ((size + 1) * 4L > targets.length * 3L)
            {
                grow();
            }
            final int mask = targets.length - 1;
            for (int slot = hash(hi, lo) & mask; ; slot = (slot + 1) & mask)
            {
                if (targets[slot] == NO_TARGET)
                {
                    keyHi[slot] = hi;
                    keyLo[slot] = lo;
                    targets[slot] = target;
                    size++;
                    return NO_TARGET;
                }
                if (keyHi[slot] == hi && keyLo[slot] == lo)
                {
                    final int previous = targets[slot];
                    targets[slot] = target;
                    return previous;
                }
            }
        }

        /** Returns the removed target or {@link RouteTarget#NONE}. */
        int remove(final long hi, final long lo)
        {
            final int mask = targets.length - 1;
            int slot = hash(hi, lo) & mask;
            while (true)
            {
                if (targets[slot] == NO_TARGET)
                {
                    return NO_TARGET;
                }
                if (keyHi[slot] == hi && keyLo[slot] == lo)
                {
                    break;
                }
                slot = (slot + 1) & mask;
            }
            final int removed = targets[slot];
            // Backward-shift deletion: move up any later entry of the run whose home slot is not
            // between the hole and itself, so that every probe run stays unbroken.
            int hole = slot;
            int next = (hole + 1) & mask;
            while (targets[next] != NO_TARGET)
            {
                final int home = hash(keyHi[next], keyLo[next]) & mask;
                final boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
                if (!stays)
                {
                    keyHi[hole] = keyHi[next];
                    keyLo[hole] = keyLo[next];
                    targets[hole] = targets[next];
                    hole = next;
                }
                next = (next + 1) & mask;
            }
            targets[hole] = NO_TARGET;
            size--;
            return removed;
        }

        Rule[] toArray()
        {
            final Rule[] rules = new Rule[size];
            int n = 0;
            for (int slot = 0; slot < targets.length; slot++)
            {
                if (targets[slot] != NO_TARGET)
                {
                    rules[n++] = new Rule(keyHi[slot], keyLo[slot], targets[slot]);
                }
            }
            return rules;
        }

        private void grow()
        {
            final long[] oldHi = keyHi;
            final long[] oldLo = keyLo;
            final int[] oldTargets = targets;
            final int capacity = oldTargets.length * 2;
            keyHi = new long[capacity];
            keyLo = new long[capacity];
            targets = emptyTargets(capacity);
            size = 0;
            for (int slot = 0; slot < oldTargets.length; slot++)
            {
                if (oldTargets[slot] != NO_TARGET)
                {
                    put(oldHi[slot], oldLo[slot], oldTargets[slot]);
                }
            }
        }

        private static int[] emptyTargets(final int capacity)
        {
            final int[] empty = new int[capacity];
            Arrays.fill(empty, NO_TARGET);
            return empty;
        }

        /** Mixes both halves into the low bits (IPv4 prefixes have only zeros in the low 32 bits of hi). */
        private static int hash(final long hi, final long lo)
        {
            long h = hi * 0x9E37_79B9_7F4A_7C15L + lo * 0xC2B2_AE3D_27D4_EB4FL;
            h ^= h >>> 32;
            h *= 0xD6E8_FEB8_6659_FD93L;
            h ^= h >>> 32;
            return (int)h;
        }
    }
}
