package io.flowlane.dataplane.fib;

import io.flowlane.dataplane.port.Interface;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Adjacencies: what the packet path needs to send a routed packet one hop (VPP's term).
 *
 * <p>Each adjacency is an egress interface plus how to find the destination MAC: a known next
 * hop ({@link #NEIGHBOR}, MAC cached here once resolved), a connected subnet where the packet's
 * own destination is the next hop ({@link #GLEAN}, MAC looked up in the neighbor table per packet),
 * delivery to the appliance itself ({@link #LOCAL}), a discard route ({@link #DROP}), or a
 * tunnel ({@link #TUNNEL}: VPP's midchain; the packet goes to the tunnel's encapsulation stage,
 * and the outer packet is then routed like any other).
 *
 * <p>Threading: one writer (the control thread) creates, resolves and releases adjacencies;
 * workers only read. Fields other than the MAC never change while an adjacency is referenced,
 * and a released slot is reused only after a grace period, so a worker that looked an index up
 * in the previous burst never sees it repurposed. The MAC with its resolved bit is one long,
 * written with release semantics, so a reader sees either the old or the new MAC, never half.
 */
public final class AdjacencyTable
{
    public static final byte UNUSED = 0;
    public static final byte NEIGHBOR = 1;
    public static final byte GLEAN = 2;
    public static final byte LOCAL = 3;
    public static final byte DROP = 4;
    public static final byte TUNNEL = 5;

    /** Bit 63 of a destination MAC word: the MAC is known. */
    public static final long RESOLVED = 1L << 63;
    private static final VarHandle LONG_ARRAY = MethodHandles.arrayElementVarHandle(long[].class);

    private final byte[] kind;
    private final byte[] family;
    /** The egress interface's index; for {@link #TUNNEL}, the tunnel's index. */
    private final int[] interfaceIndex;
    /** For {@link #TUNNEL}: the encapsulation stage. */
    private final byte[] stage;
    private final int[] port;
    private final int[] vlan;
    private final int[] mtu;
    private final long[] srcMac;
    private final long[] dstMac;
    private final int[] nextHopV4;
    private final long[] nextHopV6Hi;
    private final long[] nextHopV6Lo;

    /**
     * One bit per DPDK port id below 64: its link is down, as the control thread last saw it
     * ({@code PortWatch}). Written by that thread only, read by every worker.
     */
    private volatile long portsDown;

    // Control-side bookkeeping (writer thread only).
    private final int[] references;
    private final Map<Key, Integer> byKey = new HashMap<>();
    private final ArrayDeque<long[]> retired = new ArrayDeque<>();
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final GracePeriods gracePeriods;
    private int highWater;

    private record Key(byte kind, int interfaceIndex, int family, long hi, long lo)
    {
    }

    public AdjacencyTable(final int capacity, final GracePeriods gracePeriods)
    {
        if (capacity < 1 || capacity > RouteTarget.MAX_INDEX + 1)
        {
            throw new IllegalArgumentException("adjacency capacity " + capacity + " is outside 1.." + (RouteTarget.MAX_INDEX + 1));
        }
        this.gracePeriods = gracePeriods;
        kind = new byte[capacity];
        family = new byte[capacity];
        interfaceIndex = new int[capacity];
        stage = new byte[capacity];
        port = new int[capacity];
        vlan = new int[capacity];
        mtu = new int[capacity];
        srcMac = new long[capacity];
        dstMac = new long[capacity];
        nextHopV4 = new int[capacity];
        nextHopV6Hi = new long[capacity];
        nextHopV6Lo = new long[capacity];
        references = new int[capacity];
    }

    // ---- read side (workers) ----

    public byte kind(final int adjacency)
    {
        return kind[adjacency];
    }

    public int port(final int adjacency)
    {
        return port[adjacency];
    }

    /** Whether the adjacency leaves through a port whose link is down, by the mask {@link #portsDown()} returned. */
    public boolean portDown(final int adjacency, final long down)
    {
        if (down == 0)
        {
            return false;
        }
        final byte k = kind[adjacency];
        final int p = port[adjacency];
        return (k == NEIGHBOR || k == GLEAN) && p < Long.SIZE && (down >>> p & 1) != 0;
    }

    /** The ports whose link is down (bit per port id below 64); a worker reads it once per burst. */
    public long portsDown()
    {
        return portsDown;
    }

    /** Control thread: the links that are down now (bit per port id below 64). */
    public void portsDown(final long mask)
    {
        portsDown = mask;
    }

    public int vlan(final int adjacency)
    {
        return vlan[adjacency];
    }

    public int mtu(final int adjacency)
    {
        return mtu[adjacency];
    }

    public int interfaceIndex(final int adjacency)
    {
        return interfaceIndex[adjacency];
    }

    /** For a {@link #TUNNEL} adjacency: the tunnel's index. */
    public int tunnel(final int adjacency)
    {
        return interfaceIndex[adjacency];
    }

    /** For a {@link #TUNNEL} adjacency: the stage that encapsulates into the tunnel. */
    public byte encapStage(final int adjacency)
    {
        return stage[adjacency];
    }

    public long sourceMac(final int adjacency)
    {
        return srcMac[adjacency];
    }

    /** The destination MAC with {@link #RESOLVED} set, or 0 while unresolved. */
    public long destinationMac(final int adjacency)
    {
        return (long)LONG_ARRAY.getAcquire(dstMac, adjacency);
    }

    public int nextHopV4(final int adjacency)
    {
        return nextHopV4[adjacency];
    }

    public long nextHopV6Hi(final int adjacency)
    {
        return nextHopV6Hi[adjacency];
    }

    public long nextHopV6Lo(final int adjacency)
    {
        return nextHopV6Lo[adjacency];
    }

    public int family(final int adjacency)
    {
        return family[adjacency];
    }

    public int capacity()
    {
        return kind.length;
    }

    // ---- write side (control thread) ----

    /** Finds or creates the adjacency to an IPv4 next hop on an interface and takes a reference. */
    public int acquireIpv4Neighbor(final Interface itf, final int nextHop)
    {
        return acquire(new Key(NEIGHBOR, itf.index(), 4, nextHop, 0), itf);
    }

    public int acquireIpv6Neighbor(final Interface itf, final long hi, final long lo)
    {
        return acquire(new Key(NEIGHBOR, itf.index(), 6, hi, lo), itf);
    }

    /** The adjacency for a connected subnet of an interface. */
    public int acquireGlean(final Interface itf, final int family)
    {
        return acquire(new Key(GLEAN, itf.index(), family, 0, 0), itf);
    }

    /** The adjacency into a tunnel: packets go to {@code encapStage} with the tunnel's index. */
    public int acquireTunnel(final int tunnel, final byte encapStage)
    {
        return acquire(new Key(TUNNEL, tunnel, 0, encapStage, 0), null);
    }

    public int acquireLocal()
    {
        return acquire(new Key(LOCAL, -1, 0, 0, 0), null);
    }

    public int acquireDrop()
    {
        return acquire(new Key(DROP, -1, 0, 0, 0), null);
    }

    /** Takes one more reference on an existing adjacency (a second route through it). */
    public void retain(final int adjacency)
    {
        if (kind[adjacency] == UNUSED)
        {
            throw new IllegalArgumentException("adjacency " + adjacency + " is not in use");
        }
        references[adjacency]++;
    }

    /** How many routes (references) use the adjacency into this tunnel; 0 if none. */
    public int tunnelReferences(final int tunnel, final byte encapStage)
    {
        final Integer adjacency = byKey.get(new Key(TUNNEL, tunnel, 0, encapStage, 0));
        return adjacency == null ? 0 : references[adjacency];
    }

    /** Drops a reference; the last one frees the slot after a grace period. */
    public void release(final int adjacency)
    {
        if (kind[adjacency] == UNUSED || references[adjacency] == 0)
        {
            throw new IllegalStateException("adjacency " + adjacency + " released more often than acquired");
        }
        if (--references[adjacency] > 0)
        {
            return;
        }
        byKey.remove(keyOf(adjacency));
        retired.add(new long[] {adjacency, gracePeriods.start()});
    }

    /** Sets the resolved MAC of every adjacency to this IPv4 next hop on this interface; returns how many. */
    public int resolveIpv4(final int interfaceIndex, final int nextHop, final long mac)
    {
        final Integer adjacency = byKey.get(new Key(NEIGHBOR, interfaceIndex, 4, nextHop, 0));
        if (adjacency == null)
        {
            return 0;
        }
        LONG_ARRAY.setRelease(dstMac, adjacency.intValue(), mac | RESOLVED);
        return 1;
    }

    public int resolveIpv6(final int interfaceIndex, final long hi, final long lo, final long mac)
    {
        final Integer adjacency = byKey.get(new Key(NEIGHBOR, interfaceIndex, 6, hi, lo));
        if (adjacency == null)
        {
            return 0;
        }
        LONG_ARRAY.setRelease(dstMac, adjacency.intValue(), mac | RESOLVED);
        return 1;
    }

    public int inUse()
    {
        return byKey.size();
    }

    public int references(final int adjacency)
    {
        return references[adjacency];
    }

    /** Returns slots whose grace period has passed to the free list. */
    public void reclaim()
    {
        while (!retired.isEmpty() && gracePeriods.completed(retired.peekFirst()[1]))
        {
            final int adjacency = (int)retired.pollFirst()[0];
            kind[adjacency] = UNUSED;
            LONG_ARRAY.setRelease(dstMac, adjacency, 0L);
            free.add(adjacency);
        }
    }

    private int acquire(final Key key, final Interface itf)
    {
        final Integer existing = byKey.get(key);
        if (existing != null)
        {
            references[existing]++;
            return existing;
        }
        reclaim();
        final int adjacency;
        if (!free.isEmpty())
        {
            adjacency = free.poll();
        }
        else if (highWater < kind.length)
        {
            adjacency = highWater++;
        }
        else
        {
            throw new IllegalStateException("adjacency table is full (" + kind.length + " entries)");
        }
        family[adjacency] = (byte)key.family();
        interfaceIndex[adjacency] = key.interfaceIndex();
        port[adjacency] = itf == null ? -1 : itf.port();
        vlan[adjacency] = itf == null ? 0 : itf.vlan();
        mtu[adjacency] = itf == null ? 0 : itf.mtu();
        srcMac[adjacency] = itf == null ? 0 : itf.mac();
        stage[adjacency] = key.kind() == TUNNEL ? (byte)key.hi() : 0;
        nextHopV4[adjacency] = key.family() == 4 ? (int)key.hi() : 0;
        nextHopV6Hi[adjacency] = key.family() == 6 ? key.hi() : 0;
        nextHopV6Lo[adjacency] = key.family() == 6 ? key.lo() : 0;
        LONG_ARRAY.setRelease(dstMac, adjacency, 0L);
        references[adjacency] = 1;
        // The kind is written last: together with the publication of the route that refers to
        // this slot (a release store in the LPM), readers see a complete adjacency.
        VarHandle.releaseFence();
        kind[adjacency] = key.kind();
        byKey.put(key, adjacency);
        return adjacency;
    }

    private Key keyOf(final int adjacency)
    {
        final int fam = family[adjacency];
        if (kind[adjacency] == TUNNEL)
        {
            return new Key(TUNNEL, interfaceIndex[adjacency], 0, stage[adjacency], 0);
        }
        return new Key(kind[adjacency], interfaceIndex[adjacency], fam,
            fam == 4 ? nextHopV4[adjacency] : nextHopV6Hi[adjacency], fam == 6 ? nextHopV6Lo[adjacency] : 0);
    }
}
