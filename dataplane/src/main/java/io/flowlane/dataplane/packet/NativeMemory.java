package io.flowlane.dataplane.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One segment over the whole address space, so that packet code can read and write memory at
 * raw addresses (an mbuf, its data) without creating a {@code MemorySegment} per packet.
 *
 * <p>DPDK hands us addresses, not segments. Wrapping each one in {@code MemorySegment.ofAddress}
 * would allocate on the packet path; reading through a single {@code static final} segment
 * compiles to a plain load with a trivial bounds check. The price is C's: a wrong address is a
 * crash, not an exception, so every address used here comes from an mbuf DPDK gave us.
 */
public final class NativeMemory
{
    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** Network byte order (big-endian) views, unaligned because headers follow odd offsets. */
    public static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Host byte order views, for the rte_mbuf struct itself. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private NativeMemory()
    {
    }

    public static int u8(final long address)
    {
        return ALL.get(ValueLayout.JAVA_BYTE, address) & 0xFF;
    }

    public static void u8(final long address, final int value)
    {
        ALL.set(ValueLayout.JAVA_BYTE, address, (byte)value);
    }

    public static int u16be(final long address)
    {
        return ALL.get(U16_BE, address) & 0xFFFF;
    }

    public static void u16be(final long address, final int value)
    {
        ALL.set(U16_BE, address, (short)value);
    }

    public static int u32be(final long address)
    {
        return ALL.get(U32_BE, address);
    }

    public static void u32be(final long address, final int value)
    {
        ALL.set(U32_BE, address, value);
    }

    public static long u64be(final long address)
    {
        return ALL.get(U64_BE, address);
    }

    public static void u64be(final long address, final long value)
    {
        ALL.set(U64_BE, address, value);
    }

    /** A 48-bit MAC address read as the low 48 bits of a long, first octet most significant. */
    public static long mac(final long address)
    {
        return ((long)(ALL.get(U16_BE, address) & 0xFFFF) << 32) | (ALL.get(U32_BE, address + 2) & 0xFFFF_FFFFL);
    }

    public static void mac(final long address, final long mac)
    {
        ALL.set(U16_BE, address, (short)(mac >>> 32));
        ALL.set(U32_BE, address + 2, (int)mac);
    }

    /** Zeroes a range with plain stores (no slice object, so it is safe on the packet path). */
    public static void zero(final long address, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            ALL.set(U64, address + i, 0L);
        }
        for (; i < length; i++)
        {
            ALL.set(ValueLayout.JAVA_BYTE, address + i, (byte)0);
        }
    }

    /** memmove semantics: overlapping ranges are fine. */
    public static void move(final long from, final long to, final long length)
    {
        MemorySegment.copy(ALL, from, ALL, to, length);
    }
}
