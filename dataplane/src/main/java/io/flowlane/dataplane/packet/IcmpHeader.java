package io.flowlane.dataplane.packet;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

/** ICMP (RFC 792) and ICMPv6 (RFC 4443) share this 4-byte start: type, code, checksum. */
public final class IcmpHeader
{
    public static final int LENGTH = 8;
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;

    public static final int V4_ECHO_REPLY = 0;
    public static final int V4_DEST_UNREACHABLE = 3;
    public static final int V4_CODE_FRAGMENTATION_NEEDED = 4;
    public static final int V4_ECHO_REQUEST = 8;
    public static final int V4_TIME_EXCEEDED = 11;

    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;
    public static final int V6_NEIGHBOR_SOLICITATION = 135;
    public static final int V6_NEIGHBOR_ADVERTISEMENT = 136;

    private IcmpHeader()
    {
    }

    public static int type(final long icmp)
    {
        return u8(icmp + TYPE);
    }

    public static int code(final long icmp)
    {
        return u8(icmp + CODE);
    }

    /** RFC 1812 §4.3.2.7: no ICMP error is sent about an ICMP error, so errors must be recognisable. */
    public static boolean isV4Error(final int type)
    {
        return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    }

    /** RFC 4443 §2.1: ICMPv6 error messages have types 0..127. */
    public static boolean isV6Error(final int type)
    {
        return type < 128;
    }

    public static void typeAndCode(final long icmp, final int type, final int code)
    {
        u8(icmp + TYPE, type);
        u8(icmp + CODE, code);
    }

    public static int checksum(final long icmp)
    {
        return u16be(icmp + CHECKSUM);
    }

    public static void checksum(final long icmp, final int value)
    {
        u16be(icmp + CHECKSUM, value);
    }
}
