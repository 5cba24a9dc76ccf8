package io.flowlane.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The fields of DPDK 22.11's {@code struct rte_mbuf} that flowlane reads or writes, by offset.
 *
 * <p>rte_mbuf is full of unions and bitfields that jextract renders as opaque padding, so the
 * offsets are written here and checked against the compiler's {@code offsetof} (exported by the
 * shim's {@code fl_mbuf_layout}) when the data plane starts: a DPDK upgrade that moves a field
 * fails loudly at start-up instead of corrupting packets.
 */
@SuppressWarnings("checkstyle:all")
public final class rte_mbuf
{
    public static final long buf_addr$OFFSET = 0;
    public static final long data_off$OFFSET = 16;
    public static final long refcnt$OFFSET = 18;
    public static final long nb_segs$OFFSET = 20;
    public static final long port$OFFSET = 22;
    public static final long ol_flags$OFFSET = 24;
    public static final long packet_type$OFFSET = 32;
    public static final long pkt_len$OFFSET = 36;
    public static final long data_len$OFFSET = 40;
    public static final long vlan_tci$OFFSET = 42;
    public static final long hash_rss$OFFSET = 44;
    public static final long buf_len$OFFSET = 54;
    public static final long pool$OFFSET = 56;
    public static final long next$OFFSET = 64;
    public static final long priv_size$OFFSET = 88;
    public static final long SIZEOF = 128;
    public static final long HEADROOM = 128;

    /** ol_flags bit: the NIC computed hash.rss. */
    public static final long RX_RSS_HASH = 1L << 1;

    private static final long[] EXPECTED = {
        buf_addr$OFFSET, data_off$OFFSET, refcnt$OFFSET, nb_segs$OFFSET, port$OFFSET, ol_flags$OFFSET,
        packet_type$OFFSET, pkt_len$OFFSET, data_len$OFFSET, vlan_tci$OFFSET, hash_rss$OFFSET, buf_len$OFFSET,
        pool$OFFSET, next$OFFSET, priv_size$OFFSET, SIZEOF, HEADROOM,
    };
    private static final String[] NAMES = {
        "buf_addr", "data_off", "refcnt", "nb_segs", "port", "ol_flags", "packet_type", "pkt_len", "data_len",
        "vlan_tci", "hash.rss", "buf_len", "pool", "next", "priv_size", "sizeof(struct rte_mbuf)",
        "RTE_PKTMBUF_HEADROOM",
    };

    private rte_mbuf()
    {
    }

    /** Throws if the compiled DPDK's layout differs from the offsets above. */
    public static void verifyAgainstNative()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(ValueLayout.JAVA_INT, EXPECTED.length);
            final int written = flowlane_shim_h.fl_mbuf_layout(out, EXPECTED.length);
            if (written != EXPECTED.length)
            {
                throw new IllegalStateException("fl_mbuf_layout wrote " + written + " values, expected " + EXPECTED.length);
            }
            for (int i = 0; i < EXPECTED.length; i++)
            {
                final long actual = Integer.toUnsignedLong(out.getAtIndex(ValueLayout.JAVA_INT, i));
                if (actual != EXPECTED[i])
                {
                    throw new IllegalStateException("rte_mbuf." + NAMES[i] + " is at " + actual +
                        " in this DPDK build but flowlane expects " + EXPECTED[i]);
                }
            }
        }
    }
}
