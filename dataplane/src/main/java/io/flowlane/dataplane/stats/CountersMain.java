package io.flowlane.dataplane.stats;

import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Path;

/**
 * Prints the non-zero counters of a running (or stopped) appliance from its counter file,
 * without talking to it: {@code CountersMain [/dev/shm/flowlane/<file-prefix>/counters.dat]}.
 */
public final class CountersMain
{
    private CountersMain()
    {
    }

    public static void main(final String[] args)
    {
        final Path file = Path.of(args.length > 0 ? args[0] : "/dev/shm/flowlane/flowlane/counters.dat");
        final CountersReader reader = CounterFile.openReader(file);
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            if (value != 0)
            {
                System.out.printf("%-50s %,20d%n", label, value);
            }
        });
    }
}
