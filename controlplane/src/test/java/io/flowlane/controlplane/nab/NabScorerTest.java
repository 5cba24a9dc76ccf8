package io.flowlane.controlplane.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** The NAB scoring rules on series small enough to work out by hand. */
class NabScorerTest
{
    private static final int ROWS = 1000;
    /** floor(0.15 * 1000) = 150 rows of probation. */
    private static final int PROBATION = 150;
    private static final NabWindow WINDOW = new NabWindow(500, 599);

    private static NabSeries series(final NabWindow... windows)
    {
        final long[] timestamps = new long[ROWS];
        final double[] values = new double[ROWS];
        for (int i = 0; i < ROWS; i++)
        {
            timestamps[i] = 1_400_000_000_000L + i * 300_000L;
        }
        return new NabSeries("test/series.csv", timestamps, values, List.of(windows));
    }

    private static double[] detectionsAt(final int... rows)
    {
        final double[] scores = new double[ROWS];
        for (final int row : rows)
        {
            scores[row] = 1.0;
        }
        return scores;
    }

    private static double raw(final NabSeries series, final double[] scores, final NabProfile profile)
    {
        return NabScorer.scoreFile(series, scores, profile, 1.0).rawScore();
    }

    @Test
    void probationIsFifteenPercentCappedAt750Rows()
    {
        assertEquals(PROBATION, NabSeries.probationLength(ROWS));
        assertEquals(604, NabSeries.probationLength(4032));
        assertEquals(750, NabSeries.probationLength(15_902));
    }

    @Test
    void scaledSigmoidIsOneAtWindowStartZeroAtItsEndAndMinusOneFarAfter()
    {
        assertEquals(2.0 / (1.0 + Math.exp(-5.0)) - 1.0, NabScorer.scaledSigmoid(-1.0), 1e-15);
        assertEquals(0.0, NabScorer.scaledSigmoid(0.0), 1e-15);
        assertEquals(-1.0, NabScorer.scaledSigmoid(3.0), 0.0);
        assertEquals(-1.0, NabScorer.scaledSigmoid(50.0), 0.0);
        assertTrue(NabScorer.scaledSigmoid(2.99) > -1.0);
    }

    @Test
    void detectionAtWindowStartScoresMoreThanAtWindowEnd()
    {
        final NabSeries series = series(WINDOW);
        final double atStart = raw(series, detectionsAt(WINDOW.first()), NabProfile.STANDARD);
        final double atMiddle = raw(series, detectionsAt(550), NabProfile.STANDARD);
        final double atEnd = raw(series, detectionsAt(WINDOW.last()), NabProfile.STANDARD);

        assertEquals(1.0, atStart, 1e-12, "the first row of a window earns the whole A_TP");
        assertTrue(atStart > atMiddle && atMiddle > atEnd, atStart + " > " + atMiddle + " > " + atEnd);
        // Last row: y = -1/width, so 2/(1 + e^(-5/100)) - 1, over σ(-1).
        final double expectedAtEnd = (2.0 / (1.0 + Math.exp(-0.05)) - 1.0) / NabScorer.scaledSigmoid(-1.0);
        assertEquals(expectedAtEnd, atEnd, 1e-12);
        assertTrue(atEnd > 0 && atEnd < 0.05);
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCounts()
    {
        final NabSeries series = series(WINDOW);
        final double one = raw(series, detectionsAt(520), NabProfile.STANDARD);
        final double three = raw(series, detectionsAt(520, 560, 599), NabProfile.STANDARD);
        assertEquals(one, three, 0.0);
        final NabResult result = NabScorer.scoreFile(series, detectionsAt(520, 560, 599), NabProfile.STANDARD, 1.0);
        assertEquals(3, result.truePositives(), "NAB still counts every detected window row as a TP row");
        assertEquals(1, result.detectedWindows());
    }

    @Test
    void falsePositiveFarFromAnyWindowCostsTheFullFalsePositiveWeight()
    {
        final NabSeries series = series(WINDOW);
        final double miss = raw(series, detectionsAt(), NabProfile.STANDARD);
        final double beforeWindow = raw(series, detectionsAt(300), NabProfile.STANDARD);
        // Three window widths less one past the end (599 + 3 * 99) and beyond: full cost.
        final double farAfter = raw(series, detectionsAt(896), NabProfile.STANDARD);
        final double justAfter = raw(series, detectionsAt(600), NabProfile.STANDARD);

        assertEquals(miss - 0.11, beforeWindow, 1e-12);
        assertEquals(miss - 0.11, farAfter, 1e-12);
        assertEquals(miss - 0.22, raw(series, detectionsAt(896), NabProfile.REWARD_LOW_FP_RATE), 1e-12);
        assertTrue(justAfter < miss && justAfter > miss - 0.01, "a detection right after a window is nearly free: " + (justAfter - miss));
        final double midway = raw(series, detectionsAt(599 + 99), NabProfile.STANDARD);
        assertTrue(midway < justAfter && midway > farAfter, "the cost grows with the distance from the window");
    }

    @Test
    void missedWindowCostsTheFalseNegativeWeight()
    {
        final NabSeries series = series(WINDOW, new NabWindow(800, 899));
        assertEquals(-2.0, raw(series, detectionsAt(), NabProfile.STANDARD), 0.0);
        assertEquals(-2.0, raw(series, detectionsAt(), NabProfile.REWARD_LOW_FP_RATE), 0.0);
        assertEquals(-4.0, raw(series, detectionsAt(), NabProfile.REWARD_LOW_FN_RATE), 0.0);
        assertEquals(1.0 - 2.0, raw(series, detectionsAt(WINDOW.first()), NabProfile.REWARD_LOW_FN_RATE), 1e-12);
    }

    @Test
    void probationaryPeriodIsIgnored()
    {
        final NabSeries series = series(WINDOW);
        final double nothing = raw(series, detectionsAt(), NabProfile.STANDARD);
        assertEquals(nothing, raw(series, detectionsAt(0, 10, PROBATION - 1), NabProfile.STANDARD), 0.0);
        assertEquals(nothing - 0.11, raw(series, detectionsAt(PROBATION), NabProfile.STANDARD), 1e-12);
        final NabResult result = NabScorer.scoreFile(series, detectionsAt(0, 10), NabProfile.STANDARD, 1.0);
        assertEquals(0, result.falsePositives());
        assertEquals(ROWS - PROBATION - WINDOW.width(), result.trueNegatives());
    }

    @Test
    void normalisationGivesOneHundredToThePerfectDetectorAndZeroToTheNullOne()
    {
        final NabSeries a = series(WINDOW);
        final NabSeries b = series(new NabWindow(300, 349), new NabWindow(700, 749));
        final List<NabSeries> corpus = List.of(a, b);
        final NabScorer perfect = new NabScorer(corpus, List.of(detectionsAt(500), detectionsAt(300, 700)));
        final NabScorer none = new NabScorer(corpus, List.of(new double[ROWS], new double[ROWS]));

        for (final NabProfile profile : NabProfile.ALL)
        {
            final NabResult best = perfect.optimise(profile);
            assertEquals(100.0, best.normalizedScore(), 1e-9, profile.name());
            assertEquals(3 * profile.tpWeight(), best.rawScore(), 1e-9);
            assertEquals(-3 * profile.fnWeight(), best.nullScore(), 0.0);
            assertEquals(0.0, none.optimise(profile).normalizedScore(), 1e-9, profile.name());
        }
    }

    @Test
    void sweepFindsTheThresholdThatMaximisesTheCorpusScore()
    {
        final NabSeries series = series(WINDOW);
        final double[] scores = new double[ROWS];
        // Five false positives scored above the only true positive, others below it.
        for (int i = 0; i < 5; i++)
        {
            scores[200 + 10 * i] = 0.9;
        }
        scores[520] = 0.8;
        for (int i = 0; i < 40; i++)
        {
            scores[250 + i] = 0.5;
        }
        final NabScorer scorer = new NabScorer(List.of(series), List.of(scores));
        final NabResult best = scorer.optimise(NabProfile.STANDARD);

        assertEquals(0.8, best.threshold(), 0.0);
        final double tp = NabScorer.scaledSigmoid(-(599.0 - 520 + 1) / 100) / NabScorer.scaledSigmoid(-1.0);
        assertEquals(tp - 5 * 0.11, best.rawScore(), 1e-12);
        assertTrue(best.rawScore() > scorer.scoreAt(NabProfile.STANDARD, 0.9).rawScore());
        assertTrue(best.rawScore() > scorer.scoreAt(NabProfile.STANDARD, 0.5).rawScore());
        assertTrue(best.rawScore() > scorer.scoreAt(NabProfile.STANDARD, Double.POSITIVE_INFINITY).rawScore());

        // Twice the cost of a false positive: the five now outweigh the window, detect nothing.
        final NabResult lowFp = scorer.optimise(new NabProfile("expensive FP", 1.0, 0.5, 1.0));
        assertEquals(Double.POSITIVE_INFINITY, lowFp.threshold());
        assertEquals(-1.0, lowFp.rawScore(), 0.0);
    }
}
