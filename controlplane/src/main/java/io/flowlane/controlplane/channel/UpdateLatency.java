package io.flowlane.controlplane.channel;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Update-to-applied latency, from a command's {@code sentNanos} to the end of the grace period
 * after it was applied (every worker forwards with the change from then on), in nanoseconds,
 * 3 significant digits, up to 60 s. Recorded by the control thread, read by anyone.
 */
public final class UpdateLatency
{
    /** The percentiles telemetry carries. */
    public static final double[] PERCENTILES = {50.0, 90.0, 99.0, 99.9, 99.99, 100.0};

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(1, 60_000_000_000L, 3);

    void record(final long nanos)
    {
        histogram.recordValue(Math.max(1, Math.min(nanos, histogram.getHighestTrackableValue())));
    }

    /** A copy of everything recorded since start. */
    public Histogram snapshot()
    {
        return histogram.copy();
    }

    public long count()
    {
        return histogram.getTotalCount();
    }

    public long valueAtPercentile(final double percentile)
    {
        return histogram.getValueAtPercentile(percentile);
    }
}
