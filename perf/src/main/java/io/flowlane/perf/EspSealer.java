package io.flowlane.perf;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.tunnels.esp.EspHeader;

import java.lang.foreign.Arena;

/**
 * The generator's half of an inbound ESP security association (RFC 4303 tunnel mode, AES-GCM
 * per RFC 4106): numbers and encrypts frames built by {@link FrameTemplates} so that the device
 * under test can decrypt them with the same SPI, key and salt. Sequence numbers count up from
 * {@code firstSequence} without gaps (the receiver's replay window refuses repeats, so a second
 * run against the same SA must start above the first's last number); the 8-byte IV is the
 * sequence number, unique per SA as RFC 4106 §3.1 requires. With ESN the AAD carries the high 32
 * bits too (RFC 4106 §5), which stay 0 below 2^32 packets.
 *
 * <p>One AES-GCM downcall (intel-ipsec-mb through the shim) per frame, no allocation.
 */
public final class EspSealer implements AutoCloseable
{
    private final long context;
    private final long spi;
    private final boolean esn;
    private final long nonce;
    private final long aad;
    private long nextSequence;

    public EspSealer(final Arena arena, final long spi, final byte[] key, final int salt, final boolean esn, final long firstSequence)
    {
        if (firstSequence < 1 || !esn && firstSequence > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("first ESP sequence number " + firstSequence + " out of range");
        }
        this.context = AesGcm.newContext(key, true);
        this.spi = spi;
        this.esn = esn;
        this.nonce = arena.allocate(16, 16).address();
        this.aad = arena.allocate(16, 16).address();
        this.nextSequence = firstSequence;
        NativeMemory.u32be(nonce, salt);
    }

    /** Numbers and encrypts, in place, the ESP frame at {@code frame} built from {@code templates}. */
    public void seal(final long frame, final FrameTemplates templates)
    {
        final long seq = nextSequence++;
        final long esp = frame + templates.espOffset;
        NativeMemory.u32be(esp + EspHeader.SEQUENCE, (int)seq);
        NativeMemory.u64be(esp + EspHeader.IV, seq);
        NativeMemory.u64be(nonce + 4, seq);
        NativeMemory.u32be(aad, (int)spi);
        final int aadLength;
        if (esn)
        {
            NativeMemory.u32be(aad + 4, (int)(seq >>> 32));
            NativeMemory.u32be(aad + 8, (int)seq);
            aadLength = 12;
        }
        else
        {
            NativeMemory.u32be(aad + 4, (int)seq);
            aadLength = 8;
        }
        final long payload = esp + EspHeader.HEADER_LENGTH;
        final int length = templates.espCiphertextLength;
        if (!AesGcm.seal(context, nonce, aad, aadLength, payload, length, payload + length))
        {
            throw new IllegalStateException("AES-GCM refused to seal " + length + " bytes");
        }
    }

    /** The sequence number the next frame gets. */
    public long nextSequence()
    {
        return nextSequence;
    }

    @Override
    public void close()
    {
        AesGcm.freeContext(context);
    }
}
