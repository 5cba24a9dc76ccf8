package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The search against simulated devices whose capacity is known (the real one: {@code PacketGeneratorTest}). */
class Rfc2544SearchTest
{
    /** A trial against a device that forwards at most {@code capacity} frames a second, offered at {@code offeredPps}. */
    record Simulated(long ratePps, double offeredPps, long capacity) implements Rfc2544Search.Outcome
    {
        Simulated(final long ratePps, final long capacity)
        {
            this(ratePps, ratePps, capacity);
        }

        @Override
        public double lossPercent()
        {
            return offeredPps <= capacity ? 0 : 100.0 * (offeredPps - capacity) / offeredPps;
        }
    }

    /** Resolution: {@code step} frames a second (the relative one made too fine to matter). */
    static Rfc2544Search.Settings settings(final long max, final long step, final double lossTolerance, final int trials)
    {
        return new Rfc2544Search.Settings(max, 1e-9, step, lossTolerance, trials, 1.0, 3);
    }

    static Rfc2544Search.Result<Simulated> search(final long capacity, final Rfc2544Search.Settings settings, final List<Long> tried)
    {
        return new Rfc2544Search<Simulated>(settings).search(rate ->
        {
            tried.add(rate);
            return new Simulated(rate, capacity);
        }, step -> { });
    }

    @Test
    void convergesToTheCapacityWithinTheResolution()
    {
        final List<Long> tried = new ArrayList<>();
        final Rfc2544Search.Result<Simulated> result = search(3_141_592, settings(10_000_000, 10_000, 0, 30), tried);
        assertTrue(result.converged());
        assertTrue(result.throughputPps() <= 3_141_592 && result.throughputPps() > 3_141_592 - 10_000, "found " + result.throughputPps());
        assertEquals(10_000_000L, tried.get(0), "the first trial is at the highest rate");
        assertEquals(5_000_000L, tried.get(1));
        assertEquals(2_500_000L, tried.get(2));
        // log2(10 M / 10 k) = 10 halvings after the first trial.
        assertEquals(11, tried.size());
        assertEquals(result.throughputPps(), result.best().ratePps());
    }

    @Test
    void aPassingMaximumEndsTheSearchAtOnce()
    {
        final List<Long> tried = new ArrayList<>();
        final Rfc2544Search.Result<Simulated> result = search(20_000_000, settings(10_000_000, 10_000, 0, 30), tried);
        assertEquals(List.of(10_000_000L), tried);
        assertEquals(10_000_000, result.throughputPps());
        assertTrue(result.converged());
    }

    @Test
    void lossWithinTheToleranceCountsAsPassing()
    {
        // 1% over the capacity loses 0.99%: passes with a 1% tolerance, fails with none.
        final Rfc2544Search.Settings strict = settings(1_000_000, 1_000, 0, 30);
        final Rfc2544Search.Settings tolerant = settings(1_000_000, 1_000, 1.0, 30);
        final long exact = search(500_000, strict, new ArrayList<>()).throughputPps();
        final long relaxed = search(500_000, tolerant, new ArrayList<>()).throughputPps();
        assertTrue(exact <= 500_000 && exact > 499_000, "strict: " + exact);
        assertTrue(relaxed > 500_000 && relaxed <= 505_051, "1% tolerance: " + relaxed);
    }

    @Test
    void nothingPassingGivesZeroAndTheTrialLimitIsReported()
    {
        final Rfc2544Search.Result<Simulated> none = search(0, settings(1_000_000, 1_000, 0, 30), new ArrayList<>());
        assertEquals(0, none.throughputPps());
        assertNull(none.best());
        final Rfc2544Search.Result<Simulated> cut = search(123_456, settings(1_000_000, 1, 0, 5), new ArrayList<>());
        assertFalse(cut.converged());
        assertEquals(5, cut.steps().size());
    }

    @Test
    void theResolutionIsRelativeToTheAnswerNotToTheMaximum()
    {
        // 1% of the interval's upper end: a capacity at 0.5% of the maximum is still found to 1%.
        final List<Long> tried = new ArrayList<>();
        final Rfc2544Search.Result<Simulated> result = new Rfc2544Search<Simulated>(
            new Rfc2544Search.Settings(10_000_000, 0.01, 1, 0, 40, 1.0, 3)).search(rate ->
            {
                tried.add(rate);
                return new Simulated(rate, 50_000);
            }, step -> { });
        assertTrue(result.converged());
        final Rfc2544Search.Step<Simulated> last = result.steps().get(result.steps().size() - 1);
        assertTrue(last.highPps() - last.lowPps() <= 0.01 * last.highPps(), "interval " + last.lowPps() + ".." + last.highPps());
        assertTrue(result.throughputPps() > 49_500 && result.throughputPps() <= 50_000, "found " + result.throughputPps());
    }

    @Test
    void aTrialThatOfferedTooLittleIsRunAgain()
    {
        // The generator falls behind in the second trial's first two attempts (a descheduled core) and
        // offers 5% less: without the retry, 5 M would pass against a capacity of 4.9 M.
        final int[] calls = {0};
        final Rfc2544Search.Result<Simulated> result = new Rfc2544Search<Simulated>(settings(10_000_000, 1_000_000, 0, 2)).search(rate ->
        {
            calls[0]++;
            return calls[0] == 2 || calls[0] == 3 ? new Simulated(rate, rate * 0.97, 4_900_000) : new Simulated(rate, 4_900_000);
        }, step -> { });
        final Rfc2544Search.Step<Simulated> second = result.steps().get(1);
        assertEquals(5_000_000, second.ratePps());
        assertEquals(2, second.discarded().size(), "both inaccurate attempts are kept for the report");
        assertTrue(second.accurate());
        assertFalse(second.passed(), "the accurate attempt lost frames");
        assertEquals(4, calls[0]);

        // Never accurate: the last attempt counts, flagged.
        final Rfc2544Search.Result<Simulated> never = new Rfc2544Search<Simulated>(settings(1_000_000, 1_000, 0, 1)).search(
            rate -> new Simulated(rate, rate * 0.9, 2_000_000), step -> { });
        assertFalse(never.steps().get(0).accurate());
        assertEquals(2, never.steps().get(0).discarded().size());

        // Too little offered and frames lost anyway: the failure stands, no second attempt.
        final List<Long> tried = new ArrayList<>();
        final Rfc2544Search.Result<Simulated> lossy = new Rfc2544Search<Simulated>(settings(1_000_000, 1_000, 0, 1)).search(rate ->
        {
            tried.add(rate);
            return new Simulated(rate, rate * 0.9, 500_000);
        }, step -> { });
        assertEquals(1, tried.size());
        assertFalse(lossy.steps().get(0).passed());
        assertTrue(lossy.steps().get(0).discarded().isEmpty());
    }
}
