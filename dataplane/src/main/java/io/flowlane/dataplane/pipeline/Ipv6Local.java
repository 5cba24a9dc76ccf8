package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.mac;
import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u64be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.port.Interface;

/**
 * IPv6 addressed to us or to a link-local group: neighbor solicitations for our addresses are
 * answered (RFC 4861 §7.2.4), solicitations and advertisements teach us bindings, echo requests
 * are answered, claimed protocols go to their stage, the rest is dropped.
 */
public final class Ipv6Local implements Stage
{
    private static final int NS_LENGTH = 24;
    private static final int NA_LENGTH = 32;
    private static final int OPTION_SOURCE_LINK_LAYER = 1;
    private static final int OPTION_TARGET_LINK_LAYER = 2;
    /** Router, Solicited, Override flags of a neighbor advertisement. */
    private static final int NA_FLAGS_SOLICITED = 0xE000_0000;
    private static final int NA_FLAGS_UNSOLICITED = 0xA000_0000;

    private final NeighborEvents neighborEvents;
    private final byte[] protocolStage = new byte[256];

    public Ipv6Local(final NeighborEvents neighborEvents)
    {
        this.neighborEvents = neighborEvents;
        java.util.Arrays.fill(protocolStage, (byte)-1);
    }

    public void claim(final int nextHeader, final byte stage)
    {
        if (protocolStage[nextHeader] != -1)
        {
            throw new IllegalArgumentException("next header " + nextHeader + " is already handled by stage " + protocolStage[nextHeader]);
        }
        protocolStage[nextHeader] = stage;
    }

    @Override
    public byte id()
    {
        return StageId.IP6_LOCAL;
    }

    @Override
    public void process(final PacketVector v)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP6_LOCAL)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int nextHeader = Ipv6Header.nextHeader(ip);
            final byte claimed = protocolStage[nextHeader];
            if (claimed != -1 && !Ipv6Header.isMulticast(Ipv6Header.destinationHi(ip)))
            {
                v.to(i, claimed);
                continue;
            }
            if (nextHeader != Ipv6Header.NEXT_ICMPV6)
            {
                v.drop(i, DropReason.LOCAL_UNSUPPORTED);
                continue;
            }
            final long icmp = ip + Ipv6Header.LENGTH;
            final int icmpLength = v.l3Length[i] - Ipv6Header.LENGTH;
            if (icmpLength < IcmpHeader.LENGTH || Checksum.fold(Checksum.add(
                Ipv6Header.pseudoHeaderSum(ip, icmpLength, Ipv6Header.NEXT_ICMPV6), icmp, icmpLength)) != 0)
            {
                v.drop(i, DropReason.ICMP_MALFORMED);
                continue;
            }
            switch (IcmpHeader.type(icmp))
            {
                case IcmpHeader.V6_NEIGHBOR_SOLICITATION -> solicitation(v, i, ip, icmp, icmpLength);
                case IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT -> advertisement(v, i, ip, icmp, icmpLength);
                case IcmpHeader.V6_ECHO_REQUEST -> echo(v, i, ip, icmp);
                default -> v.drop(i, DropReason.ICMP_CONSUMED);
            }
        }
    }

    private void solicitation(final PacketVector v, final int i, final long ip, final long icmp, final int icmpLength)
    {
        // RFC 4861 §7.1.1: hop limit 255 proves the sender is on-link.
        if (icmpLength < NS_LENGTH || Ipv6Header.hopLimit(ip) != 255)
        {
            v.drop(i, DropReason.ICMP_MALFORMED);
            return;
        }
        final Interface itf = v.tables.interfaces().get(v.rxInterface[i]);
        final long targetHi = u64be(icmp + 8);
        final long targetLo = u64be(icmp + 16);
        final long srcHi = Ipv6Header.sourceHi(ip);
        final long srcLo = Ipv6Header.sourceLo(ip);
        final boolean unspecifiedSource = srcHi == 0 && srcLo == 0;
        final long eth = Mbuf.data(v.mbuf[i]);
        final long senderMac = linkLayerOption(icmp, NS_LENGTH, icmpLength, OPTION_SOURCE_LINK_LAYER);
        if (!unspecifiedSource && senderMac != -1)
        {
            learn(v, i, srcHi, srcLo, senderMac);
        }
        if (!itf.ownsIpv6(targetHi, targetLo))
        {
            v.drop(i, DropReason.ICMP_CONSUMED);
            return;
        }
        // Reply in place: an advertisement of our MAC for the target, to the solicitor (or to
        // all nodes for duplicate address detection), straight back out of the receiving port.
        final long m = v.mbuf[i];
        final int replyLength = Ipv6Header.LENGTH + NA_LENGTH;
        final int current = v.l3Length[i];
        if (replyLength > current ? Mbuf.append(m, replyLength - current) == 0 : !Mbuf.trim(m, current - replyLength))
        {
            v.drop(i, DropReason.NO_HEADROOM);
            return;
        }
        v.l3Length[i] = replyLength;
        final long requesterMac = EthernetHeader.source(eth);
        final long dstHi = unspecifiedSource ? 0xFF02_0000_0000_0000L : srcHi;
        final long dstLo = unspecifiedSource ? 1L : srcLo;
        Ipv6Header.write(ip, NA_LENGTH, Ipv6Header.NEXT_ICMPV6, 255, targetHi, targetLo, dstHi, dstLo);
        IcmpHeader.typeAndCode(icmp, IcmpHeader.V6_NEIGHBOR_ADVERTISEMENT, 0);
        IcmpHeader.checksum(icmp, 0);
        u32be(icmp + 4, unspecifiedSource ? NA_FLAGS_UNSOLICITED : NA_FLAGS_SOLICITED);
        u8(icmp + 24, OPTION_TARGET_LINK_LAYER);
        u8(icmp + 25, 1);
        mac(icmp + 26, itf.mac());
        IcmpHeader.checksum(icmp, Checksum.fold(Checksum.add(
            Ipv6Header.pseudoHeaderSum(ip, NA_LENGTH, Ipv6Header.NEXT_ICMPV6), icmp, NA_LENGTH)));
        mac(eth + EthernetHeader.DST, unspecifiedSource ? 0x3333_0000_0001L : requesterMac);
        mac(eth + EthernetHeader.SRC, itf.mac());
        v.txPort[i] = itf.port();
        v.stats.event(WorkerEvent.NEIGHBOR_ADVERTISEMENTS_SENT);
        v.to(i, StageId.TX);
    }

    private void advertisement(final PacketVector v, final int i, final long ip, final long icmp, final int icmpLength)
    {
        if (icmpLength < NS_LENGTH || Ipv6Header.hopLimit(ip) != 255)
        {
            v.drop(i, DropReason.ICMP_MALFORMED);
            return;
        }
        long mac = linkLayerOption(icmp, NS_LENGTH, icmpLength, OPTION_TARGET_LINK_LAYER);
        if (mac == -1)
        {
            mac = EthernetHeader.source(Mbuf.data(v.mbuf[i]));
        }
        learn(v, i, u64be(icmp + 8), u64be(icmp + 16), mac);
        v.drop(i, DropReason.ICMP_CONSUMED);
    }

    private static void echo(final PacketVector v, final int i, final long ip, final long icmp)
    {
        if (Ipv6Header.isMulticast(Ipv6Header.destinationHi(ip)))
        {
            v.drop(i, DropReason.ICMP_CONSUMED);
            return;
        }
        final int oldTypeCode = u16be(icmp);
        IcmpHeader.typeAndCode(icmp, IcmpHeader.V6_ECHO_REPLY, 0);
        // Swapping source and destination leaves the pseudo-header sum unchanged, so only the
        // type change needs patching.
        IcmpHeader.checksum(icmp, Checksum.update(IcmpHeader.checksum(icmp), oldTypeCode, u16be(icmp)));
        final long us0 = Ipv6Header.destinationHi(ip);
        final long us1 = Ipv6Header.destinationLo(ip);
        u64be(ip + Ipv6Header.DST, Ipv6Header.sourceHi(ip));
        u64be(ip + Ipv6Header.DST + 8, Ipv6Header.sourceLo(ip));
        u64be(ip + Ipv6Header.SRC, us0);
        u64be(ip + Ipv6Header.SRC + 8, us1);
        Ipv6Header.hopLimit(ip, 64);
        v.stats.event(WorkerEvent.ECHO_REPLIES_SENT);
        v.to(i, StageId.IP6_LOOKUP);
    }

    private void learn(final PacketVector v, final int i, final long hi, final long lo, final long mac)
    {
        final int itf = v.rxInterface[i];
        if (v.tables.neighbors().lookupIpv6(itf, hi, lo) != (mac | AdjacencyTable.RESOLVED))
        {
            v.stats.event(neighborEvents.offerIpv6(itf, hi, lo, mac) ?
                WorkerEvent.NEIGHBORS_LEARNED : WorkerEvent.NEIGHBOR_EVENTS_LOST);
        }
    }

    /** The MAC in the first NDP option of {@code type}, or -1 if there is none (RFC 4861 §4.6.1). */
    private static long linkLayerOption(final long icmp, final int start, final int icmpLength, final int type)
    {
        int offset = start;
        while (offset + 8 <= icmpLength)
        {
            final int optionType = u8(icmp + offset);
            final int optionLength = u8(icmp + offset + 1) * 8;
            if (optionLength == 0)
            {
                return -1;
            }
            if (optionType == type && optionLength >= 8)
            {
                return mac(icmp + offset + 2);
            }
            offset += optionLength;
        }
        return -1;
    }
}
