package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.policy.ClassPolicer;

/**
 * Validates an IPv4 header as RFC 1812 §5.2.2 asks of a router (length, version, header length,
 * total length, checksum), trims link-layer padding, and rejects martian sources (§5.3.7) and
 * destinations a router does not forward (multicast, limited broadcast).
 */
public final class Ipv4Input implements Stage
{
    /** Classification and policing of traffic classes, or null when none are configured. */
    private ClassPolicer policer;

    /** ol_flags IP checksum status bits (RTE_MBUF_F_RX_IP_CKSUM_MASK) and the "good" value. */
    private static final long IP_CKSUM_MASK = (1L << 4) | (1L << 7);
    private static final long IP_CKSUM_GOOD = 1L << 7;

    @Override
    public byte id()
    {
        return StageId.IP4_INPUT;
    }

    /** Polices packets that passed the checks by their traffic class ({@code classes:} config). */
    public void policer(final ClassPolicer policer)
    {
        this.policer = policer;
    }

    @Override
    public void process(final PacketVector v)
    {
        final ClassPolicer policer = this.policer;
        final long now = policer == null ? 0 : System.nanoTime();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP4_INPUT)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int available = v.l3Length[i];
            if (available < Ipv4Header.MIN_LENGTH)
            {
                v.drop(i, DropReason.IP4_TRUNCATED);
                continue;
            }
            final int versionIhl = u8(ip);
            if ((versionIhl >>> 4) != 4)
            {
                v.drop(i, DropReason.IP4_BAD_VERSION);
                continue;
            }
            final int headerLength = (versionIhl & 0xF) << 2;
            if (headerLength < Ipv4Header.MIN_LENGTH || headerLength > available)
            {
                v.drop(i, DropReason.IP4_BAD_HEADER_LENGTH);
                continue;
            }
            final int totalLength = Ipv4Header.totalLength(ip);
            if (totalLength < headerLength || totalLength > available)
            {
                v.drop(i, DropReason.IP4_BAD_TOTAL_LENGTH);
                continue;
            }
            final long m = v.mbuf[i];
            if ((Mbuf.offloadFlags(m) & IP_CKSUM_MASK) != IP_CKSUM_GOOD && !Checksum.verifies(ip, headerLength))
            {
                v.drop(i, DropReason.IP4_BAD_CHECKSUM);
                continue;
            }
            final int src = Ipv4Header.source(ip);
            final int srcTop = src >>> 24;
            if (src == 0 || src == -1 || srcTop == 127 || (src >>> 28) == 0xE)
            {
                v.drop(i, DropReason.IP4_MARTIAN_SOURCE);
                continue;
            }
            final int dst = Ipv4Header.destination(ip);
            if (dst == -1 || (dst >>> 28) == 0xE || dst == 0)
            {
                v.drop(i, DropReason.IP4_NOT_ROUTABLE);
                continue;
            }
            if (totalLength < available)
            {
                // Ethernet pads short frames to 60 bytes; the padding is not part of the packet.
                Mbuf.trim(m, available - totalLength);
                v.l3Length[i] = totalLength;
            }
            if (policer != null)
            {
                final int trafficClass = policer.classify(ip, headerLength);
                if (trafficClass >= 0)
                {
                    final int verdict = policer.admit(trafficClass, totalLength, now);
                    if (verdict != ClassPolicer.ADMITTED)
                    {
                        v.drop(i, verdict == ClassPolicer.POLICED ? DropReason.POLICED : DropReason.CLASS_BREAKER_OPEN);
                        continue;
                    }
                }
            }
            v.to(i, StageId.IP4_LOOKUP);
        }
    }
}
