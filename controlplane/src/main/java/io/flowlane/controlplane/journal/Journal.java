package io.flowlane.controlplane.journal;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.DocumentContext;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * The control channel's journal on Chronicle Queue: every command the data plane received (with
 * whether it was applied), every acknowledgement it sent and every telemetry report, each as the
 * SBE bytes that crossed the channel, stamped with the wall-clock time it was written.
 *
 * <p>Uses: history by time range ({@link #history}), and rebuilding the tables after a restart or
 * in a fresh process by re-applying the applied commands in order ({@link #replay}). SA keys are
 * only ever in it wrapped (see {@code KeyWrap}): the journal holds what the channel carried.
 *
 * <p>Single writer: {@link #append} runs on the data plane's control thread only.
 */
public final class Journal implements AutoCloseable
{
    /** What an entry is. */
    public enum Kind
    {
        /** A command received and applied (what replay re-applies). */
        COMMAND_APPLIED,
        /** A command received and rejected (kept for history; replay skips it). */
        COMMAND_REJECTED,
        /** An acknowledgement the data plane sent. */
        ACK,
        /** A telemetry report the data plane published. */
        TELEMETRY,
        /** A control-plane decision (scale, fail over) with its reason and inputs, as UTF-8 text. */
        DECISION;

        private static final Kind[] VALUES = values();
    }

    /** Receives entries; the buffer is valid only during the call. */
    @FunctionalInterface
    public interface Visitor
    {
        void entry(Kind kind, long epochNanos, DirectBuffer buffer, int offset, int length);
    }

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    private final Path directory;
    private byte[] scratch = new byte[4096];

    private Journal(final Path directory, final boolean readOnly)
    {
        this.directory = directory;
        final SingleChronicleQueueBuilder builder = ChronicleQueue.singleBuilder(directory.toFile());
        if (readOnly)
        {
            builder.readOnly(true);
        }
        queue = builder.build();
        appender = readOnly ? null : queue.createAppender();
    }

    /** Opens (or creates) the journal in {@code directory} for appending. */
    public static Journal open(final Path directory)
    {
        return new Journal(directory, false);
    }

    /** Opens an existing journal to read only (history queries from another process). */
    public static Journal openReadOnly(final Path directory)
    {
        return new Journal(directory, true);
    }

    public Path directory()
    {
        return directory;
    }

    public void append(final Kind kind, final long epochNanos, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > scratch.length)
        {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        buffer.getBytes(offset, scratch, 0, length);
        try (DocumentContext entry = appender.writingDocument())
        {
            final Bytes<?> bytes = entry.wire().bytes();
            bytes.writeByte((byte)kind.ordinal());
            bytes.writeLong(epochNanos);
            bytes.writeInt(length);
            bytes.write(scratch, 0, length);
        }
    }

    /** Appends a decision's text (the control plane's own journal). */
    public void appendDecision(final long epochNanos, final String text)
    {
        final byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        append(Kind.DECISION, epochNanos, new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /** Every entry written at or after {@code fromEpochNanos} and before {@code toEpochNanos}, oldest first. */
    public long history(final long fromEpochNanos, final long toEpochNanos, final Visitor visitor)
    {
        return read((kind, time, buffer, offset, length) ->
        {
            if (time >= fromEpochNanos && time < toEpochNanos)
            {
                visitor.entry(kind, time, buffer, offset, length);
            }
        });
    }

    /** The applied commands, in the order they were applied: what rebuilds the tables. */
    public long replay(final Visitor visitor)
    {
        final long[] applied = new long[1];
        read((kind, time, buffer, offset, length) ->
        {
            if (kind == Kind.COMMAND_APPLIED)
            {
                applied[0]++;
                visitor.entry(kind, time, buffer, offset, length);
            }
        });
        return applied[0];
    }

    /** Reads every entry from the start; returns how many there were. */
    public long read(final Visitor visitor)
    {
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        byte[] data = new byte[4096];
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext entry = tailer.readingDocument())
                {
                    if (!entry.isPresent())
                    {
                        return count;
                    }
                    final Bytes<?> bytes = entry.wire().bytes();
                    final Kind kind = Kind.VALUES[bytes.readByte()];
                    final long time = bytes.readLong();
                    final int length = bytes.readInt();
                    if (length > data.length)
                    {
                        data = new byte[Math.max(length, 2 * data.length)];
                    }
                    bytes.read(data, 0, length);
                    view.wrap(data, 0, length);
                    count++;
                    visitor.entry(kind, time, view, 0, length);
                }
            }
        }
    }

    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
    }
}
