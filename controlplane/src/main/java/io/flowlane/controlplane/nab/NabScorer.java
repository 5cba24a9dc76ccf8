package io.flowlane.controlplane.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores a detector's anomaly scores the way the Numenta Anomaly Benchmark does (Lavin and Ahmad
 * 2015, "Evaluating Real-time Anomaly Detection Algorithms — the Numenta Anomaly Benchmark";
 * Ahmad et al. 2017, "Unsupervised real-time anomaly detection for streaming data"):
 * <ul>
 * <li>a row is a detection when its score reaches the threshold; rows of the probationary period
 *     (the first 15% of a file, at most 750 rows) are ignored;</li>
 * <li>a window counts once, through its earliest detection, which earns
 *     {@code A_TP * σ(y) / σ(-1)} where {@code σ(y) = 2 / (1 + e^{5y}) - 1} and {@code y} runs from -1
 *     at the window's first row to just below 0 at its last ({@code y = -(last - row + 1) / width});</li>
 * <li>a window with no detection costs {@code A_FN};</li>
 * <li>a detection outside every window earns {@code A_FP * σ(y)} (negative), where {@code y} is its
 *     distance after the end of the preceding window in units of that window's width less one;
 *     before the first window, or three widths or more after one, it costs the full {@code A_FP};</li>
 * <li>the raw score of a corpus is the sum over its files; it is normalised so that the null
 *     detector (no detection) scores 0 and the perfect one (every window detected at its first row)
 *     scores 100;</li>
 * <li>the threshold is one for the whole corpus and profile, the one that maximises the raw score:
 *     NAB sweeps every distinct score value.</li>
 * </ul>
 * The row weights depend on the labels only, so they are computed once and sorted once by anomaly
 * score; every profile's sweep is then a single pass.
 */
public final class NabScorer
{
    private final List<NabSeries> series;
    private final List<double[]> scores;
    private final int totalWindows;
    private final int countedWindows;
    /** Rows after probation with a score, across the corpus, in descending order of score. */
    private final double[] sortedScore;
    /** The row's NAB factor: in (0, 1] inside a window, [-1, 0] outside (scaled by A_TP / A_FP). */
    private final double[] sortedFactor;
    /** Corpus-wide window index of the row, or -1 outside windows. */
    private final int[] sortedWindow;

    /**
     * @param series the labelled series
     * @param scores one anomaly score per row of each series (NaN: never a detection)
     */
    public NabScorer(final List<NabSeries> series, final List<double[]> scores)
    {
        if (series.size() != scores.size())
        {
            throw new IllegalArgumentException(series.size() + " series but " + scores.size() + " score arrays");
        }
        this.series = List.copyOf(series);
        this.scores = List.copyOf(scores);

        int windows = 0;
        int counted = 0;
        int rows = 0;
        for (int s = 0; s < series.size(); s++)
        {
            final NabSeries one = series.get(s);
            if (scores.get(s).length != one.size())
            {
                throw new IllegalArgumentException(one.name() + ": " + scores.get(s).length + " scores for " + one.size() + " rows");
            }
            windows += one.windows().size();
            for (final NabWindow window : one.windows())
            {
                counted += window.last() >= one.probationLength() ? 1 : 0;
            }
            rows += one.size() - one.probationLength();
        }
        this.totalWindows = windows;
        this.countedWindows = counted;

        final double[] score = new double[rows];
        final double[] factor = new double[rows];
        final int[] window = new int[rows];
        int n = 0;
        int windowBase = 0;
        for (int s = 0; s < series.size(); s++)
        {
            final NabSeries one = series.get(s);
            final double[] rowScores = scores.get(s);
            final double[] rowFactors = rowFactors(one);
            final int[] rowWindows = rowWindows(one);
            for (int row = one.probationLength(); row < one.size(); row++)
            {
                if (Double.isNaN(rowScores[row]))
                {
                    continue;
                }
                score[n] = rowScores[row];
                factor[n] = rowFactors[row];
                window[n] = rowWindows[row] < 0 ? -1 : windowBase + rowWindows[row];
                n++;
            }
            windowBase += one.windows().size();
        }

        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        this.sortedScore = new double[n];
        this.sortedFactor = new double[n];
        this.sortedWindow = new int[n];
        for (int i = 0; i < n; i++)
        {
            sortedScore[i] = score[order[i]];
            sortedFactor[i] = factor[order[i]];
            sortedWindow[i] = window[order[i]];
        }
    }

    /** NAB's scaled sigmoid: 2σ(-5y) - 1, and -1 from three window widths past a window on. */
    public static double scaledSigmoid(final double relativePosition)
    {
        if (relativePosition >= 3.0)
        {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * relativePosition)) - 1.0;
    }

    /**
     * Per row, what a detection there is worth before the profile's weights: inside a window
     * {@code σ(y)/σ(-1)} (1 at the first row), outside a window {@code σ(y)} (-1 far from windows).
     * Probationary rows get NaN.
     */
    public static double[] rowFactors(final NabSeries series)
    {
        final double[] factors = new double[series.size()];
        final double maxInside = scaledSigmoid(-1.0);
        NabWindow previous = null;
        int next = 0;
        final List<NabWindow> windows = series.windows();
        for (int row = 0; row < series.size(); row++)
        {
            while (next < windows.size() && windows.get(next).last() < row)
            {
                previous = windows.get(next++);
            }
            final NabWindow current = next < windows.size() && windows.get(next).contains(row) ? windows.get(next) : null;
            final double factor;
            if (current != null)
            {
                factor = scaledSigmoid(-(double)(current.last() - row + 1) / current.width()) / maxInside;
            }
            else if (previous == null || previous.width() < 2)
            {
                factor = -1.0;
            }
            else
            {
                factor = scaledSigmoid((double)(row - previous.last()) / (previous.width() - 1));
            }
            factors[row] = row < series.probationLength() ? Double.NaN : factor;
        }
        return factors;
    }

    private static int[] rowWindows(final NabSeries series)
    {
        final int[] rowWindows = new int[series.size()];
        Arrays.fill(rowWindows, -1);
        for (int w = 0; w < series.windows().size(); w++)
        {
            final NabWindow window = series.windows().get(w);
            Arrays.fill(rowWindows, window.first(), window.last() + 1, w);
        }
        return rowWindows;
    }

    public int totalWindows()
    {
        return totalWindows;
    }

    public double nullScore(final NabProfile profile)
    {
        return -profile.fnWeight() * countedWindows;
    }

    public double perfectScore(final NabProfile profile)
    {
        // NAB's normaliser: every labelled window detected at its first row.
        return profile.tpWeight() * totalWindows;
    }

    /**
     * The corpus threshold that maximises the raw score under {@code profile} (ties go to the
     * highest threshold), and the score there.
     */
    public NabResult optimise(final NabProfile profile)
    {
        final double[] best = new double[totalWindows];
        final boolean[] detected = new boolean[totalWindows];
        double falsePositiveSum = 0;
        double truePositiveSum = 0;
        int undetected = countedWindows;
        double bestRaw = -profile.fnWeight() * undetected;
        double bestThreshold = Double.POSITIVE_INFINITY;
        int i = 0;
        while (i < sortedScore.length)
        {
            final double threshold = sortedScore[i];
            for (; i < sortedScore.length && sortedScore[i] == threshold; i++)
            {
                final int window = sortedWindow[i];
                if (window < 0)
                {
                    falsePositiveSum += sortedFactor[i] * profile.fpWeight();
                }
                else if (!detected[window])
                {
                    detected[window] = true;
                    best[window] = sortedFactor[i];
                    truePositiveSum += sortedFactor[i] * profile.tpWeight();
                    undetected--;
                }
                else if (sortedFactor[i] > best[window])
                {
                    truePositiveSum += (sortedFactor[i] - best[window]) * profile.tpWeight();
                    best[window] = sortedFactor[i];
                }
            }
            final double raw = falsePositiveSum + truePositiveSum - profile.fnWeight() * undetected;
            if (raw > bestRaw)
            {
                bestRaw = raw;
                bestThreshold = threshold;
            }
        }
        return scoreAt(profile, bestThreshold);
    }

    /** The corpus score with a fixed threshold: the sum of {@link #scoreFiles}. */
    public NabResult scoreAt(final NabProfile profile, final double threshold)
    {
        double raw = 0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        int detectedWindows = 0;
        int windows = 0;
        for (final NabResult file : scoreFiles(profile, threshold))
        {
            raw += file.rawScore();
            tp += file.truePositives();
            fp += file.falsePositives();
            fn += file.falseNegatives();
            tn += file.trueNegatives();
            detectedWindows += file.detectedWindows();
            windows += file.windows();
        }
        return new NabResult(profile, threshold, raw, nullScore(profile), perfectScore(profile), tp, fp, fn, tn, detectedWindows, windows);
    }

    /** Each file's score at {@code threshold}, in corpus order. */
    public List<NabResult> scoreFiles(final NabProfile profile, final double threshold)
    {
        final List<NabResult> results = new ArrayList<>(series.size());
        for (int s = 0; s < series.size(); s++)
        {
            results.add(scoreFile(series.get(s), scores.get(s), profile, threshold));
        }
        return results;
    }

    /** One file's score at {@code threshold}; {@code nullScore}/{@code perfectScore} are that file's. */
    public static NabResult scoreFile(final NabSeries series, final double[] scores, final NabProfile profile, final double threshold)
    {
        final double[] factors = rowFactors(series);
        final int[] rowWindows = rowWindows(series);
        final int probation = series.probationLength();
        final double[] earliest = new double[series.windows().size()];
        final boolean[] detected = new boolean[earliest.length];
        double falsePositiveSum = 0;
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int row = probation; row < series.size(); row++)
        {
            final boolean detection = scores[row] >= threshold;
            final int window = rowWindows[row];
            if (window >= 0)
            {
                if (detection)
                {
                    tp++;
                    if (!detected[window])
                    {
                        detected[window] = true;
                        earliest[window] = factors[row];
                    }
                }
                else
                {
                    fn++;
                }
            }
            else if (detection)
            {
                fp++;
                falsePositiveSum += factors[row] * profile.fpWeight();
            }
            else
            {
                tn++;
            }
        }
        double raw = falsePositiveSum;
        int counted = 0;
        int detectedWindows = 0;
        for (int w = 0; w < earliest.length; w++)
        {
            if (series.windows().get(w).last() < probation)
            {
                continue;
            }
            counted++;
            if (detected[w])
            {
                detectedWindows++;
                raw += earliest[w] * profile.tpWeight();
            }
            else
            {
                raw -= profile.fnWeight();
            }
        }
        return new NabResult(profile, threshold, raw, -profile.fnWeight() * counted, profile.tpWeight() * series.windows().size(),
            tp, fp, fn, tn, detectedWindows, counted);
    }
}
