package io.flowlane.controlplane.predict;

import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Baseline health profiles learned from the journal's telemetry history (seed 002's PHM
 * baselines): per tunnel the median per-packet transit cost, per worker the median busy cycles
 * per packet, over a time range. The failure predictor's limits are set relative to these
 * ({@link #limit}), so retraining is re-reading a recent range of the journal: what "normal" is
 * follows the appliance, not a constant in a config file.
 */
public final class Baselines
{
    private final Map<String, double[]> tunnelTransit = new HashMap<>();
    private final Map<Integer, double[]> workerCyclesPerPacket = new HashMap<>();

    private Baselines()
    {
    }

    /** Medians over the TELEMETRY entries written in {@code [fromEpochNanos, toEpochNanos)}. */
    public static Baselines fromJournal(final Journal journal, final long fromEpochNanos, final long toEpochNanos)
    {
        final Map<String, Samples> transit = new HashMap<>();
        final Map<Integer, Samples> cycles = new HashMap<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final TelemetryReportDecoder report = new TelemetryReportDecoder();
        journal.history(fromEpochNanos, toEpochNanos, (kind, time, buffer, offset, length) ->
        {
            if (kind != Journal.Kind.TELEMETRY)
            {
                return;
            }
            header.wrap(buffer, offset);
            if (header.templateId() != TelemetryReportDecoder.TEMPLATE_ID)
            {
                return;
            }
            report.wrapAndApplyHeader(buffer, offset, header);
            for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
            {
                if (worker.busyCyclesPerPacket() > 0)
                {
                    cycles.computeIfAbsent(worker.worker(), w -> new Samples()).add(worker.busyCyclesPerPacket());
                }
            }
            TelemetryGroups.skipPorts(report);
            for (final TelemetryReportDecoder.TunnelsDecoder tunnel : report.tunnels())
            {
                final double nanos = tunnel.transitNanos();
                final String name = tunnel.name();
                if (nanos > 0)
                {
                    transit.computeIfAbsent(name, n -> new Samples()).add(nanos);
                }
            }
        });
        final Baselines baselines = new Baselines();
        transit.forEach((name, samples) -> baselines.tunnelTransit.put(name, samples.medianAndCount()));
        cycles.forEach((worker, samples) -> baselines.workerCyclesPerPacket.put(worker, samples.medianAndCount()));
        return baselines;
    }

    /** The tunnel's median transit cost in ns, or NaN if the range has no samples of it. */
    public double tunnelTransitNanos(final String tunnel)
    {
        final double[] median = tunnelTransit.get(tunnel);
        return median == null ? Double.NaN : median[0];
    }

    public double workerBusyCyclesPerPacket(final int worker)
    {
        final double[] median = workerCyclesPerPacket.get(worker);
        return median == null ? Double.NaN : median[0];
    }

    /** How many reports the tunnel's baseline rests on. */
    public long tunnelSamples(final String tunnel)
    {
        final double[] median = tunnelTransit.get(tunnel);
        return median == null ? 0 : (long)median[1];
    }

    /**
     * A failure limit relative to a baseline: {@code factor} times it, but never below {@code floor}
     * (a baseline of a few ns times a factor would make ordinary jitter a "failure").
     */
    public static double limit(final double baseline, final double factor, final double floor)
    {
        return Double.isNaN(baseline) ? floor : Math.max(floor, baseline * factor);
    }

    private static final class Samples
    {
        private double[] values = new double[64];
        private int count;

        void add(final double value)
        {
            if (count == values.length)
            {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = value;
        }

        double[] medianAndCount()
        {
            final double[] sorted = Arrays.copyOf(values, count);
            Arrays.sort(sorted);
            final double median = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
            return new double[] {median, count};
        }
    }
}
