package io.flowlane.controlplane.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Seed 002's saturation branch of {@code manage_tunnels}, ahead of time: forecast a tunnel's
 * load (Holt–Winters over its measured rate, raised to any scheduled event's expected load that
 * falls in the horizon), and when the forecast peak would use more than the bandwidth threshold
 * (default 0.8) of the tunnel's shaped rate, scale the tunnel to carry the peak at the target
 * utilisation; if that is above what one tunnel may have, ask for another tunnel.
 */
public final class CapacityPlanner
{
    /**
     * @param bandwidthThreshold utilisation that triggers scaling (seed 002: 0.8)
     * @param targetUtilisation  utilisation the new rate is sized for (below the threshold, to leave headroom)
     * @param horizonSamples     how far ahead to look, in telemetry samples
     * @param maxBitsPerSecond   the most one tunnel may be given
     * @param warmupSamples      samples seen before any plan (a forecast fitted to a start-up ramp overshoots)
     */
    public record Settings(double bandwidthThreshold, double targetUtilisation, int horizonSamples, long maxBitsPerSecond,
        int warmupSamples)
    {
        public Settings
        {
            if (!(targetUtilisation > 0 && targetUtilisation < bandwidthThreshold && bandwidthThreshold <= 1))
            {
                throw new IllegalArgumentException("targetUtilisation: " + targetUtilisation +
                    " must be positive and below bandwidthThreshold " + bandwidthThreshold + " (at most 1)");
            }
        }
    }

    /** An expected load (e.g. a broadcast, a backup window) between two times, in bits per second. */
    public record ScheduledEvent(long startNanos, long endNanos, double bitsPerSecond)
    {
    }

    /**
     * What to do: {@code newBitsPerSecond} 0 = nothing; {@code anotherTunnel} when one tunnel at
     * the maximum is not enough; {@code reason} says why with the inputs.
     */
    public record Plan(long newBitsPerSecond, boolean anotherTunnel, double forecastPeak, String reason)
    {
        public static final Plan NOTHING = new Plan(0, false, 0, "");
    }

    private final Settings settings;
    private final HoltWinters forecaster;
    private final List<ScheduledEvent> events = new ArrayList<>();
    private long observed;

    public CapacityPlanner(final Settings settings, final HoltWinters forecaster)
    {
        this.settings = settings;
        this.forecaster = forecaster;
    }

    public void schedule(final ScheduledEvent event)
    {
        events.add(event);
    }

    /**
     * One telemetry sample: the tunnel's measured rate and its shaped rate now.
     *
     * @param sampleNanos the time between samples (to place scheduled events on the horizon)
     */
    public Plan observe(final long nowNanos, final long sampleNanos, final double bitsPerSecond, final long shapedBitsPerSecond)
    {
        forecaster.add(bitsPerSecond);
        if (++observed < settings.warmupSamples() || !forecaster.ready() || shapedBitsPerSecond <= 0)
        {
            return Plan.NOTHING; // unshaped tunnels cannot saturate their own shaper
        }
        double peak = forecaster.peak(settings.horizonSamples());
        String cause = "forecast";
        final long horizonEnd = nowNanos + settings.horizonSamples() * sampleNanos;
        for (final ScheduledEvent event : events)
        {
            if (event.startNanos() <= horizonEnd && event.endNanos() > nowNanos && event.bitsPerSecond() > peak)
            {
                peak = event.bitsPerSecond();
                cause = "scheduled event";
            }
        }
        final double utilisation = peak / shapedBitsPerSecond;
        if (utilisation <= settings.bandwidthThreshold())
        {
            return Plan.NOTHING;
        }
        final long wanted = (long)Math.ceil(peak / settings.targetUtilisation());
        final long granted = Math.min(wanted, settings.maxBitsPerSecond());
        return new Plan(granted, wanted > granted, peak, String.format(java.util.Locale.ROOT,
            "%s peak %.0f bit/s within %d samples is %.0f%% of the shaped %d bit/s (> %.0f%%): scale to %d bit/s%s",
            cause, peak, settings.horizonSamples(), 100 * utilisation, shapedBitsPerSecond, 100 * settings.bandwidthThreshold(),
            granted, wanted > granted ? "; one tunnel is not enough, add another" : ""));
    }
}
