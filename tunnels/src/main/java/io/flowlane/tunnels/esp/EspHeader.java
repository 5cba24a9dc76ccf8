package io.flowlane.tunnels.esp;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.packet.NativeMemory;

/**
 * ESP (RFC 4303) with AES-GCM (RFC 4106) in tunnel mode:
 *
 * <pre>
 *   SPI (4) | Sequence Number low 32 bits (4) | IV (8)
 *   ciphertext of: inner IP packet | Padding (0-3) | Pad Length (1) | Next Header (1)
 *   ICV (16)
 * </pre>
 *
 * GCM needs no block alignment, so padding only makes the trailer end on a 4-byte boundary
 * (RFC 4303 §2.4). The 8-byte IV is the packet's 64-bit sequence number: unique per SA, as
 * RFC 4106 §3.1 requires, and cheaper than a random number per packet.
 */
public final class EspHeader
{
    public static final int SPI = 0;
    public static final int SEQUENCE = 4;
    public static final int IV = 8;
    public static final int IV_LENGTH = 8;
    public static final int HEADER_LENGTH = 16;
    public static final int ICV_LENGTH = AesGcm.TAG_LENGTH;
    /** Pad Length and Next Header. */
    public static final int TRAILER_LENGTH = 2;
    /** Header, worst-case padding, trailer and ICV. */
    public static final int MAX_OVERHEAD = HEADER_LENGTH + 3 + TRAILER_LENGTH + ICV_LENGTH;

    public static final int NEXT_IPV4 = 4;
    public static final int NEXT_IPV6 = 41;
    /** RFC 4303 §2.6: traffic-flow-confidentiality dummy packets, discarded on receipt. */
    public static final int NEXT_NONE = 59;

    private EspHeader()
    {
    }

    /** Padding for a payload of {@code length} bytes so that payload + padding + trailer is a multiple of 4. */
    public static int padding(final int length)
    {
        return (4 - ((length + TRAILER_LENGTH) & 3)) & 3;
    }

    /** Writes padding 1, 2, 3 … (RFC 4303 §2.4), the pad length and the next header at {@code at}. */
    public static void writeTrailer(final long at, final int padding, final int nextHeader)
    {
        for (int p = 0; p < padding; p++)
        {
            NativeMemory.u8(at + p, p + 1);
        }
        NativeMemory.u8(at + padding, padding);
        NativeMemory.u8(at + padding + 1, nextHeader);
    }
}
