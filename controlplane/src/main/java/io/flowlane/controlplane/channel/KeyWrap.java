package io.flowlane.controlplane.channel;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SA keys travel and rest wrapped: AES-256-GCM under a key-encryption key (KEK) that the
 * controller and the data plane share out of band (a file each reads at start). A wrapped key is
 * {@code nonce(12) | ciphertext | tag(16)} with the SA's SPI and direction as associated data, so
 * a wrapped key cannot be moved to another SA. The control channel and the journal only ever see
 * wrapped keys; the data plane unwraps when it builds the SA's cipher contexts.
 */
public final class KeyWrap
{
    public static final int KEK_LENGTH = 32;
    private static final int NONCE = 12;
    private static final int TAG = 16;

    private final SecretKeySpec kek;
    private final SecureRandom random = new SecureRandom();

    public KeyWrap(final byte[] keyEncryptionKey)
    {
        if (keyEncryptionKey.length != KEK_LENGTH)
        {
            throw new IllegalArgumentException("key-encryption-key: needs " + KEK_LENGTH + " bytes, not " + keyEncryptionKey.length);
        }
        this.kek = new SecretKeySpec(keyEncryptionKey, "AES");
    }

    public byte[] wrap(final byte[] key, final long spi, final boolean inbound)
    {
        final byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try
        {
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG * 8, nonce));
            cipher.updateAAD(associatedData(spi, inbound));
            final byte[] sealed = cipher.doFinal(key);
            final byte[] wrapped = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, wrapped, 0, NONCE);
            System.arraycopy(sealed, 0, wrapped, NONCE, sealed.length);
            return wrapped;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM is not available", ex);
        }
    }

    /** The key, or a {@link Rejection} naming {@code field} when the wrapping does not verify. */
    public byte[] unwrap(final byte[] wrapped, final long spi, final boolean inbound, final String field)
    {
        if (wrapped.length < NONCE + TAG + 16)
        {
            throw new Rejection(field, wrapped.length + " bytes cannot hold a wrapped key (nonce, at least 16 key bytes, tag)");
        }
        try
        {
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG * 8, wrapped, 0, NONCE));
            cipher.updateAAD(associatedData(spi, inbound));
            return cipher.doFinal(wrapped, NONCE, wrapped.length - NONCE);
        }
        catch (final javax.crypto.AEADBadTagException ex)
        {
            throw new Rejection(field, "does not unwrap under this data plane's key-encryption key (wrong KEK, or not wrapped for this SPI and direction)");
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM is not available", ex);
        }
    }

    private static byte[] associatedData(final long spi, final boolean inbound)
    {
        final byte[] aad = "flowlane-sa-key:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final byte[] out = java.util.Arrays.copyOf(aad, aad.length + 5);
        out[aad.length] = (byte)(spi >>> 24);
        out[aad.length + 1] = (byte)(spi >>> 16);
        out[aad.length + 2] = (byte)(spi >>> 8);
        out[aad.length + 3] = (byte)spi;
        out[aad.length + 4] = (byte)(inbound ? 1 : 0);
        return out;
    }

    /**
     * Reads a key written as hexadecimal text (whitespace ignored) from {@code path}: the KEK and
     * HMAC key files of the config, and the CLI's {@code --kek-file}.
     *
     * @param exact the key has exactly {@code length} bytes, else at least that many
     * @throws IllegalArgumentException naming the file and the reason
     */
    public static byte[] readHexKey(final java.nio.file.Path path, final int length, final boolean exact)
    {
        final String text;
        try
        {
            text = java.nio.file.Files.readString(path, java.nio.charset.StandardCharsets.US_ASCII).replaceAll("\\s", "");
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("cannot read " + path + ": " + ex.getMessage());
        }
        final byte[] key;
        try
        {
            key = java.util.HexFormat.of().parseHex(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(path + " is not hexadecimal text");
        }
        if (exact ? key.length != length : key.length < length)
        {
            throw new IllegalArgumentException(path + " holds " + key.length + " bytes; the key needs " + (exact ? "" : "at least ") +
                length + " (" + 2 * length + " hex digits)");
        }
        return key;
    }
}
