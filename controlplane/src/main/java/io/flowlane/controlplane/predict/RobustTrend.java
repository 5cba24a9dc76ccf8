package io.flowlane.controlplane.predict;

import java.util.Arrays;

/**
 * The level and slope of the last {@code capacity} samples of a metric, estimated robustly: the
 * level is the median of the newest few values and the slope is the Theil–Sen estimator (the
 * median of the slopes between every pair of samples), so one sample spoiled by a preempted
 * worker or a GC pause moves neither. Also reports how consistently the metric rises (the share
 * of pairwise slopes that are positive), which separates a trend from noise.
 */
public final class RobustTrend
{
    private static final int LEVEL_WINDOW = 5;

    private final double[] times;
    private final double[] values;
    private final double[] slopes;
    private final double[] scratch = new double[LEVEL_WINDOW];
    private int count;
    private int next;

    public RobustTrend(final int capacity)
    {
        if (capacity < 3 || capacity > 200)
        {
            throw new IllegalArgumentException("capacity: " + capacity + " is outside 3..200");
        }
        times = new double[capacity];
        values = new double[capacity];
        slopes = new double[capacity * (capacity - 1) / 2];
    }

    public void add(final double timeSeconds, final double value)
    {
        times[next] = timeSeconds;
        values[next] = value;
        next = (next + 1) % times.length;
        count = Math.min(count + 1, times.length);
    }

    public int count()
    {
        return count;
    }

    /** The median of the newest (up to) five values; NaN when empty. */
    public double level()
    {
        final int n = Math.min(count, LEVEL_WINDOW);
        if (n == 0)
        {
            return Double.NaN;
        }
        for (int k = 0; k < n; k++)
        {
            scratch[k] = values[Math.floorMod(next - 1 - k, times.length)];
        }
        Arrays.sort(scratch, 0, n);
        return n % 2 == 1 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2;
    }

    /** Theil–Sen slope in value units per second; 0 with fewer than 3 samples. */
    public double slope()
    {
        final int pairs = pairwiseSlopes();
        if (pairs == 0)
        {
            return 0;
        }
        Arrays.sort(slopes, 0, pairs);
        return pairs % 2 == 1 ? slopes[pairs / 2] : (slopes[pairs / 2 - 1] + slopes[pairs / 2]) / 2;
    }

    /** The share of sample pairs in which the later value is higher: ~0.5 for noise, ~1 for a steady rise. */
    public double rising()
    {
        final int pairs = pairwiseSlopes();
        if (pairs == 0)
        {
            return 0;
        }
        int up = 0;
        for (int k = 0; k < pairs; k++)
        {
            if (slopes[k] > 0)
            {
                up++;
            }
        }
        return (double)up / pairs;
    }

    private int pairwiseSlopes()
    {
        if (count < 3)
        {
            return 0;
        }
        int pairs = 0;
        for (int a = 0; a < count; a++)
        {
            for (int b = a + 1; b < count; b++)
            {
                final double dt = times[b] - times[a];
                if (dt != 0)
                {
                    slopes[pairs++] = (values[b] - values[a]) / dt;
                }
            }
        }
        return pairs;
    }
}
