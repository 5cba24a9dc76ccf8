package io.flowlane.dataplane.packet;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

/** RFC 791 IPv4 header at a raw address. */
public final class Ipv4Header
{
    public static final int MIN_LENGTH = 20;
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SRC = 12;
    public static final int DST = 16;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_GRE = 47;
    public static final int PROTO_ESP = 50;

    private Ipv4Header()
    {
    }

    public static int version(final long ip)
    {
        return u8(ip + VERSION_IHL) >>> 4;
    }

    public static int headerLength(final long ip)
    {
        return (u8(ip + VERSION_IHL) & 0xF) << 2;
    }

    public static int totalLength(final long ip)
    {
        return u16be(ip + TOTAL_LENGTH);
    }

    public static int ttl(final long ip)
    {
        return u8(ip + TTL);
    }

    public static int protocol(final long ip)
    {
        return u8(ip + PROTOCOL);
    }

    public static int source(final long ip)
    {
        return u32be(ip + SRC);
    }

    public static int destination(final long ip)
    {
        return u32be(ip + DST);
    }

    public static int flagsAndFragment(final long ip)
    {
        return u16be(ip + FLAGS_FRAGMENT);
    }

    /** A fragment other than the first: carries no transport header. */
    public static boolean isLaterFragment(final long ip)
    {
        return (flagsAndFragment(ip) & FRAGMENT_OFFSET_MASK) != 0;
    }

    public static boolean isFragment(final long ip)
    {
        return (flagsAndFragment(ip) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    /** TTL minus one with the header checksum patched incrementally (RFC 1624), as a router does per hop. */
    public static void decrementTtl(final long ip)
    {
        final int oldWord = u16be(ip + TTL);
        final int newWord = oldWord - 0x0100;
        u16be(ip + TTL, newWord);
        u16be(ip + CHECKSUM, Checksum.update(u16be(ip + CHECKSUM), oldWord, newWord));
    }

    /** Writes a 20-byte header (no options) with its checksum. */
    public static void write(
        final long ip, final int tos, final int totalLength, final int identification, final int flagsFragment,
        final int ttl, final int protocol, final int src, final int dst)
    {
        u8(ip + VERSION_IHL, 0x45);
        u8(ip + TOS, tos);
        u16be(ip + TOTAL_LENGTH, totalLength);
        u16be(ip + IDENTIFICATION, identification);
        u16be(ip + FLAGS_FRAGMENT, flagsFragment);
        u8(ip + TTL, ttl);
        u8(ip + PROTOCOL, protocol);
        u16be(ip + CHECKSUM, 0);
        u32be(ip + SRC, src);
        u32be(ip + DST, dst);
        u16be(ip + CHECKSUM, Checksum.compute(ip, MIN_LENGTH));
    }

    public static void updateChecksum(final long ip)
    {
        u16be(ip + CHECKSUM, 0);
        u16be(ip + CHECKSUM, Checksum.compute(ip, headerLength(ip)));
    }

    public static String toString(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /** Parses dotted-quad text; throws IllegalArgumentException naming the text otherwise. */
    public static int parse(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        }
        int address = 0;
        for (final String part : parts)
        {
            final int octet;
            try
            {
                octet = part.isEmpty() || part.length() > 3 ? -1 : Integer.parseInt(part);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            if (octet < 0 || octet > 255)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (octet '" + part + "')");
            }
            address = (address << 8) | octet;
        }
        return address;
    }
}
