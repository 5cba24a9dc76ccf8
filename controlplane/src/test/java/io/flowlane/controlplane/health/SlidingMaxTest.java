package io.flowlane.controlplane.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.Random;

class SlidingMaxTest
{
    @Test
    void matchesABruteForceMaximumOverTheLastValues()
    {
        final Random random = new Random(5);
        for (final int width : new int[] {1, 2, 7, 64})
        {
            final SlidingMax max = new SlidingMax(width);
            final double[] pushed = new double[2000];
            for (int i = 0; i < pushed.length; i++)
            {
                double expected = 0.0;
                for (int j = Math.max(0, i - width); j < i; j++)
                {
                    expected = j == Math.max(0, i - width) ? pushed[j] : Math.max(expected, pushed[j]);
                }
                assertEquals(expected, max.max(), 0.0, "width " + width + " at " + i);
                // Runs of equal and decreasing values are where a deque goes wrong.
                pushed[i] = random.nextInt(4) == 0 ? 1.0 : random.nextDouble() * (i % 50);
                max.push(pushed[i]);
            }
        }
    }
}
