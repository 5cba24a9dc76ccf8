package io.flowlane.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * RFC 2544 §26.1 throughput: the highest rate at which the device under test forwards every
 * offered frame (or loses at most {@code lossTolerancePercent} of them, a common relaxation),
 * found by binary search over trials of fixed duration.
 *
 * <p>The first trial runs at the highest rate ({@code maxPps}); if it passes, that is the result
 * (and the device was not the limit). Otherwise the search keeps an interval [passing, failing]
 * that starts at [0, max] and halves it with a trial at its midpoint until it is narrower than
 * {@code resolution} times its upper end (so the answer is that precise relative to itself, also
 * when it is far below the maximum) or than {@code minimumStepPps}, or {@code maxTrials} rates
 * have been tried. The result is the highest rate that passed, with its trial (whose latency is
 * the one RFC 2544 §26.2 asks for: at the throughput rate).
 *
 * <p>A trial counts only if it offered what it was asked to: a generator that was descheduled
 * skips frames rather than sending a catch-up burst ({@link TrafficGenerator}), so its offered
 * rate falls short, and a trial whose offered rate is off by more than
 * {@code rateTolerancePercent} and passed is run again (at most {@code attempts} times; the last
 * attempt counts whatever it offered): a pass at a lower rate proves nothing about the configured
 * one. One that offered too little and still lost frames stands as a failure, since a device that
 * loses at a lower rate loses at a higher one (the search assumes as much throughout). A trial
 * that was accurate and failed is not retried: a spurious failure moves the answer down by at
 * most the width of the interval at that step. Every trial, discarded ones included, is reported.
 *
 * @param <T> what a trial returns: its rate, offered rate and loss
 */
public final class Rfc2544Search<T extends Rfc2544Search.Outcome>
{
    /** A trial's verdict: its configured rate, the rate it actually offered, and its loss. */
    public interface Outcome
    {
        long ratePps();

        double offeredPps();

        double lossPercent();
    }

    /**
     * @param resolution     stop when the interval is narrower than this fraction of its upper end
     * @param minimumStepPps ... or narrower than this many frames a second
     */
    public record Settings(long maxPps, double resolution, long minimumStepPps, double lossTolerancePercent, int maxTrials,
        double rateTolerancePercent, int attempts)
    {
        public Settings
        {
            if (maxPps < 1 || resolution <= 0 || resolution >= 1 || minimumStepPps < 1 || lossTolerancePercent < 0 || maxTrials < 1 ||
                rateTolerancePercent <= 0 || attempts < 1)
            {
                throw new IllegalArgumentException("search settings out of range: " + this);
            }
        }
    }

    /**
     * @param passed    whether the trial's loss was within the tolerance
     * @param accurate  whether it offered the configured rate within the rate tolerance (a failed trial that
     *                  offered too little is not run again: its verdict stands)
     * @param discarded earlier attempts at this rate that were not accurate
     */
    public record Step<T extends Outcome>(int number, long ratePps, T trial, boolean passed, boolean accurate, List<T> discarded,
        long lowPps, long highPps)
    {
    }

    /**
     * @param throughputPps the highest rate that passed (0 if none did)
     * @param best          that rate's trial, or null
     * @param converged     the interval narrowed to the resolution (or the maximum passed)
     */
    public record Result<T extends Outcome>(long throughputPps, T best, List<Step<T>> steps, boolean converged, Settings settings)
    {
    }

    private final Settings settings;

    public Rfc2544Search(final Settings settings)
    {
        this.settings = settings;
    }

    public boolean passes(final T trial)
    {
        return trial.lossPercent() <= settings.lossTolerancePercent();
    }

    public boolean accurate(final T trial)
    {
        return Math.abs(trial.offeredPps() - trial.ratePps()) <= trial.ratePps() * settings.rateTolerancePercent() / 100;
    }

    /**
     * Runs the search; {@code afterEach} sees every step as it completes (for progress lines).
     *
     * @param runTrial runs one trial at the given rate
     */
    public Result<T> search(final LongFunction<T> runTrial, final java.util.function.Consumer<Step<T>> afterEach)
    {
        final List<Step<T>> steps = new ArrayList<>();
        long low = 0;
        long high = settings.maxPps();
        T best = null;
        long rate = settings.maxPps();
        while (steps.size() < settings.maxTrials())
        {
            final List<T> discarded = new ArrayList<>();
            T trial = runTrial.apply(rate);
            while (!accurate(trial) && passes(trial) && discarded.size() + 1 < settings.attempts())
            {
                discarded.add(trial);
                trial = runTrial.apply(rate);
            }
            final boolean passed = passes(trial);
            if (passed)
            {
                low = rate;
                best = trial;
            }
            else
            {
                high = rate;
            }
            final Step<T> step = new Step<>(steps.size() + 1, rate, trial, passed, accurate(trial), List.copyOf(discarded), low, high);
            steps.add(step);
            afterEach.accept(step);
            if (low == settings.maxPps() || high - low <= Math.max(settings.minimumStepPps(), settings.resolution() * high))
            {
                return new Result<>(low, best, steps, true, settings);
            }
            rate = low + (high - low) / 2;
        }
        return new Result<>(low, best, steps, false, settings);
    }
}
