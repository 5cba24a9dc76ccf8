package io.flowlane.controlplane.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

class JournalTest
{
    @TempDir
    Path directory;

    @Test
    void entriesComeBackInOrderWithTheirKindTimeAndBytesAndHistoryFiltersByTime()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[10_000]);
        try (Journal journal = Journal.open(directory))
        {
            for (int i = 0; i < 100; i++)
            {
                buffer.putInt(0, i);
                final int length = i == 50 ? 9_000 : 4 + i;
                buffer.putByte(length - 1, (byte)i);
                journal.append(i % 3 == 0 ? Journal.Kind.COMMAND_APPLIED : Journal.Kind.ACK, 1_000L * i, buffer, 0, length);
            }
        }
        try (Journal journal = Journal.openReadOnly(directory))
        {
            final List<Integer> seen = new ArrayList<>();
            assertEquals(100, journal.read((kind, time, b, offset, length) ->
            {
                final int i = b.getInt(offset);
                assertEquals(1_000L * i, time);
                assertEquals(i % 3 == 0 ? Journal.Kind.COMMAND_APPLIED : Journal.Kind.ACK, kind);
                assertEquals(i == 50 ? 9_000 : 4 + i, length);
                assertEquals((byte)i, b.getByte(offset + length - 1));
                seen.add(i);
            }));
            assertEquals(100, seen.size());
            final List<Long> times = new ArrayList<>();
            journal.history(10_000, 20_000, (kind, time, b, offset, length) -> times.add(time));
            assertEquals(List.of(10_000L, 11_000L, 12_000L, 13_000L, 14_000L, 15_000L, 16_000L, 17_000L, 18_000L, 19_000L), times);
            final List<Integer> replayed = new ArrayList<>();
            assertEquals(34, journal.replay((kind, time, b, offset, length) -> replayed.add(b.getInt(offset))));
            assertEquals(0, replayed.get(0));
            assertEquals(99, replayed.get(33));
        }
    }
}
