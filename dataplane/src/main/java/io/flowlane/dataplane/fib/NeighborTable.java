package io.flowlane.dataplane.fib;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * IP → MAC bindings per interface (ARP and NDP results), read by workers for hosts on connected
 * subnets (glean adjacencies).
 *
 * <p>Open addressing with linear probing over plain arrays. One writer (the control thread)
 * inserts or updates; readers never block. A slot's key fields are written before its state
 * word, which is published with a release store, and readers load the state with acquire
 * semantics first, so a reader never matches a half-written key. Entries are never removed in
 * place (a flush publishes a new table), which keeps probing sequences valid for readers.
 */
public final class NeighborTable
{
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int mask;
    /** interface index + 1 once the slot is in use; 0 = empty. */
    private final int[] state;
    private final byte[] family;
    private final long[] keyHi;
    private final long[] keyLo;
    private final long[] mac;
    private final int maxEntries;
    private int size;

    public NeighborTable(final int capacity)
    {
        if (capacity < 1 || capacity > (1 << 24))
        {
            throw new IllegalArgumentException("neighbor capacity " + capacity + " is outside 1.." + (1 << 24));
        }
        // Keep the load factor at or below one half so probes stay short.
        final int slots = Integer.highestOneBit(capacity * 2 - 1) << 1;
        mask = slots - 1;
        maxEntries = capacity;
        state = new int[slots];
        family = new byte[slots];
        keyHi = new long[slots];
        keyLo = new long[slots];
        mac = new long[slots];
    }

    /** The MAC for an IPv4 neighbor on an interface, or 0 if unknown. */
    public long lookupIpv4(final int interfaceIndex, final int address)
    {
        return lookup(interfaceIndex, 4, address, 0);
    }

    public long lookupIpv6(final int interfaceIndex, final long hi, final long lo)
    {
        return lookup(interfaceIndex, 6, hi, lo);
    }

    /** Adds or updates a binding; returns false (and changes nothing) when the table is full. */
    public boolean putIpv4(final int interfaceIndex, final int address, final long macAddress)
    {
        return put(interfaceIndex, 4, address, 0, macAddress);
    }

    public boolean putIpv6(final int interfaceIndex, final long hi, final long lo, final long macAddress)
    {
        return put(interfaceIndex, 6, hi, lo, macAddress);
    }

    public int size()
    {
        return size;
    }

    /** Visits every binding (control thread). */
    public void forEach(final Visitor visitor)
    {
        for (int slot = 0; slot <= mask; slot++)
        {
            if (state[slot] != 0)
            {
                visitor.neighbor(state[slot] - 1, family[slot], keyHi[slot], keyLo[slot], mac[slot]);
            }
        }
    }

    /** One binding: for IPv4 the address is the low 32 bits of {@code hi}. */
    @FunctionalInterface
    public interface Visitor
    {
        void neighbor(int interfaceIndex, int family, long hi, long lo, long mac);
    }

    private long lookup(final int interfaceIndex, final int fam, final long hi, final long lo)
    {
        final int wanted = interfaceIndex + 1;
        for (int slot = hash(interfaceIndex, hi, lo) & mask; ; slot = (slot + 1) & mask)
        {
            final int s = (int)INTS.getAcquire(state, slot);
            if (s == 0)
            {
                return 0;
            }
            if (s == wanted && keyHi[slot] == hi && keyLo[slot] == lo && family[slot] == fam)
            {
                return (long)LONGS.getAcquire(mac, slot);
            }
        }
    }

    private boolean put(final int interfaceIndex, final int fam, final long hi, final long lo, final long macAddress)
    {
        final int wanted = interfaceIndex + 1;
        for (int slot = hash(interfaceIndex, hi, lo) & mask; ; slot = (slot + 1) & mask)
        {
            final int s = state[slot];
            if (s == 0)
            {
                if (size == maxEntries)
                {
                    return false;
                }
                family[slot] = (byte)fam;
                keyHi[slot] = hi;
                keyLo[slot] = lo;
                LONGS.setRelease(mac, slot, macAddress);
                INTS.setRelease(state, slot, wanted);
                size++;
                return true;
            }
            if (s == wanted && keyHi[slot] == hi && keyLo[slot] == lo && family[slot] == fam)
            {
                LONGS.setRelease(mac, slot, macAddress);
                return true;
            }
        }
    }

    private static int hash(final int interfaceIndex, final long hi, final long lo)
    {
        long h = (hi * 0x9E37_79B9_7F4A_7C15L) ^ (lo * 0xC2B2_AE3D_27D4_EB4FL) ^ interfaceIndex;
        h ^= h >>> 29;
        return (int)(h ^ (h >>> 32));
    }
}
