package io.flowlane.tunnels.esp;

import static io.flowlane.dataplane.packet.NativeMemory.u32be;

/** The additional authenticated data of RFC 4106 §5: SPI and sequence number, 8 or 12 bytes. */
final class Aad
{
    private Aad()
    {
    }

    /** Writes the AAD at {@code at}; returns its length. */
    static int write(final long at, final long spi, final long seq, final boolean esn)
    {
        u32be(at, (int)spi);
        if (esn)
        {
            u32be(at + 4, (int)(seq >>> 32));
            u32be(at + 8, (int)seq);
            return 12;
        }
        u32be(at + 4, (int)seq);
        return 8;
    }
}
