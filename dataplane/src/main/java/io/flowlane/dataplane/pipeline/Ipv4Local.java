package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.IcmpHeader;
import io.flowlane.dataplane.packet.Ipv4Header;

/**
 * Packets addressed to the appliance: echo requests are answered in place, protocols claimed by
 * a plug-in stage (GRE, ESP from the tunnels module) go to it, everything else is dropped.
 */
public final class Ipv4Local implements Stage
{
    private final byte[] protocolStage = new byte[256];

    public Ipv4Local()
    {
        java.util.Arrays.fill(protocolStage, (byte)-1);
    }

    /** Sends packets of an IP protocol addressed to us to {@code stage} (a decapsulation stage). */
    public void claim(final int protocol, final byte stage)
    {
        if (protocolStage[protocol] != -1)
        {
            throw new IllegalArgumentException("IP protocol " + protocol + " is already handled by stage " + protocolStage[protocol]);
        }
        protocolStage[protocol] = stage;
    }

    @Override
    public byte id()
    {
        return StageId.IP4_LOCAL;
    }

    @Override
    public void process(final PacketVector v)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP4_LOCAL)
            {
                continue;
            }
            final long ip = v.l3[i];
            if (Ipv4Header.isFragment(ip))
            {
                v.drop(i, DropReason.IP4_LOCAL_FRAGMENT);
                continue;
            }
            final int protocol = Ipv4Header.protocol(ip);
            final byte claimed = protocolStage[protocol];
            if (claimed != -1)
            {
                v.to(i, claimed);
            }
            else if (protocol == Ipv4Header.PROTO_ICMP)
            {
                answerEcho(v, i, ip);
            }
            else
            {
                v.drop(i, DropReason.LOCAL_UNSUPPORTED);
            }
        }
    }

    private static void answerEcho(final PacketVector v, final int i, final long ip)
    {
        final int headerLength = Ipv4Header.headerLength(ip);
        final int icmpLength = v.l3Length[i] - headerLength;
        final long icmp = ip + headerLength;
        if (icmpLength < IcmpHeader.LENGTH || !Checksum.verifies(icmp, icmpLength))
        {
            v.drop(i, DropReason.ICMP_MALFORMED);
            return;
        }
        if (IcmpHeader.type(icmp) != IcmpHeader.V4_ECHO_REQUEST)
        {
            v.drop(i, DropReason.ICMP_CONSUMED);
            return;
        }
        final int typeCode = u16be(icmp);
        IcmpHeader.typeAndCode(icmp, IcmpHeader.V4_ECHO_REPLY, 0);
        IcmpHeader.checksum(icmp, Checksum.update(IcmpHeader.checksum(icmp), typeCode, u16be(icmp)));
        final int us = Ipv4Header.destination(ip);
        u32be(ip + Ipv4Header.DST, Ipv4Header.source(ip));
        u32be(ip + Ipv4Header.SRC, us);
        io.flowlane.dataplane.packet.NativeMemory.u8(ip + Ipv4Header.TTL, 64);
        Ipv4Header.updateChecksum(ip);
        v.stats.event(WorkerEvent.ECHO_REPLIES_SENT);
        v.to(i, StageId.IP4_LOOKUP);
    }
}
