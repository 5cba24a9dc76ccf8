package io.flowlane.controlplane.predict;

/**
 * The probability that one engine or tunnel fails within a horizon, from one health metric that
 * degrades before failure (for a tunnel: the per-packet cost of its path; for a worker: busy
 * cycles per packet): failure is the metric reaching {@code limit}. The metric's robust trend
 * ({@link RobustTrend}) is extrapolated to the time it would reach the limit, and
 *
 * <pre>
 *   p = confidence * 1 / (1 + exp(-steepness * (horizon - timeToLimit) / horizon))
 *   confidence = clamp((rising - 0.5) / 0.25, 0, 1)
 *                (rising: share of sample pairs that go up; about 0.5 for noise, which is 0
 *                confidence; 0.75 or more, a rise that noise does not produce over a window of
 *                20 samples, is full confidence)
 * </pre>
 *
 * so p is 0.5·confidence when the limit is one horizon away and approaches confidence as it
 * nears; a metric already at the limit gives 1. Stateless apart from the trend, so it follows a
 * change at once; the control plane retrains nothing per sample.
 */
public final class FailurePredictor
{
    private final RobustTrend trend;
    private final double limit;
    private final double steepness;
    private final int minSamples;

    /**
     * @param limit      the metric's value at which the entity counts as failed
     * @param window     samples the trend is fitted over
     * @param steepness  how sharply probability rises as the limit approaches (4: 0.7 at ~0.8 horizons)
     */
    public FailurePredictor(final double limit, final int window, final double steepness)
    {
        if (!(limit > 0))
        {
            throw new IllegalArgumentException("limit: " + limit + " must be positive");
        }
        this.trend = new RobustTrend(window);
        this.limit = limit;
        this.steepness = steepness;
        this.minSamples = Math.max(3, window / 2);
    }

    public void observe(final double timeSeconds, final double value)
    {
        trend.add(timeSeconds, value);
    }

    /** P(failure within {@code horizonSeconds}); 0 until half a window of samples has been seen. */
    public double probability(final double horizonSeconds)
    {
        if (trend.count() < minSamples)
        {
            return 0;
        }
        final double level = trend.level();
        if (level >= limit)
        {
            return 1;
        }
        final double slope = trend.slope();
        if (slope <= 0)
        {
            return 0;
        }
        final double confidence = Math.min(1, Math.max(0, (trend.rising() - 0.5) / 0.25));
        final double timeToLimit = (limit - level) / slope;
        return confidence / (1 + Math.exp(-steepness * (horizonSeconds - timeToLimit) / horizonSeconds));
    }

    /** Seconds until the metric reaches the limit at its present trend; infinite if it is not rising. */
    public double timeToLimit()
    {
        final double slope = trend.slope();
        final double level = trend.level();
        return level >= limit ? 0 : slope <= 0 ? Double.POSITIVE_INFINITY : (limit - level) / slope;
    }

    public double level()
    {
        return trend.level();
    }

    /** The metric's robust slope, per second. */
    public double slope()
    {
        return trend.slope();
    }

    public double limit()
    {
        return limit;
    }
}
