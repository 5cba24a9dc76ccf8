package io.flowlane.perf;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.tunnels.esp.EspHeader;
import io.flowlane.tunnels.gre.GreHeader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Pre-built frames of one size, one per flow, so that generating a packet is one copy into an
 * mbuf. Flow {@code f} is UDP as {@link TrafficSpec} says (by default from {@code srcIp}:(10000 +
 * f) to {@code dstBase + f % dstCount}:4789), which gives the appliance many flows to hash and a
 * spread of destinations to look up.
 *
 * <p>The size is the plain frame's: Ethernet, the inner IP packet and FCS, which is what leaves
 * the device under test after decapsulation. With GRE or ESP the generator's frames are longer by
 * the outer header (and ESP's trailer and ICV); the inner packet is always the frame's last
 * bytes before any ESP trailer, and its last 16 bytes are where a latency stamp goes.
 */
public final class FrameTemplates
{
    /** The longest frame an mbuf of the default data room holds after its headroom. */
    public static final int MAX_FRAME_LENGTH = 2048;
    /** Signature and TSC: see {@link LatencyStamps}. */
    public static final int STAMP_LENGTH = 16;
    static final int UDP_LENGTH = 8;

    /** Ethernet frame size without the 4-byte FCS, which the NIC adds (64-byte frames carry 60). */
    public static int frameLength(final int wireSize)
    {
        return wireSize - 4;
    }

    public final MemorySegment frames;
    public final long base;
    public final int flows;
    /** Bytes per frame as sent (no FCS). */
    public final int length;
    /** The plain frame's size on the wire (FCS included): the size this template was asked for. */
    public final int wireSize;
    /** Offset of the inner IP header and its length. */
    public final int innerOffset;
    public final int innerLength;
    /** Offset of the latency stamp (the inner packet's last 16 bytes), or -1 if its UDP payload is shorter. */
    public final int stampOffset;
    /** Offset of the inner UDP checksum if it is in use (IPv6, where it is mandatory), else -1. */
    public final int udpChecksumOffset;
    /** ESP: offset of the ESP header and the length of what is encrypted (inner packet, padding, trailer); else -1. */
    public final int espOffset;
    public final int espCiphertextLength;

    /** IPv4 UDP frames of {@code wireSize} bytes from one source, as the generator has always sent. */
    public FrameTemplates(final Arena arena, final int flows, final int wireSize, final long dstMac, final long srcMac,
        final int srcIp, final int dstBase, final int dstCount)
    {
        this(arena, TrafficSpec.ipv4(dstMac, srcMac, srcIp, dstBase, dstCount, flows), wireSize);
    }

    public FrameTemplates(final Arena arena, final TrafficSpec spec, final int wireSize)
    {
        final boolean v6 = spec.ipv6();
        final TrafficSpec.Encapsulation tunnel = spec.encapsulation();
        final int innerHeader = v6 ? Ipv6Header.LENGTH : Ipv4Header.MIN_LENGTH;
        this.flows = spec.flows();
        this.wireSize = wireSize;
        this.innerLength = frameLength(wireSize) - EthernetHeader.LENGTH;
        if (innerLength < innerHeader + UDP_LENGTH)
        {
            throw new IllegalArgumentException("--size " + wireSize + " is below the " + (EthernetHeader.LENGTH + innerHeader +
                UDP_LENGTH + 4) + "-byte minimum of Ethernet+" + (v6 ? "IPv6" : "IPv4") + "+UDP (FCS included)");
        }
        final int outerIp = tunnel.kind() == TrafficSpec.Kind.NONE ? 0 :
            tunnel.source().v6() ? Ipv6Header.LENGTH : Ipv4Header.MIN_LENGTH;
        final int padding = EspHeader.padding(innerLength);
        final int tunnelHeader;
        final int trailer;
        switch (tunnel.kind())
        {
            case GRE ->
            {
                tunnelHeader = GreHeader.length(false, tunnel.greKey() >= 0, false);
                trailer = 0;
            }
            case ESP ->
            {
                tunnelHeader = EspHeader.HEADER_LENGTH;
                trailer = padding + EspHeader.TRAILER_LENGTH + EspHeader.ICV_LENGTH;
            }
            default ->
            {
                tunnelHeader = 0;
                trailer = 0;
            }
        }
        this.innerOffset = EthernetHeader.LENGTH + outerIp + tunnelHeader;
        this.length = innerOffset + innerLength + trailer;
        if (length > MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("--size " + wireSize + (trailer + tunnelHeader > 0 ? " with its " +
                tunnel.kind().name() + " outer header" : "") + " makes " + length + "-byte frames; an mbuf holds " + MAX_FRAME_LENGTH);
        }
        final int udpPayload = innerLength - innerHeader - UDP_LENGTH;
        this.stampOffset = udpPayload >= STAMP_LENGTH ? innerOffset + innerLength - STAMP_LENGTH : -1;
        this.udpChecksumOffset = v6 ? innerOffset + innerHeader + 6 : -1;
        this.espOffset = tunnel.kind() == TrafficSpec.Kind.ESP ? EthernetHeader.LENGTH + outerIp : -1;
        this.espCiphertextLength = tunnel.kind() == TrafficSpec.Kind.ESP ? innerLength + padding + EspHeader.TRAILER_LENGTH : -1;

        frames = arena.allocate((long)flows * length, 64);
        base = frames.address();
        for (int f = 0; f < flows; f++)
        {
            final long eth = base + (long)f * length;
            final boolean outerV6 = outerIp == 0 ? v6 : tunnel.source().v6();
            EthernetHeader.write(eth, spec.dstMac(), spec.srcMac(), 0, outerV6 ? EthernetHeader.TYPE_IPV6 : EthernetHeader.TYPE_IPV4);
            if (outerIp > 0)
            {
                writeOuter(eth + EthernetHeader.LENGTH, tunnel, length - EthernetHeader.LENGTH - outerIp, v6, padding);
            }
            writeInner(eth + innerOffset, spec, f);
        }
        // Sanity: the first template's headers must verify (cheap, once).
        final long ip = base + innerOffset;
        if (!v6 && !Checksum.verifies(ip, Ipv4Header.MIN_LENGTH) || v6 && !udpVerifies(ip))
        {
            throw new IllegalStateException("template checksum does not verify");
        }
    }

    private void writeOuter(final long outer, final TrafficSpec.Encapsulation tunnel, final int payload, final boolean innerV6,
        final int padding)
    {
        final boolean esp = tunnel.kind() == TrafficSpec.Kind.ESP;
        final int protocol = esp ? Ipv4Header.PROTO_ESP : Ipv4Header.PROTO_GRE;
        final long next;
        if (tunnel.source().v6())
        {
            Ipv6Header.write(outer, payload, protocol, 64, tunnel.source().hi(), tunnel.source().lo(),
                tunnel.destination().hi(), tunnel.destination().lo());
            next = outer + Ipv6Header.LENGTH;
        }
        else
        {
            // DF as the appliance's own tunnels set it: an outer packet is never fragmented (RFC 4459).
            Ipv4Header.write(outer, 0, Ipv4Header.MIN_LENGTH + payload, 0, Ipv4Header.FLAG_DF, 64, protocol,
                tunnel.source().v4(), tunnel.destination().v4());
            next = outer + Ipv4Header.MIN_LENGTH;
        }
        if (esp)
        {
            // Sequence number and IV are the sealer's, per packet; the trailer is the same for every packet of this size.
            NativeMemory.u32be(next + EspHeader.SPI, (int)tunnel.espSpi());
            EspHeader.writeTrailer(next + EspHeader.HEADER_LENGTH + innerLength, padding,
                innerV6 ? EspHeader.NEXT_IPV6 : EspHeader.NEXT_IPV4);
        }
        else
        {
            final boolean key = tunnel.greKey() >= 0;
            NativeMemory.u16be(next, key ? GreHeader.FLAG_KEY : 0);
            NativeMemory.u16be(next + 2, innerV6 ? EthernetHeader.TYPE_IPV6 : EthernetHeader.TYPE_IPV4);
            if (key)
            {
                NativeMemory.u32be(next + GreHeader.BASE_LENGTH, (int)tunnel.greKey());
            }
        }
    }

    private void writeInner(final long ip, final TrafficSpec spec, final int f)
    {
        final TrafficSpec.IpAddress src = spec.source(f);
        final TrafficSpec.IpAddress dst = spec.destination(f);
        final long udp;
        if (spec.ipv6())
        {
            Ipv6Header.write(ip, innerLength - Ipv6Header.LENGTH, Ipv4Header.PROTO_UDP, 64, src.hi(), src.lo(), dst.hi(), dst.lo());
            udp = ip + Ipv6Header.LENGTH;
        }
        else
        {
            Ipv4Header.write(ip, 0, innerLength, f & 0xFFFF, 0, 64, Ipv4Header.PROTO_UDP, src.v4(), dst.v4());
            udp = ip + Ipv4Header.MIN_LENGTH;
        }
        final int udpLength = (int)(ip + innerLength - udp);
        NativeMemory.u16be(udp, TrafficSpec.sourcePort(f));
        NativeMemory.u16be(udp + 2, spec.dstPort());
        NativeMemory.u16be(udp + 4, udpLength);
        NativeMemory.u16be(udp + 6, 0);
        if (spec.ipv6())
        {
            // Mandatory over IPv6 (RFC 8200 §8.1); over IPv4 the generator has always sent none (0).
            NativeMemory.u16be(udp + 6, udpChecksum(Checksum.add(Ipv6Header.pseudoHeaderSum(ip, udpLength, Ipv4Header.PROTO_UDP),
                udp, udpLength)));
        }
    }

    /** The checksum to store for a one's complement sum; 0 is sent as 0xFFFF (RFC 768: 0 means "none"). */
    static int udpChecksum(final long sum)
    {
        final int checksum = Checksum.fold(sum);
        return checksum == 0 ? 0xFFFF : checksum;
    }

    private boolean udpVerifies(final long ip)
    {
        final int udpLength = innerLength - Ipv6Header.LENGTH;
        return Checksum.fold(Checksum.add(Ipv6Header.pseudoHeaderSum(ip, udpLength, Ipv4Header.PROTO_UDP),
            ip + Ipv6Header.LENGTH, udpLength)) == 0;
    }

    public long address(final int flow)
    {
        return base + (long)flow * length;
    }

    /** Bytes the generator's frame has beyond the plain frame (outer header, ESP trailer and ICV). */
    public int overhead()
    {
        return length - frameLength(wireSize);
    }
}
