package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Mbuf;

/**
 * Turns the offending packet itself into the ICMP error about it (time exceeded, fragmentation
 * needed), so no buffer is allocated: the new IPv4 and ICMP headers go in front of the original
 * header, the quote is cut to that header plus 8 bytes (RFC 792, RFC 1812 §4.3.2.3), and the
 * result goes back to lookup to be routed to the original source.
 */
public final class Icmp4Error implements Stage
{
    private static final int PREFIX = Ipv4Header.MIN_LENGTH + IcmpHeader.LENGTH;
    /** RFC 1812 §4.3.2.5: ICMP errors are sent with precedence 6 (internetwork control). */
    private static final int TOS_INTERNETWORK_CONTROL = 0xC0;

    private final IcmpRateLimiter rateLimiter;
    private int identification;

    public Icmp4Error(final IcmpRateLimiter rateLimiter)
    {
        this.rateLimiter = rateLimiter;
    }

    @Override
    public byte id()
    {
        return StageId.ICMP4_ERROR;
    }

    @Override
    public void process(final PacketVector v)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.ICMP4_ERROR)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int headerLength = Ipv4Header.headerLength(ip);
            final int originalSource = Ipv4Header.source(ip);
            if (Ipv4Header.isLaterFragment(ip) || isIcmpError(ip, headerLength, v.l3Length[i]))
            {
                v.drop(i, DropReason.ICMP_SUPPRESSED);
                continue;
            }
            final int source = v.tables.interfaces().get(v.rxInterface[i]).primaryIpv4();
            if (source == 0)
            {
                v.drop(i, DropReason.NO_SOURCE_ADDRESS);
                continue;
            }
            if (!rateLimiter.tryAcquire())
            {
                v.drop(i, DropReason.ICMP_RATE_LIMITED);
                continue;
            }
            final long m = v.mbuf[i];
            final int quote = Math.min(v.l3Length[i], headerLength + 8);
            final long newIp = ip - PREFIX;
            if (!L2Header.moveStart(m, newIp))
            {
                v.drop(i, DropReason.NO_HEADROOM);
                continue;
            }
            Mbuf.trim(m, Mbuf.dataLength(m) - (PREFIX + quote));

            final int error = v.icmpError[i];
            final long icmp = newIp + Ipv4Header.MIN_LENGTH;
            IcmpHeader.typeAndCode(icmp, error >>> 24, (error >>> 16) & 0xFF);
            IcmpHeader.checksum(icmp, 0);
            // Rest of header: unused, except "fragmentation needed" carries the next-hop MTU (RFC 1191).
            u16be(icmp + 4, 0);
            u16be(icmp + 6, error & 0xFFFF);
            IcmpHeader.checksum(icmp, Checksum.compute(icmp, IcmpHeader.LENGTH + quote));
            Ipv4Header.write(newIp, TOS_INTERNETWORK_CONTROL, PREFIX + quote, identification++ & 0xFFFF, 0, 64,
                Ipv4Header.PROTO_ICMP, source, originalSource);

            v.l3[i] = newIp;
            v.l3Length[i] = PREFIX + quote;
            v.stats.event(WorkerEvent.ICMP_ERRORS_SENT);
            v.to(i, StageId.IP4_LOOKUP);
        }
    }

    private static boolean isIcmpError(final long ip, final int headerLength, final int l3Length)
    {
        return Ipv4Header.protocol(ip) == Ipv4Header.PROTO_ICMP && l3Length > headerLength &&
            IcmpHeader.isV4Error(u8(ip + headerLength));
    }
}
