package io.flowlane.controlplane.nab;

import java.util.List;

/**
 * One labelled series of the corpus: its rows (timestamps in epoch milliseconds, UTC as NAB's
 * files are written, and values) and its anomaly windows in time order.
 *
 * @param name relative path as NAB keys it, e.g. {@code realKnownCause/nyc_taxi.csv}
 */
public record NabSeries(String name, long[] timestampsMillis, double[] values, List<NabWindow> windows)
{
    /** NAB ignores detections in the first 15% of a file, and never more than 750 rows of it. */
    public static final double PROBATION_FRACTION = 0.15;
    private static final int PROBATION_CAP_ROWS = 5000;

    public NabSeries
    {
        if (timestampsMillis.length != values.length)
        {
            throw new IllegalArgumentException(name + ": " + timestampsMillis.length + " timestamps, " + values.length + " values");
        }
        windows = List.copyOf(windows);
        int previousLast = -1;
        for (final NabWindow window : windows)
        {
            if (window.first() <= previousLast || window.last() >= values.length)
            {
                throw new IllegalArgumentException(name + ": windows overlap, are out of order or past the end: " + windows);
            }
            previousLast = window.last();
        }
    }

    public int size()
    {
        return values.length;
    }

    /** Rows {@code 0..probationLength()-1} are the probationary period. */
    public int probationLength()
    {
        return probationLength(values.length);
    }

    public static int probationLength(final int rows)
    {
        return (int)Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_FRACTION * PROBATION_CAP_ROWS);
    }
}
