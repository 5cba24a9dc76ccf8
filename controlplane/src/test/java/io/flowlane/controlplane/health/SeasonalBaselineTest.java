package io.flowlane.controlplane.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Random;

class SeasonalBaselineTest
{
    @Test
    void findsTheCycleOfAPeriodicSignal()
    {
        final Random noise = new Random(1);
        final double[] values = new double[600];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = Math.sin(2 * Math.PI * i / 48.0) + 0.3 * noise.nextGaussian();
        }
        // Noise may move the autocorrelation peak by a lag.
        final int period = SeasonalBaseline.findPeriod(values);
        assertTrue(Math.abs(period - 48) <= 1, "period " + period);
    }

    @Test
    void findsNoCycleInNoiseARandomWalkOrAFlatLine()
    {
        final Random noise = new Random(2);
        final double[] white = new double[600];
        final double[] walk = new double[600];
        for (int i = 0; i < white.length; i++)
        {
            white[i] = noise.nextGaussian();
            walk[i] = (i == 0 ? 0 : walk[i - 1]) + noise.nextGaussian();
        }
        assertEquals(0, SeasonalBaseline.findPeriod(white));
        assertEquals(0, SeasonalBaseline.findPeriod(walk));
        assertEquals(0, SeasonalBaseline.findPeriod(new double[600]));
    }

    @Test
    void aCycleMustFitTwiceIntoTheLearningPeriod()
    {
        final double[] values = new double[500];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = Math.sin(2 * Math.PI * i / 288.0);
        }
        assertEquals(0, SeasonalBaseline.findPeriod(values));
    }

    @Test
    void deviationIsFromTheValueOneCycleEarlier()
    {
        final double[] values = new double[40];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = i % 8 == 0 ? 10.0 : i % 8;
        }
        final SeasonalBaseline baseline = new SeasonalBaseline(values.length);
        final int[] warmUps = new int[1];
        for (final double v : values)
        {
            baseline.learn(v, deviation ->
            {
                assertEquals(0.0, deviation, 0.0);
                warmUps[0]++;
            });
        }
        assertEquals(8, baseline.period());
        assertEquals(40 - 9, warmUps[0]);
        assertEquals(0.0, baseline.deviation(10.0), 0.0);
        assertEquals(5.0, baseline.deviation(6.0), 0.0);
        assertEquals(-2.0, baseline.deviation(0.0), 0.0);
    }
}
