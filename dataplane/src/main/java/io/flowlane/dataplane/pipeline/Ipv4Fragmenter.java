package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u64;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

/**
 * Splits an IPv4 packet without DF into fragments that fit an MTU (RFC 791 §3.2, RFC 1812
 * §5.2.6), in place in the packet vector: the packet's own mbuf keeps the first fragment and
 * each later fragment gets a fresh mbuf from the pool, added to the vector as a new slot waiting
 * for the same stage. Fragments are copies, not the zero-copy chains of DPDK's ip_frag library:
 * a packet too big for its path is the exception, and single-segment mbufs keep every other
 * stage simple.
 *
 * <p>Later fragments carry only the options marked "copied" (RFC 791: security, source routes);
 * the others are overwritten with no-operation options, so every fragment keeps the same header
 * length and therefore the same 8-byte data boundaries.
 */
public final class Ipv4Fragmenter
{
    private static final int OPTION_END = 0;
    private static final int OPTION_NOP = 1;
    private static final int OPTION_COPIED = 0x80;

    private final long pool;
    /** Native array the pool fills with the new fragments' mbufs (one bulk get, all or nothing). */
    private final long fresh;

    /**
     * @param pool the mbuf pool fragments come from (its address); 0 makes every attempt fail,
     *             so oversized packets are dropped as before
     */
    public Ipv4Fragmenter(final Arena arena, final long pool)
    {
        this.pool = pool;
        this.fresh = arena.allocate(ValueLayout.ADDRESS, PacketVector.CAPACITY).address();
    }

    /**
     * Cuts packet {@code i} (IPv4, single segment, DF clear, longer than {@code mtu}) into
     * fragments of at most {@code mtu} bytes. Slot {@code i} becomes the first fragment; the
     * others are added to the vector waiting for {@code stage}.
     *
     * @return null when the packet was cut (or already fits); otherwise, changing nothing, why the
     *         caller must drop it: {@link DropReason#MTU_EXCEEDED} when the MTU leaves less than 8
     *         data bytes per fragment (the path's MTU, which no node could meet), or
     *         {@link DropReason#FRAGMENT_NO_MBUF} when the pool has no mbufs or the vector no room
     *         for the fragments (this node's shortage)
     */
    public DropReason fragment(final PacketVector v, final int i, final int mtu, final byte stage)
    {
        final long ip = v.l3[i];
        final long mbuf = v.mbuf[i];
        final int headerLength = Ipv4Header.headerLength(ip);
        final int dataLength = v.l3Length[i] - headerLength;
        // Every fragment but the last carries a multiple of 8 data bytes (the offset's unit).
        final int perFragment = (mtu - headerLength) & ~7;
        if (perFragment < 8 || pool == 0 || Mbuf.segments(mbuf) != 1)
        {
            return DropReason.MTU_EXCEEDED;
        }
        final int later = (dataLength - 1) / perFragment;
        if (later == 0)
        {
            return null;
        }
        if (v.count + later > PacketVector.CAPACITY || FastPath.allocBulk(pool, fresh, later) != 0)
        {
            return DropReason.FRAGMENT_NO_MBUF;
        }
        final int flags = Ipv4Header.flagsAndFragment(ip);
        final int offset = flags & Ipv4Header.FRAGMENT_OFFSET_MASK;
        // A packet that is itself a non-final fragment keeps MF on its last piece too.
        final int lastMoreFragments = flags & Ipv4Header.FLAG_MF;
        for (int f = 1; f <= later; f++)
        {
            final long m = u64(fresh + (f - 1) * 8L);
            final long to = Mbuf.data(m);
            final int length = Math.min(perFragment, dataLength - f * perFragment);
            NativeMemory.move(ip, to, headerLength);
            dropUncopiedOptions(to, headerLength);
            NativeMemory.move(ip + headerLength + (long)f * perFragment, to + headerLength, length);
            finish(to, headerLength + length, offset + f * perFragment / 8, f < later ? Ipv4Header.FLAG_MF : lastMoreFragments);
            Mbuf.setLength(m, headerLength + length);
            Mbuf.copyRssHash(mbuf, m);
            v.add(i, m, to, headerLength + length, stage);
        }
        Mbuf.trim(mbuf, dataLength - perFragment);
        finish(ip, headerLength + perFragment, offset, Ipv4Header.FLAG_MF);
        v.l3Length[i] = headerLength + perFragment;
        v.stats.events[WorkerEvent.IP4_FRAGMENTS_MADE.ordinal()] += later + 1;
        return null;
    }

    private static void finish(final long ip, final int totalLength, final int offset, final int moreFragments)
    {
        u16be(ip + Ipv4Header.TOTAL_LENGTH, totalLength);
        u16be(ip + Ipv4Header.FLAGS_FRAGMENT, moreFragments | offset);
        Ipv4Header.updateChecksum(ip);
    }

    private static void dropUncopiedOptions(final long ip, final int headerLength)
    {
        long at = ip + Ipv4Header.MIN_LENGTH;
        final long end = ip + headerLength;
        while (at < end)
        {
            final int type = u8(at);
            if (type == OPTION_END)
            {
                return;
            }
            if (type == OPTION_NOP)
            {
                at++;
                continue;
            }
            final int length = at + 1 < end ? u8(at + 1) : 0;
            if (length < 2 || at + length > end)
            {
                // Malformed: blank the rest rather than carry bytes we cannot parse.
                NativeMemory.zero(at, (int)(end - at));
                return;
            }
            if ((type & OPTION_COPIED) == 0)
            {
                for (int b = 0; b < length; b++)
                {
                    u8(at + b, OPTION_NOP);
                }
            }
            at += length;
        }
    }
}
