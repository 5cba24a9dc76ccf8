package io.flowlane.controlplane.channel;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates control frames that cross hosts (Aeron UDP): after the SBE message comes a
 * 48-byte trailer {@code senderId(8) | sequence(8) | HMAC-SHA256(32)}, the MAC taken over the
 * message and the first 16 trailer bytes with a key both sides read from a file.
 *
 * <p>Replay protection: a sender numbers its frames with microseconds since the epoch, forced to
 * increase by at least one per frame; the receiver accepts a frame only if its number is above
 * the last one it accepted from that sender and within {@link #FRESHNESS_MICROS} of its own
 * clock. So a captured frame replayed later is refused (either not newer, or stale) without any
 * state on disk. Needs clocks within 30 s of each other (NTP). Limits: within those 30 s a frame
 * could still be replayed to a data plane that restarted (it forgot the sender) or to another one
 * sharing the key (the MAC does not name the receiver); use one key per appliance. Acks and
 * telemetry coming back are not signed.
 */
public final class FrameAuthenticator
{
    public static final int TRAILER_LENGTH = 48;
    static final long FRESHNESS_MICROS = TimeUnit.SECONDS.toMicros(30);
    private static final int MAC_LENGTH = 32;
    private static final int MAX_SENDERS = 1024;

    private final Mac mac;
    private final long senderId;
    private long lastSequence;
    private final Long2LongHashMap lastAccepted = new Long2LongHashMap(Long.MIN_VALUE);
    private final byte[] computed = new byte[MAC_LENGTH];
    private final byte[] scratch = new byte[4096];
    private String failure;

    public FrameAuthenticator(final byte[] key)
    {
        if (key.length < 32)
        {
            throw new IllegalArgumentException("hmac-key: needs at least 32 bytes, not " + key.length);
        }
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
        senderId = new SecureRandom().nextLong();
    }

    /** Appends the trailer after {@code length} message bytes; returns the frame's new length. */
    public int sign(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = Math.max(lastSequence + 1, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
        lastSequence = sequence;
        buffer.putLong(offset + length, senderId, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + length + 8, sequence, ByteOrder.LITTLE_ENDIAN);
        macOver(buffer, offset, length + 16);
        buffer.putBytes(offset + length + 16, computed);
        return length + TRAILER_LENGTH;
    }

    /**
     * Checks a frame; returns the length of the message inside it, or -1 with {@link #failure()}
     * saying why (not signed with our key, replayed, stale).
     */
    public int verify(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < TRAILER_LENGTH + 8)
        {
            failure = "frame of " + length + " bytes is too short to carry an authentication trailer";
            return -1;
        }
        final int messageLength = length - TRAILER_LENGTH;
        macOver(buffer, offset, messageLength + 16);
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++)
        {
            difference |= computed[i] ^ buffer.getByte(offset + messageLength + 16 + i);
        }
        if (difference != 0)
        {
            failure = "HMAC does not verify (not signed with this data plane's hmac-key, or altered)";
            return -1;
        }
        final long sender = buffer.getLong(offset + messageLength, ByteOrder.LITTLE_ENDIAN);
        final long sequence = buffer.getLong(offset + messageLength + 8, ByteOrder.LITTLE_ENDIAN);
        final long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        if (Math.abs(now - sequence) > FRESHNESS_MICROS)
        {
            failure = "frame is stale or from the future (" + (now - sequence) / 1000 + " ms from this host's clock; replayed?)";
            return -1;
        }
        final long last = lastAccepted.get(sender);
        if (last != Long.MIN_VALUE && sequence <= last)
        {
            failure = "frame sequence " + sequence + " is not newer than the last accepted " + last + " (replayed)";
            return -1;
        }
        if (last == Long.MIN_VALUE && lastAccepted.size() >= MAX_SENDERS)
        {
            // Senders older than the freshness window cannot be replayed anyway: forget them.
            lastAccepted.entrySet().removeIf(e -> now - e.getValue() > FRESHNESS_MICROS);
        }
        lastAccepted.put(sender, sequence);
        return messageLength;
    }

    public String failure()
    {
        return failure;
    }

    private void macOver(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            int done = 0;
            while (done < length)
            {
                final int chunk = Math.min(scratch.length, length - done);
                buffer.getBytes(offset + done, scratch, 0, chunk);
                mac.update(scratch, 0, chunk);
                done += chunk;
            }
            mac.doFinal(computed, 0);
        }
        catch (final javax.crypto.ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
