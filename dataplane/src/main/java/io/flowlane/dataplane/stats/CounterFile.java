package io.flowlane.dataplane.stats;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counters in shared memory, the way Aeron's CnC file exposes its counters: the appliance maps a
 * file (under /dev/shm by default) and writes counters into it; the CLI maps the same file
 * read-only and reads them without talking to the appliance at all.
 *
 * <p>Layout: a 16-byte header (magic, counter capacity), Agrona's counter metadata, its values.
 */
public final class CounterFile implements AutoCloseable
{
    private static final int MAGIC = 0x464C_4331; // "FLC1"
    private static final int HEADER = 16;

    private final ByteBuffer mapping;
    private final Path path;
    private final CountersManager manager;

    private CounterFile(final ByteBuffer mapping, final int capacity, final Path path)
    {
        this.mapping = mapping;
        this.path = path;
        final int metadataLength = capacity * CountersReader.METADATA_LENGTH;
        final int valuesLength = capacity * CountersReader.COUNTER_LENGTH;
        manager = new CountersManager(new UnsafeBuffer(mapping, HEADER, metadataLength),
            new UnsafeBuffer(mapping, HEADER + metadataLength, valuesLength), StandardCharsets.UTF_8);
    }

    /** Creates (or truncates) a counter file for {@code capacity} counters. */
    public static CounterFile create(final Path path, final int capacity)
    {
        final long length = length(capacity);
        try
        {
            Files.createDirectories(path.toAbsolutePath().getParent());
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
            {
                file.setLength(0);
                file.setLength(length);
                final MappedByteBuffer mapping = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
                mapping.putInt(4, capacity);
                mapping.putInt(0, MAGIC);
                return new CounterFile(mapping, capacity, path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create counter file " + path, ex);
        }
    }

    /** Counters that live only in this process (tests, embedded runs without a CLI). */
    public static CounterFile inMemory(final int capacity)
    {
        return new CounterFile(ByteBuffer.allocateDirect((int)length(capacity)), capacity, null);
    }

    /** Maps an existing counter file for reading, as the CLI does. */
    public static CountersReader openReader(final Path path)
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r"))
        {
            final MappedByteBuffer mapping = file.getChannel().map(FileChannel.MapMode.READ_ONLY, 0, file.length());
            if (mapping.getInt(0) != MAGIC)
            {
                throw new IllegalStateException(path + " is not a flowlane counter file");
            }
            final int capacity = mapping.getInt(4);
            final int metadataLength = capacity * CountersReader.METADATA_LENGTH;
            return new CountersReader(
                new UnsafeBuffer(mapping, HEADER, metadataLength),
                new UnsafeBuffer(mapping, HEADER + metadataLength, capacity * CountersReader.COUNTER_LENGTH),
                StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open counter file " + path, ex);
        }
    }

    /** The writer's view: allocates counters. One per file, owned by the appliance. */
    public CountersManager manager()
    {
        return manager;
    }

    /** The value of the first counter whose label is {@code label}, or -1 if there is none. */
    public static long value(final CountersReader reader, final String label)
    {
        final long[] result = {-1};
        reader.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (result[0] == -1 && counterLabel.equals(label))
            {
                result[0] = reader.getCounterValue(counterId);
            }
        });
        return result[0];
    }

    /** The sum of all counters whose label ends with {@code suffix} (e.g. one drop reason over all workers). */
    public static long sum(final CountersReader reader, final String suffix)
    {
        final long[] total = {0};
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (label.endsWith(suffix))
            {
                total[0] += reader.getCounterValue(counterId);
            }
        });
        return total[0];
    }

    public Path path()
    {
        return path;
    }

    @Override
    public void close()
    {
        if (mapping instanceof MappedByteBuffer mapped)
        {
            IoUtil.unmap(mapped);
        }
    }

    private static long length(final int capacity)
    {
        return HEADER + (long)capacity * (CountersReader.METADATA_LENGTH + CountersReader.COUNTER_LENGTH);
    }
}
