package io.flowlane.controlplane.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Random;

class CapacityPlannerTest
{
    @Test
    void holtWintersLearnsADailyShapeAndForecastsTheNextPeak()
    {
        final int period = 24;
        final HoltWinters hw = new HoltWinters(0.3, 0.05, 0.3, period);
        final Random random = new Random(3);
        for (int t = 0; t < period * 10; t++)
        {
            hw.add(shape(t) + random.nextGaussian() * 5);
        }
        double worst = 0;
        for (int h = 1; h <= period; h++)
        {
            worst = Math.max(worst, Math.abs(hw.forecast(h) - shape(period * 10 - 1 + h)));
        }
        assertTrue(worst < 25, "forecast within 25 of a 100..300 daily shape over a whole day ahead: " + worst);
        // A naive "tomorrow = now" forecast would be off by up to 200 somewhere in the day.
    }

    private static double shape(final int t)
    {
        return 200 + 100 * Math.sin(2 * Math.PI * t / 24.0);
    }

    @Test
    void aStepFromIdleIsNotMistakenForSaturationWithADampedTrendAndAWarmUp()
    {
        final CapacityPlanner planner = new CapacityPlanner(new CapacityPlanner.Settings(0.8, 0.6, 10, 10_000_000_000L, 20),
            new HoltWinters(0.3, 0.1, 0, 0.8, 1));
        final Random random = new Random(1);
        for (int t = 0; t < 200; t++)
        {
            // Traffic starts at 55 % of the shaped rate and stays there (5 % noise).
            final double rate = t == 0 ? 0 : 11e6 * (1 + 0.05 * random.nextGaussian());
            assertEquals(0, planner.observe(t * 100_000_000L, 100_000_000L, rate, 20_000_000L).newBitsPerSecond(), "sample " + t);
        }
    }

    @Test
    void aRisingLoadIsScaledForBeforeItReachesTheShapedRate()
    {
        final CapacityPlanner planner = new CapacityPlanner(new CapacityPlanner.Settings(0.8, 0.6, 10, 10_000_000_000L, 5),
            new HoltWinters(0.5, 0.3, 0, 1));
        final long shaped = 1_000_000_000L;
        CapacityPlanner.Plan plan = CapacityPlanner.Plan.NOTHING;
        int t = 0;
        for (; t < 100 && plan.newBitsPerSecond() == 0; t++)
        {
            plan = planner.observe(t * 100_000_000L, 100_000_000L, 300e6 + 10e6 * t, shaped); // +10 Mbit/s per sample
        }
        final double loadWhenPlanned = 300e6 + 10e6 * (t - 1);
        assertTrue(plan.newBitsPerSecond() > shaped, plan.reason());
        assertTrue(loadWhenPlanned < 0.8 * shaped, "planned while still below the threshold: " + loadWhenPlanned);
        assertEquals(Math.ceil(plan.forecastPeak() / 0.6), plan.newBitsPerSecond(), 1.0);
        assertFalse(plan.anotherTunnel());
    }

    @Test
    void aScheduledEventIsProvisionedForAheadAndBeyondOneTunnelAsksForAnother()
    {
        final CapacityPlanner planner = new CapacityPlanner(new CapacityPlanner.Settings(0.8, 0.6, 10, 2_000_000_000L, 5),
            new HoltWinters(0.5, 0.3, 0, 1));
        planner.schedule(new CapacityPlanner.ScheduledEvent(5_000_000_000L, 6_000_000_000L, 3e9));
        final long shaped = 1_000_000_000L;
        CapacityPlanner.Plan plan = CapacityPlanner.Plan.NOTHING;
        long firstPlanAt = -1;
        for (int t = 0; t < 60 && firstPlanAt < 0; t++)
        {
            plan = planner.observe(t * 100_000_000L, 100_000_000L, 200e6, shaped);
            if (plan.newBitsPerSecond() != 0)
            {
                firstPlanAt = t * 100_000_000L;
            }
        }
        assertEquals(4_000_000_000L, firstPlanAt, "one horizon (10 samples of 100 ms) before the event starts");
        assertEquals(2_000_000_000L, plan.newBitsPerSecond(), "capped at one tunnel's maximum");
        assertTrue(plan.anotherTunnel(), plan.reason());
        assertTrue(plan.reason().contains("scheduled event"), plan.reason());
    }
}
