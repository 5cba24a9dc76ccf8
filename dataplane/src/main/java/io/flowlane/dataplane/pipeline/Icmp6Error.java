package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.port.Interface;

/**
 * ICMPv6 errors (RFC 4443) built in the offending packet's own buffer, like {@link Icmp4Error}:
 * new IPv6 and ICMPv6 headers in front, the original packet quoted as far as the whole error
 * fits in the IPv6 minimum MTU (§2.4(c)), then back to lookup.
 */
public final class Icmp6Error implements Stage
{
    private static final int PREFIX = Ipv6Header.LENGTH + IcmpHeader.LENGTH;

    private final IcmpRateLimiter rateLimiter;

    public Icmp6Error(final IcmpRateLimiter rateLimiter)
    {
        this.rateLimiter = rateLimiter;
    }

    @Override
    public byte id()
    {
        return StageId.ICMP6_ERROR;
    }

    @Override
    public void process(final PacketVector v)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.ICMP6_ERROR)
            {
                continue;
            }
            final long ip = v.l3[i];
            if (Ipv6Header.nextHeader(ip) == Ipv6Header.NEXT_ICMPV6 && v.l3Length[i] > Ipv6Header.LENGTH &&
                IcmpHeader.isV6Error(u8(ip + Ipv6Header.LENGTH)))
            {
                v.drop(i, DropReason.ICMP_SUPPRESSED);
                continue;
            }
            final Interface itf = v.tables.interfaces().get(v.rxInterface[i]);
            if (!itf.hasIpv6())
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
            final int quote = Math.min(v.l3Length[i], Ipv6Header.MIN_MTU - PREFIX);
            final long newIp = ip - PREFIX;
            if (!L2Header.moveStart(m, newIp))
            {
                v.drop(i, DropReason.NO_HEADROOM);
                continue;
            }
            Mbuf.trim(m, Mbuf.dataLength(m) - (PREFIX + quote));
            final long srcHi = Ipv6Header.sourceHi(ip);
            final long srcLo = Ipv6Header.sourceLo(ip);
            final long[] own = itf.ipv6();
            final int icmpLength = IcmpHeader.LENGTH + quote;
            Ipv6Header.write(newIp, icmpLength, Ipv6Header.NEXT_ICMPV6, 64, own[0], own[1], srcHi, srcLo);
            final long icmp = newIp + Ipv6Header.LENGTH;
            final int error = v.icmpError[i];
            IcmpHeader.typeAndCode(icmp, error >>> 24, (error >>> 16) & 0xFF);
            IcmpHeader.checksum(icmp, 0);
            // Packet Too Big carries the MTU in the 32-bit field after the checksum; others leave it zero.
            u32be(icmp + 4, error & 0xFFFF);
            IcmpHeader.checksum(icmp, Checksum.fold(Checksum.add(
                Ipv6Header.pseudoHeaderSum(newIp, icmpLength, Ipv6Header.NEXT_ICMPV6), icmp, icmpLength)));
            v.l3[i] = newIp;
            v.l3Length[i] = Ipv6Header.LENGTH + icmpLength;
            v.stats.event(WorkerEvent.ICMP_ERRORS_SENT);
            v.to(i, StageId.IP6_LOOKUP);
        }
    }
}
