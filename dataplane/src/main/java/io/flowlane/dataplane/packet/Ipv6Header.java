package io.flowlane.dataplane.packet;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u64be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import java.net.Inet6Address;
import java.net.InetAddress;

/** RFC 8200 IPv6 fixed header at a raw address; addresses travel as two big-endian longs. */
public final class Ipv6Header
{
    public static final int LENGTH = 40;
    public static final int VERSION_CLASS_FLOW = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SRC = 8;
    public static final int DST = 24;

    public static final int NEXT_ICMPV6 = 58;
    /** The minimum link MTU every IPv6 link must carry (RFC 8200 §5); ICMPv6 errors fit in it. */
    public static final int MIN_MTU = 1280;

    private Ipv6Header()
    {
    }

    public static int version(final long ip)
    {
        return u8(ip) >>> 4;
    }

    public static int flowLabel(final long ip)
    {
        return u32be(ip + VERSION_CLASS_FLOW) & 0xF_FFFF;
    }

    public static int payloadLength(final long ip)
    {
        return u16be(ip + PAYLOAD_LENGTH);
    }

    public static int nextHeader(final long ip)
    {
        return u8(ip + NEXT_HEADER);
    }

    public static int hopLimit(final long ip)
    {
        return u8(ip + HOP_LIMIT);
    }

    public static void hopLimit(final long ip, final int value)
    {
        u8(ip + HOP_LIMIT, value);
    }

    public static long sourceHi(final long ip)
    {
        return u64be(ip + SRC);
    }

    public static long sourceLo(final long ip)
    {
        return u64be(ip + SRC + 8);
    }

    public static long destinationHi(final long ip)
    {
        return u64be(ip + DST);
    }

    public static long destinationLo(final long ip)
    {
        return u64be(ip + DST + 8);
    }

    public static void write(
        final long ip, final int payloadLength, final int nextHeader, final int hopLimit,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        u32be(ip, 0x6000_0000);
        u16be(ip + PAYLOAD_LENGTH, payloadLength);
        u8(ip + NEXT_HEADER, nextHeader);
        u8(ip + HOP_LIMIT, hopLimit);
        u64be(ip + SRC, srcHi);
        u64be(ip + SRC + 8, srcLo);
        u64be(ip + DST, dstHi);
        u64be(ip + DST + 8, dstLo);
    }

    /** The RFC 8200 §8.1 pseudo-header sum for an upper-layer checksum. */
    public static long pseudoHeaderSum(final long ip, final int upperLength, final int nextHeader)
    {
        return Checksum.add(0, ip + SRC, 32) + upperLength + nextHeader;
    }

    public static boolean isMulticast(final long hi)
    {
        return (hi >>> 56) == 0xFF;
    }

    /** Parses IPv6 literal text (no DNS); the result is {hi, lo}. */
    public static long[] parse(final String text)
    {
        final InetAddress address;
        try
        {
            address = InetAddress.ofLiteral(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        if (!(address instanceof Inet6Address))
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        final byte[] bytes = address.getAddress();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++)
        {
            hi = (hi << 8) | (bytes[i] & 0xFF);
            lo = (lo << 8) | (bytes[i + 8] & 0xFF);
        }
        return new long[] {hi, lo};
    }

    public static String toString(final long hi, final long lo)
    {
        final byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            bytes[i] = (byte)(hi >>> (56 - 8 * i));
            bytes[i + 8] = (byte)(lo >>> (56 - 8 * i));
        }
        try
        {
            return InetAddress.getByAddress(bytes).getHostAddress();
        }
        catch (final java.net.UnknownHostException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
