package io.flowlane.controlplane.health;

/**
 * A streaming anomaly detector for one metric (busy cycles per packet, drops, latency, …): feed it
 * one value at a time, get back an anomaly score in [0, 1]. It never looks ahead and its state is
 * bounded: at most {@link Config#capacity} remembered values per view (typically tens to a few
 * hundred), one cycle of values, and the learning period's values until learning ends.
 * <p>
 * It asks one question from three angles: has the metric done something it has never done before?
 * <ul>
 * <li>its value: is it away from every value seen so far (a new extreme, or a level never held)?</li>
 * <li>its short-term spread (standard deviation of the last {@link Config#spreadPoints} values):
 *     has it become noisier or flatter than ever?</li>
 * <li>its deviation from one cycle ago, when the learning period showed a cycle (a daily profile):
 *     has it left its usual shape?</li>
 * </ul>
 * Each view's novelty is the distance to the nearest thing seen before in units of that view's
 * range so far (see {@link ValueMemory}); the views are weighted and the largest wins. Nothing is
 * scored during the learning period. After that a score is reported only if it beats every raw
 * score of the last {@link Config#suppressionPoints} values, so one incident raises one alarm, not
 * a burst of them.
 * Finally novelty {@code v} is mapped to {@code v / (v + scale)}, so a score of 0.5 means the metric
 * is {@code scale} of its known range away from anything it did before.
 * <p>
 * Not thread-safe: one instance per metric, updated from one thread.
 */
public final class NoveltyDetector
{
    /**
     * Hyper-parameters. They were chosen once for the whole NAB corpus, not per series (see
     * docs/prediction.md).
     *
     * @param learningPoints    values learned before anything is scored (NAB: its probationary period)
     * @param radius            how far apart, in units of the range, remembered values are; nearer is "seen"
     * @param spreadPoints      window of the short-term spread view
     * @param spreadWeight      weight of the spread view
     * @param seasonalWeight    weight of the deviation-from-one-cycle-ago view
     * @param suppressionPoints a score is reported only if larger than all raw scores of this many previous values (0: no suppression)
     * @param scale             novelty that maps to a score of 0.5
     * @param capacity          most prototypes one view remembers
     */
    public record Config(
        int learningPoints,
        double radius,
        int spreadPoints,
        double spreadWeight,
        double seasonalWeight,
        int suppressionPoints,
        double scale,
        int capacity)
    {
        public static final double RADIUS = 0.02;
        public static final int SPREAD_POINTS = 30;
        public static final double SPREAD_WEIGHT = 0.3;
        public static final double SEASONAL_WEIGHT = 0.5;
        public static final double SUPPRESSION_FRACTION_OF_LEARNING = 0.15;
        public static final double SCALE = 0.025;
        public static final int CAPACITY = 4096;

        public Config
        {
            if (learningPoints < 2 || !(radius > 0 && radius < 1) || spreadPoints < 2 || spreadWeight < 0 || seasonalWeight < 0
                || suppressionPoints < 0 || !(scale > 0) || capacity < 2)
            {
                throw new IllegalArgumentException("invalid detector config: " + this);
            }
        }

        /** These settings with other view weights and suppression: for ablation studies. */
        public Config withViews(final double spreadWeight, final double seasonalWeight, final int suppressionPoints)
        {
            return new Config(learningPoints, radius, spreadPoints, spreadWeight, seasonalWeight, suppressionPoints, scale, capacity);
        }

        /** The defaults, with alarms suppressed for 15% of the learning period after one. */
        public static Config withLearningPoints(final int learningPoints)
        {
            return withLearningPoints(learningPoints, RADIUS, SPREAD_WEIGHT, SEASONAL_WEIGHT, SUPPRESSION_FRACTION_OF_LEARNING);
        }

        /** The defaults but for the settings NAB's sensitivity study varies (docs/prediction.md). */
        public static Config withLearningPoints(
            final int learningPoints,
            final double radius,
            final double spreadWeight,
            final double seasonalWeight,
            final double suppressionFractionOfLearning)
        {
            return new Config(learningPoints, radius, SPREAD_POINTS, spreadWeight, seasonalWeight,
                Math.max(1, (int)(suppressionFractionOfLearning * learningPoints)), SCALE, CAPACITY);
        }
    }

    private final Config config;
    private final ValueMemory values;
    private final ValueMemory spreads;
    private final ValueMemory deviations;
    private final SeasonalBaseline seasonal;
    private final double[] recent;
    private final SlidingMax recentRawScores;
    private long count;

    public NoveltyDetector(final Config config)
    {
        this.config = config;
        this.values = new ValueMemory(config.radius(), config.capacity());
        this.spreads = new ValueMemory(config.radius(), config.capacity());
        this.deviations = new ValueMemory(config.radius(), config.capacity());
        this.seasonal = new SeasonalBaseline(config.learningPoints());
        this.recent = new double[config.spreadPoints()];
        this.recentRawScores = config.suppressionPoints() > 0 ? new SlidingMax(config.suppressionPoints()) : null;
    }

    public Config config()
    {
        return config;
    }

    /** Values seen so far (those that were not finite are not counted). */
    public long count()
    {
        return count;
    }

    /** The cycle found in the learning period, in values; 0 if none (or still learning). */
    public int period()
    {
        return seasonal.period();
    }

    /**
     * Learns {@code value} and returns its anomaly score in [0, 1]: 0 while learning, for values
     * like those seen before, and within the suppression period of a larger alarm. A value that is
     * NaN or infinite is ignored (score 0).
     *
     * @param timestampMillis when the value was measured; kept in the signature for metrics sampled
     *                        irregularly, not used by the current views, which count values
     */
    public double update(final long timestampMillis, final double value)
    {
        if (!Double.isFinite(value))
        {
            return 0.0;
        }
        double novelty = 0.0;

        if (seasonal.learning())
        {
            seasonal.learn(value, deviations::observe);
        }
        else if (seasonal.period() > 0)
        {
            novelty = Math.max(novelty, config.seasonalWeight() * deviations.observe(seasonal.deviation(value)));
        }

        recent[(int)(count % recent.length)] = value;
        if (count + 1 >= recent.length)
        {
            novelty = Math.max(novelty, config.spreadWeight() * spreads.observe(standardDeviation(recent)));
        }

        novelty = Math.max(novelty, values.observe(value));
        count++;

        double louderBefore = 0.0;
        if (recentRawScores != null)
        {
            louderBefore = recentRawScores.max();
            recentRawScores.push(novelty);
        }
        if (count <= config.learningPoints() || novelty <= louderBefore)
        {
            return 0.0;
        }
        return novelty / (novelty + config.scale());
    }

    private static double standardDeviation(final double[] window)
    {
        double mean = 0;
        for (final double v : window)
        {
            mean += v;
        }
        mean /= window.length;
        double sum = 0;
        for (final double v : window)
        {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / window.length);
    }
}
