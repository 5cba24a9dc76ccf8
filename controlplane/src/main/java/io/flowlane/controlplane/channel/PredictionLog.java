package io.flowlane.controlplane.channel;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The failure predictions this data plane was told about, newest last ({@code show predictions}):
 * whichever control plane made them, with its probability, horizon and reason. Kept on the
 * control thread; rebuilt from the journal at restart, since predictions are journalled commands.
 */
final class PredictionLog
{
    static final int CAPACITY = 1024;

    record Entry(long epochMillis, String entity, float probability, long horizonMillis, String reason)
    {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    void add(final Entry entry)
    {
        if (entries.size() == CAPACITY)
        {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    /** Rows newest first: a header line, then one tab-separated line an entry. */
    String rows(final int offset, final int limit, final long[] total)
    {
        final List<Entry> newestFirst = new ArrayList<>(entries).reversed();
        total[0] = newestFirst.size();
        final StringBuilder text = new StringBuilder("time\tentity\tprobability\thorizon-ms\treason\n");
        for (int i = offset; i < Math.min(newestFirst.size(), offset + limit); i++)
        {
            final Entry e = newestFirst.get(i);
            text.append(Instant.ofEpochMilli(e.epochMillis())).append('\t').append(e.entity()).append('\t')
                .append(String.format(Locale.ROOT, "%.2f", e.probability())).append('\t').append(e.horizonMillis()).append('\t')
                .append(e.reason().replace('\t', ' ').replace('\n', ' ')).append('\n');
        }
        return text.toString();
    }
}
