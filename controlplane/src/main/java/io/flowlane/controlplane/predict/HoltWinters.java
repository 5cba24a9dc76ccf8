package io.flowlane.controlplane.predict;

/**
 * Additive Holt–Winters forecasting (triple exponential smoothing): level, trend and a seasonal
 * profile of {@code period} samples, each updated by exponential smoothing as samples arrive.
 * Forecast h samples ahead: {@code level + (φ + φ² + … + φ^h)·trend + season[(t + h) mod period]}
 * (Gardner and McKenzie's damped trend; φ = 1 is the classic linear trend, φ < 1 keeps a trend
 * learned from a start-up ramp from being extrapolated far). With period 1 it is Holt's method
 * (no season). O(period) memory, O(1) per sample.
 *
 * <p>The first season initialises the profile (each sample's deviation from that season's mean),
 * so forecasts are available after one period.
 */
public final class HoltWinters
{
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final double phi;
    private final double[] season;
    private final int period;
    private final double[] firstSeason;
    private double level;
    private double trend;
    private long samples;

    /**
     * @param alpha  level smoothing, 0..1 (higher follows faster)
     * @param beta   trend smoothing, 0..1
     * @param gamma  seasonal smoothing, 0..1
     * @param period samples per season (1: none)
     */
    public HoltWinters(final double alpha, final double beta, final double gamma, final int period)
    {
        this(alpha, beta, gamma, 1.0, period);
    }

    /** @param phi trend damping, 0..1 (1: none) */
    public HoltWinters(final double alpha, final double beta, final double gamma, final double phi, final int period)
    {
        check("alpha", alpha);
        check("phi", phi);
        check("beta", beta);
        check("gamma", gamma);
        if (period < 1)
        {
            throw new IllegalArgumentException("period: " + period + " must be at least 1");
        }
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.phi = phi;
        this.period = period;
        this.season = new double[period];
        this.firstSeason = new double[period];
    }

    public void add(final double value)
    {
        if (samples < period)
        {
            firstSeason[(int)samples] = value;
            samples++;
            if (samples == period)
            {
                double mean = 0;
                for (final double v : firstSeason)
                {
                    mean += v;
                }
                mean /= period;
                for (int i = 0; i < period; i++)
                {
                    season[i] = period == 1 ? 0 : firstSeason[i] - mean;
                }
                level = period == 1 ? value : mean;
                trend = period == 1 ? 0 : (firstSeason[period - 1] - firstSeason[0]) / Math.max(1, period - 1);
            }
            return;
        }
        final int s = (int)(samples % period);
        final double lastLevel = level;
        level = alpha * (value - season[s]) + (1 - alpha) * (level + phi * trend);
        trend = beta * (level - lastLevel) + (1 - beta) * phi * trend;
        season[s] = gamma * (value - level) + (1 - gamma) * season[s];
        samples++;
    }

    /** True once a full season has been seen. */
    public boolean ready()
    {
        return samples >= period;
    }

    /** The forecast {@code steps} samples after the last one (steps >= 1). */
    public double forecast(final int steps)
    {
        if (!ready())
        {
            return Double.NaN;
        }
        double damping = 0;
        double power = 1;
        for (int h = 0; h < steps; h++)
        {
            power *= phi;
            damping += power;
        }
        return level + damping * trend + season[(int)((samples - 1 + steps) % period)];
    }

    /** The highest forecast over the next {@code steps} samples. */
    public double peak(final int steps)
    {
        double peak = Double.NEGATIVE_INFINITY;
        for (int h = 1; h <= steps; h++)
        {
            peak = Math.max(peak, forecast(h));
        }
        return peak;
    }

    private static void check(final String name, final double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new IllegalArgumentException(name + ": " + value + " is outside 0..1");
        }
    }
}
