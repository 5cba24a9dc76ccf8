package io.flowlane.tunnels.esp;

import java.util.HexFormat;

/**
 * One direction of an ESP security association with AES-GCM (RFC 4106): the SPI, the key and
 * the 4-byte salt that starts every nonce, 64-bit extended sequence numbers or not, the size of
 * the anti-replay window (inbound), and hard lifetimes after which the SA stops carrying traffic.
 *
 * @param spi              the Security Parameter Index, 256..2^32-1 (0-255 are reserved, RFC 4303 §2.1)
 * @param key              16 or 32 bytes (AES-128-GCM or AES-256-GCM; 24 is accepted as AES-192)
 * @param salt             the implicit part of the nonce (RFC 4106 §4), from the key exchange
 * @param extendedSequence 64-bit sequence numbers (RFC 4303 §2.2.1)
 * @param replayWindow     anti-replay window in packets (inbound; a multiple of 64, at least 1024 here)
 * @param lifetimePackets  hard packet lifetime, 0 = none
 * @param lifetimeBytes    hard byte lifetime (ESP payload bytes), 0 = none
 */
public record SecurityAssociation(
    long spi, byte[] key, int salt, boolean extendedSequence, int replayWindow, long lifetimePackets, long lifetimeBytes)
{
    public static final int MIN_REPLAY_WINDOW = 1024;
    public static final int MAX_REPLAY_WINDOW = 1 << 16;

    public SecurityAssociation
    {
        if (spi < 256 || spi > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("spi: " + spi + " is outside 256..4294967295 (0-255 are reserved by IANA)");
        }
        if (key == null || key.length != 16 && key.length != 24 && key.length != 32)
        {
            throw new IllegalArgumentException("key: AES-GCM needs 16, 24 or 32 bytes, not " + (key == null ? 0 : key.length));
        }
        if (replayWindow < MIN_REPLAY_WINDOW || replayWindow > MAX_REPLAY_WINDOW || replayWindow % 64 != 0)
        {
            throw new IllegalArgumentException("replay-window: " + replayWindow + " must be a multiple of 64 in " +
                MIN_REPLAY_WINDOW + ".." + MAX_REPLAY_WINDOW);
        }
        if (lifetimePackets < 0 || lifetimeBytes < 0)
        {
            throw new IllegalArgumentException("lifetime: negative");
        }
        key = key.clone();
    }

    @Override
    public byte[] key()
    {
        return key.clone();
    }

    /** Never prints the key. */
    @Override
    public String toString()
    {
        return "SA spi=0x" + Long.toHexString(spi) + " aes" + key.length * 8 + "-gcm" + (extendedSequence ? " esn" : "") +
            " window=" + replayWindow;
    }

    public static byte[] hex(final String field, final String text)
    {
        try
        {
            return HexFormat.of().parseHex(text.startsWith("0x") ? text.substring(2) : text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(field + ": not hexadecimal bytes");
        }
    }
}
