package io.flowlane.controlplane.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.IntToDoubleFunction;

class NoveltyDetectorTest
{
    private static final double ALARM = 0.5;

    /** Scores of {@code values} fed one by one, a minute apart. */
    private static double[] run(final int learningPoints, final int length, final IntToDoubleFunction values)
    {
        final NoveltyDetector detector = new NoveltyDetector(NoveltyDetector.Config.withLearningPoints(learningPoints));
        final double[] scores = new double[length];
        for (int t = 0; t < length; t++)
        {
            scores[t] = detector.update(1_700_000_000_000L + t * 60_000L, values.applyAsDouble(t));
        }
        return scores;
    }

    private static int alarms(final double[] scores, final int from, final int to)
    {
        int alarms = 0;
        for (int t = from; t < to; t++)
        {
            alarms += scores[t] >= ALARM ? 1 : 0;
        }
        return alarms;
    }

    private static int firstAlarm(final double[] scores, final int from)
    {
        for (int t = from; t < scores.length; t++)
        {
            if (scores[t] >= ALARM)
            {
                return t;
            }
        }
        return -1;
    }

    @Test
    void flagsAStepChangeRightAfterIt()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            final Random noise = new Random(seed);
            final double[] scores = run(500, 4000, t -> noise.nextGaussian() + (t >= 3000 ? 4.0 : 0.0));
            final int first = firstAlarm(scores, 3000);
            assertTrue(first >= 3000 && first <= 3005, "seed " + seed + ": first alarm after the step at " + first);
            assertTrue(alarms(scores, 500, 3000) <= 10, "seed " + seed + ": " + alarms(scores, 500, 3000) + " alarms before the step");
        }
    }

    @Test
    void flagsASpikeOnceAndNotItsRepeat()
    {
        final Random noise = new Random(7);
        final double[] scores = run(500, 3000, t -> noise.nextGaussian() + (t == 1500 || t == 2500 ? 12.0 : 0.0));
        assertTrue(scores[1500] >= ALARM, "spike scored " + scores[1500]);
        assertTrue(scores[2500] < ALARM, "a value seen before is no longer novel: " + scores[2500]);
    }

    @Test
    void stationaryNoiseRaisesFewAlarms()
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            final Random noise = new Random(seed);
            final double[] scores = run(750, 10_000, t -> 50.0 + 3.0 * noise.nextGaussian());
            // Records keep being set in white noise (about ln(n) of them); a handful of 9250 values.
            assertTrue(alarms(scores, 0, scores.length) <= 12, "seed " + seed + ": " + alarms(scores, 0, scores.length) + " alarms");
        }
    }

    @Test
    void flagsAMissingDailyPeakThroughItsCycle()
    {
        final Random noise = new Random(3);
        final NoveltyDetector detector = new NoveltyDetector(NoveltyDetector.Config.withLearningPoints(500));
        final double[] scores = new double[4000];
        for (int t = 0; t < scores.length; t++)
        {
            double value = 10.0 * Math.sin(2 * Math.PI * t / 100.0);
            if (t >= 3000 && t < 3100)
            {
                value = Math.min(value, 0.0);
            }
            scores[t] = detector.update(t * 60_000L, value + 0.5 * noise.nextGaussian());
        }
        assertEquals(100, detector.period());
        final int first = firstAlarm(scores, 3000);
        assertTrue(first >= 3000 && first < 3020, "first alarm in the flattened cycle at " + first);
        assertTrue(alarms(scores, 500, 3000) <= 5, alarms(scores, 500, 3000) + " alarms on the regular cycles");
    }

    @Test
    void learningPeriodIsSilentAndScoresStayInTheUnitInterval()
    {
        final Random noise = new Random(11);
        final double[] scores = run(300, 3000, t -> Math.exp(3 * noise.nextGaussian()) * (t % 700 == 0 ? -50 : 1));
        for (int t = 0; t < scores.length; t++)
        {
            assertTrue(scores[t] >= 0.0 && scores[t] <= 1.0, "score " + scores[t] + " at " + t);
            if (t < 300)
            {
                assertEquals(0.0, scores[t], 0.0);
            }
        }
        assertTrue(alarms(scores, 300, scores.length) > 0, "heavy-tailed values with negative bursts set off some alarm");
    }

    @Test
    void ignoresValuesThatAreNotFinite()
    {
        final NoveltyDetector detector = new NoveltyDetector(NoveltyDetector.Config.withLearningPoints(10));
        for (int t = 0; t < 20; t++)
        {
            detector.update(t, t % 2);
        }
        assertEquals(0.0, detector.update(20, Double.NaN), 0.0);
        assertEquals(0.0, detector.update(21, Double.POSITIVE_INFINITY), 0.0);
        assertEquals(20, detector.count());
        assertTrue(detector.update(22, 100.0) >= ALARM);
    }

    @Test
    void aFlatLineThatMovesIsNovel()
    {
        final double[] scores = run(100, 400, t -> t < 300 ? 5.0 : 6.0);
        assertTrue(scores[300] >= ALARM);
        assertEquals(1, alarms(scores, 0, scores.length));
    }
}
