package io.flowlane.controlplane.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Random;

class FailurePredictorTest
{
    @Test
    void trendIgnoresASingleWildSample()
    {
        final RobustTrend trend = new RobustTrend(20);
        for (int i = 0; i < 20; i++)
        {
            trend.add(i * 0.1, i == 10 ? 1e6 : 100 + 50 * i * 0.1);
        }
        assertEquals(50, trend.slope(), 1e-6, "slope of the line, not of the outlier");
        assertEquals(100 + 50 * 1.7, trend.level(), 1e-6, "median of the newest five");
        assertTrue(trend.rising() > 0.85);
    }

    @Test
    void noisyButSteadyMetricGivesNoAlarm()
    {
        final FailurePredictor predictor = new FailurePredictor(3000, 20, 4);
        final Random random = new Random(7);
        double worst = 0;
        for (int i = 0; i < 600; i++)
        {
            // 40 ns +- 10, with one sample in 50 hit by a preemption (milliseconds).
            predictor.observe(i * 0.1, 40 + random.nextGaussian() * 10 + (random.nextInt(50) == 0 ? 2e6 : 0));
            worst = Math.max(worst, predictor.probability(5));
        }
        assertTrue(worst < 0.7, "no false alarm over a minute of noise: worst p=" + worst);
    }

    @Test
    void steadyRiseTowardsTheLimitIsPredictedBeforeItArrives()
    {
        final FailurePredictor predictor = new FailurePredictor(3000, 20, 4);
        double alarmAt = Double.NaN;
        for (int i = 0; i < 200; i++)
        {
            final double t = i * 0.1;
            predictor.observe(t, 40 + 400 * t); // reaches 3000 ns at t = 7.4 s
            if (Double.isNaN(alarmAt) && predictor.probability(5) > 0.7)
            {
                alarmAt = t;
            }
        }
        assertTrue(alarmAt > 1 && alarmAt < 6, "alarm well before the limit (7.4 s) but not at once: " + alarmAt);
        assertEquals(1.0, predictor.probability(5), "at the limit, failure is certain");
    }

    @Test
    void fallingMetricIsNoThreat()
    {
        final FailurePredictor predictor = new FailurePredictor(3000, 20, 4);
        for (int i = 0; i < 40; i++)
        {
            predictor.observe(i * 0.1, 2500 - 50 * i);
        }
        assertEquals(0, predictor.probability(5));
        assertEquals(Double.POSITIVE_INFINITY, predictor.timeToLimit());
    }
}
