package io.flowlane.dataplane.packet;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

/** The Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
public final class Checksum
{
    private Checksum()
    {
    }

    /**
     * Adds {@code length} bytes at {@code address} to a running one's complement sum, 32 bits
     * at a time (the carries accumulate in the upper half of the long and fold in {@link #fold}).
     */
    public static long add(final long sum, final long address, final int length)
    {
        long acc = sum;
        int i = 0;
        for (; i + 4 <= length; i += 4)
        {
            acc += u32be(address + i) & 0xFFFF_FFFFL;
        }
        if (i + 2 <= length)
        {
            acc += u16be(address + i);
            i += 2;
        }
        if (i < length)
        {
            acc += u8(address + i) << 8;
        }
        return acc;
    }

    /** Folds a running sum to 16 bits and complements it: the value to store in a header. */
    public static int fold(final long sum)
    {
        long s = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int)(~s & 0xFFFF);
    }

    /** The checksum of a byte range, as it should be stored (its field must be zero while summing). */
    public static int compute(final long address, final int length)
    {
        return fold(add(0, address, length));
    }

    /** True when a range that includes its own checksum field sums to all ones, i.e. verifies. */
    public static boolean verifies(final long address, final int length)
    {
        return fold(add(0, address, length)) == 0;
    }

    /**
     * RFC 1624 eqn. 3: the new checksum when one 16-bit word of the covered data changes from
     * {@code oldWord} to {@code newWord}. Unlike RFC 1141's shortcut it never produces 0xFFFF
     * for a header whose true sum is zero.
     */
    public static int update(final int checksum, final int oldWord, final int newWord)
    {
        int sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }
}
