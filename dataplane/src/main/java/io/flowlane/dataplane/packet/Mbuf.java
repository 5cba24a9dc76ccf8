package io.flowlane.dataplane.packet;

import static io.flowlane.bindings.rte_mbuf.buf_addr$OFFSET;
import static io.flowlane.bindings.rte_mbuf.data_len$OFFSET;
import static io.flowlane.bindings.rte_mbuf.data_off$OFFSET;
import static io.flowlane.bindings.rte_mbuf.hash_rss$OFFSET;
import static io.flowlane.bindings.rte_mbuf.nb_segs$OFFSET;
import static io.flowlane.bindings.rte_mbuf.ol_flags$OFFSET;
import static io.flowlane.bindings.rte_mbuf.pkt_len$OFFSET;
import static io.flowlane.bindings.rte_mbuf.port$OFFSET;
import static io.flowlane.bindings.rte_mbuf.vlan_tci$OFFSET;
import static io.flowlane.dataplane.packet.NativeMemory.u16;
import static io.flowlane.dataplane.packet.NativeMemory.u32;
import static io.flowlane.dataplane.packet.NativeMemory.u64;

import io.flowlane.bindings.rte_mbuf;

/**
 * Reads and edits an rte_mbuf at a raw address: the data plane's view of a packet buffer.
 *
 * <p>Static methods over an address rather than an object, because the mbuf pointer is already
 * the packet's identity; a flyweight object would only add a field load. The length edits below
 * are DPDK's rte_pktmbuf_prepend/adj/append/trim for single-segment mbufs, done in Java so that
 * encapsulation never pays a downcall per packet (the shim exports the C versions, and a test
 * checks that the two agree).
 */
public final class Mbuf
{
    private Mbuf()
    {
    }

    /** Address of the first byte of packet data (buf_addr + data_off). */
    public static long data(final long mbuf)
    {
        return u64(mbuf + buf_addr$OFFSET) + (u16(mbuf + data_off$OFFSET) & 0xFFFF);
    }

    public static int dataLength(final long mbuf)
    {
        return u16(mbuf + data_len$OFFSET) & 0xFFFF;
    }

    public static int packetLength(final long mbuf)
    {
        return u32(mbuf + pkt_len$OFFSET);
    }

    public static int segments(final long mbuf)
    {
        return u16(mbuf + nb_segs$OFFSET) & 0xFFFF;
    }

    public static int port(final long mbuf)
    {
        return u16(mbuf + port$OFFSET) & 0xFFFF;
    }

    public static long offloadFlags(final long mbuf)
    {
        return u64(mbuf + ol_flags$OFFSET);
    }

    public static int rssHash(final long mbuf)
    {
        return u32(mbuf + hash_rss$OFFSET);
    }

    public static boolean hasRssHash(final long mbuf)
    {
        return (offloadFlags(mbuf) & rte_mbuf.RX_RSS_HASH) != 0;
    }

    /** Gives {@code to} the RSS hash of {@code from} (and only that flag), so both take one ECMP path. */
    public static void copyRssHash(final long from, final long to)
    {
        if (hasRssHash(from))
        {
            u32(to + hash_rss$OFFSET, rssHash(from));
            u64(to + ol_flags$OFFSET, offloadFlags(to) | rte_mbuf.RX_RSS_HASH);
        }
    }

    public static int vlanTci(final long mbuf)
    {
        return u16(mbuf + vlan_tci$OFFSET) & 0xFFFF;
    }

    public static int headroom(final long mbuf)
    {
        return u16(mbuf + data_off$OFFSET) & 0xFFFF;
    }

    public static int tailroom(final long mbuf)
    {
        final int bufLen = u16(mbuf + rte_mbuf.buf_len$OFFSET) & 0xFFFF;
        return bufLen - headroom(mbuf) - dataLength(mbuf);
    }

    /** Grows the packet at the front by {@code length} bytes; returns the new data address, or 0 if no headroom. */
    public static long prepend(final long mbuf, final int length)
    {
        final int headroom = headroom(mbuf);
        if (length > headroom)
        {
            return 0;
        }
        u16(mbuf + data_off$OFFSET, (headroom - length));
        u16(mbuf + data_len$OFFSET, (dataLength(mbuf) + length));
        u32(mbuf + pkt_len$OFFSET, packetLength(mbuf) + length);
        return data(mbuf);
    }

    /** Removes {@code length} bytes from the front; returns the new data address, or 0 if shorter than that. */
    public static long adj(final long mbuf, final int length)
    {
        final int dataLength = dataLength(mbuf);
        if (length > dataLength)
        {
            return 0;
        }
        u16(mbuf + data_off$OFFSET, (headroom(mbuf) + length));
        u16(mbuf + data_len$OFFSET, (dataLength - length));
        u32(mbuf + pkt_len$OFFSET, packetLength(mbuf) - length);
        return data(mbuf);
    }

    /** Grows the packet at the end; returns the address of the first appended byte, or 0 if no tailroom. */
    public static long append(final long mbuf, final int length)
    {
        if (length > tailroom(mbuf))
        {
            return 0;
        }
        final long tail = data(mbuf) + dataLength(mbuf);
        u16(mbuf + data_len$OFFSET, (dataLength(mbuf) + length));
        u32(mbuf + pkt_len$OFFSET, packetLength(mbuf) + length);
        return tail;
    }

    /** Removes {@code length} bytes from the end; false if the packet is shorter than that. */
    public static boolean trim(final long mbuf, final int length)
    {
        final int dataLength = dataLength(mbuf);
        if (length > dataLength)
        {
            return false;
        }
        u16(mbuf + data_len$OFFSET, (dataLength - length));
        u32(mbuf + pkt_len$OFFSET, packetLength(mbuf) - length);
        return true;
    }

    /** Sets the data length of a fresh single-segment mbuf (as a generator does after writing a frame). */
    public static void setLength(final long mbuf, final int length)
    {
        u16(mbuf + data_len$OFFSET, length);
        u32(mbuf + pkt_len$OFFSET, length);
    }

    /** Puts the data start back at the default headroom (rte_pktmbuf_reset_headroom), as a fresh mbuf has it. */
    public static void resetHeadroom(final long mbuf)
    {
        final int bufLen = u16(mbuf + rte_mbuf.buf_len$OFFSET) & 0xFFFF;
        u16(mbuf + data_off$OFFSET, (int)Math.min(rte_mbuf.HEADROOM, bufLen));
    }
}
