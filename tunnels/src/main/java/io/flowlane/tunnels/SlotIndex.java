package io.flowlane.tunnels;

/**
 * An immutable open-addressing hash index from a 64-bit key hash to tunnel slots, for lookups on
 * the packet path without allocation. Lookups return candidates in probe order; the caller checks
 * each against the tunnel's fields (two keys may share a hash).
 */
final class SlotIndex
{
    private final int[] table;
    private final long[] hashes;
    private final int mask;

    SlotIndex(final long[] keyHashes, final int[] slots, final int count)
    {
        int size = 16;
        while (size < count * 2)
        {
            size <<= 1;
        }
        table = new int[size];
        hashes = new long[size];
        mask = size - 1;
        for (int e = 0; e < count; e++)
        {
            int at = (int)mix(keyHashes[e]) & mask;
            while (table[at] != 0)
            {
                at = (at + 1) & mask;
            }
            table[at] = slots[e] + 1;
            hashes[at] = keyHashes[e];
        }
    }

    /** First probe position for a key hash; pass it to {@link #slotAt} and {@link #next}. */
    int start(final long keyHash)
    {
        return (int)mix(keyHash) & mask;
    }

    /** The slot stored at a probe position, -2 if it holds another hash, -1 at the end of the chain. */
    int slotAt(final int position, final long keyHash)
    {
        final int entry = table[position];
        if (entry == 0)
        {
            return -1;
        }
        return hashes[position] == keyHash ? entry - 1 : -2;
    }

    int next(final int position)
    {
        return (position + 1) & mask;
    }

    static long mix(final long key)
    {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        h ^= h >>> 32;
        return h;
    }
}
