package io.flowlane.controlplane.health;

import java.util.function.DoubleConsumer;

/**
 * A metric's daily (or other) cycle, found once from the learning period, and each new value's
 * deviation from the value one cycle earlier. Without it a holiday in a metric that follows a daily
 * profile (NAB's nyc_taxi), or a missing daily peak, is made only of values seen before.
 * <p>
 * The cycle is the lag with the highest autocorrelation over the learning period among lags that
 * are a local maximum, at least {@link #MIN_AUTOCORRELATION}, stand out from the lags between half
 * and all of them by {@link #MIN_PROMINENCE} (a slowly varying metric's autocorrelation is high at
 * every short lag, which is no cycle), and fit twice into the learning period.
 */
final class SeasonalBaseline
{
    static final double MIN_AUTOCORRELATION = 0.5;
    static final double MIN_PROMINENCE = 0.2;
    static final int MIN_PERIOD = 4;

    private double[] learning;
    private int learned;
    private int period;
    /** The last {@code period + 1} values, indexed by absolute position modulo the length. */
    private double[] history;
    private long position;

    SeasonalBaseline(final int learningPoints)
    {
        this.learning = new double[Math.max(2, learningPoints)];
    }

    /** 0 while learning or when the learning period showed no cycle. */
    int period()
    {
        return period;
    }

    boolean learning()
    {
        return learning != null;
    }

    /**
     * Adds a value of the learning period; after the last one, finds the cycle and hands the
     * learning period's deviations to {@code warmUp} so the caller's memory of deviations starts
     * out knowing them.
     */
    void learn(final double value, final DoubleConsumer warmUp)
    {
        learning[learned++] = value;
        if (learned < learning.length)
        {
            return;
        }
        period = findPeriod(learning);
        if (period > 0)
        {
            history = new double[period + 1];
            for (int i = 0; i < learning.length; i++)
            {
                if (i >= period + 1)
                {
                    warmUp.accept(value(i, learning[i]));
                }
                else
                {
                    history[i % history.length] = learning[i];
                }
            }
            position = learning.length;
        }
        learning = null;
    }

    /** The deviation of {@code value} from the value one cycle earlier; remembers {@code value}. */
    double deviation(final double value)
    {
        return value(position++, value);
    }

    private double value(final long index, final double value)
    {
        final int slot = (int)(index % history.length);
        final int cycleAgo = (int)((index - period) % history.length);
        final double deviation = value - history[cycleAgo];
        history[slot] = value;
        return deviation;
    }

    static int findPeriod(final double[] values)
    {
        final int n = values.length;
        double mean = 0;
        for (final double v : values)
        {
            mean += v;
        }
        mean /= n;
        double variance = 0;
        for (final double v : values)
        {
            variance += (v - mean) * (v - mean);
        }
        if (!(variance > 0))
        {
            return 0;
        }
        final int maxLag = n / 2;
        final double[] acf = new double[maxLag + 1];
        for (int lag = 1; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (int i = lag; i < n; i++)
            {
                sum += (values[i] - mean) * (values[i - lag] - mean);
            }
            acf[lag] = sum / variance;
        }
        double best = MIN_AUTOCORRELATION;
        int bestLag = 0;
        for (int lag = MIN_PERIOD; lag < maxLag; lag++)
        {
            if (!(acf[lag] > acf[lag - 1] && acf[lag] >= acf[lag + 1] && acf[lag] > best))
            {
                continue;
            }
            double valley = 1.0;
            for (int j = lag / 2; j < lag; j++)
            {
                valley = Math.min(valley, acf[j]);
            }
            if (acf[lag] - valley >= MIN_PROMINENCE)
            {
                best = acf[lag];
                bestLag = lag;
            }
        }
        return bestLag > 0 && n >= 2 * bestLag ? bestLag : 0;
    }
}
