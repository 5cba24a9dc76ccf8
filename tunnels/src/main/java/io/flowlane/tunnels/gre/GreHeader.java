package io.flowlane.tunnels.gre;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;

/**
 * The GRE header (RFC 2784 with RFC 2890's key and sequence number), read and written in place.
 *
 * <pre>
 *   C|R|K|S|s|Recur|Flags|Ver   Protocol Type
 *   [Checksum | Reserved1]      if C
 *   [Key]                       if K
 *   [Sequence Number]           if S
 * </pre>
 */
public final class GreHeader
{
    public static final int BASE_LENGTH = 4;
    public static final int FLAG_CHECKSUM = 0x8000;
    public static final int FLAG_KEY = 0x2000;
    public static final int FLAG_SEQUENCE = 0x1000;
    /**
     * Bits 1-5 less K and S (RFC 1701's routing, strict source route and recursion): a receiver
     * that does not implement RFC 1701 must discard packets with any of them set (RFC 2784 §2.3).
     * Bits 6-12 are ignored on receipt.
     */
    public static final int MUST_BE_ZERO = 0x4C00;
    public static final int VERSION_MASK = 0x0007;

    private GreHeader()
    {
    }

    public static int length(final boolean checksum, final boolean key, final boolean sequence)
    {
        return BASE_LENGTH + (checksum ? 4 : 0) + (key ? 4 : 0) + (sequence ? 4 : 0);
    }

    /** Header length from the flags word (valid flags assumed). */
    public static int length(final int flags)
    {
        return length((flags & FLAG_CHECKSUM) != 0, (flags & FLAG_KEY) != 0, (flags & FLAG_SEQUENCE) != 0);
    }

    public static int flags(final long gre)
    {
        return u16be(gre);
    }

    public static int protocol(final long gre)
    {
        return u16be(gre + 2);
    }

    /** Offset of the key field (after the checksum word when present). */
    public static int keyOffset(final int flags)
    {
        return BASE_LENGTH + ((flags & FLAG_CHECKSUM) != 0 ? 4 : 0);
    }

    public static int sequenceOffset(final int flags)
    {
        return keyOffset(flags) + ((flags & FLAG_KEY) != 0 ? 4 : 0);
    }
}
