package io.flowlane.perf;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.NativeMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Pre-built frames, one per flow, so that generating a packet is one copy into an mbuf.
 * Flow {@code f} is UDP from {@code srcIp}:(10000 + f) to {@code dstBase + f % dstCount}:4789,
 * which gives the appliance many flows to hash and a spread of destinations to look up.
 */
public final class FrameTemplates
{
    /** Ethernet frame size without the 4-byte FCS, which the NIC adds (64-byte frames carry 60). */
    public static int frameLength(final int wireSize)
    {
        return wireSize - 4;
    }

    public final MemorySegment frames;
    public final long base;
    public final int flows;
    public final int length;

    public FrameTemplates(final Arena arena, final int flows, final int wireSize, final long dstMac, final long srcMac,
        final int srcIp, final int dstBase, final int dstCount)
    {
        this.flows = flows;
        this.length = frameLength(wireSize);
        if (length < 14 + 20 + 8)
        {
            throw new IllegalArgumentException("--size " + wireSize + " is below the 46-byte Ethernet+IPv4+UDP minimum");
        }
        frames = arena.allocate((long)flows * length, 64);
        base = frames.address();
        for (int f = 0; f < flows; f++)
        {
            final long eth = base + (long)f * length;
            EthernetHeader.write(eth, dstMac, srcMac, 0, EthernetHeader.TYPE_IPV4);
            final long ip = eth + EthernetHeader.LENGTH;
            final int ipLength = length - EthernetHeader.LENGTH;
            Ipv4Header.write(ip, 0, ipLength, f & 0xFFFF, 0, 64, Ipv4Header.PROTO_UDP, srcIp, dstBase + f % dstCount);
            final long udp = ip + Ipv4Header.MIN_LENGTH;
            NativeMemory.u16be(udp, 10000 + (f % 50000));
            NativeMemory.u16be(udp + 2, 4789);
            NativeMemory.u16be(udp + 4, ipLength - Ipv4Header.MIN_LENGTH);
            NativeMemory.u16be(udp + 6, 0);
            NativeMemory.zero(udp + 8, ipLength - Ipv4Header.MIN_LENGTH - 8);
        }
        // Sanity: the first template's header must verify (cheap, once).
        if (!Checksum.verifies(base + EthernetHeader.LENGTH, Ipv4Header.MIN_LENGTH))
        {
            throw new IllegalStateException("template IPv4 checksum does not verify");
        }
    }

    public long address(final int flow)
    {
        return base + (long)flow * length;
    }
}
