package io.flowlane.controlplane.predict;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.sbe.EntityKind;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The predictive control plane as one loop over the data plane's telemetry ({@code flowlane
 * controller}): a {@link HealthMonitor} scores every worker and tunnel and the controller tells
 * the data plane (a journalled {@code FailurePrediction}, listed by {@code show predictions})
 * when an entity's failure probability crosses the threshold; each protected prefix has a
 * {@link TunnelFailover} that moves its traffic to a standby tunnel before its primary fails.
 *
 * <p>Predictions are edge-triggered: one when the probability rises past the threshold, the next
 * only after it has fallen below {@code threshold - HYSTERESIS} (no prediction per report).
 */
public final class Controller
{
    static final double HYSTERESIS = 0.2;

    /** Thresholds at or below the hysteresis would never clear. */
    public static double minThreshold()
    {
        return HYSTERESIS;
    }

    public record Settings(double threshold, double horizonSeconds, double transitLimitNanos, int window, int learningReports)
    {
    }

    private final ControlClient client;
    private final Settings settings;
    private final HealthMonitor health;
    private final List<TunnelFailover> failovers;
    private final Set<String> protectedTunnels = new HashSet<>();
    private final Set<String> alarmed = new HashSet<>();
    private final Map<String, Long> tunnelIds = new HashMap<>();
    private final Consumer<String> events;
    private List<HealthMonitor.Health> latest = List.of();
    private long predictionsSent;

    /**
     * @param failovers protected prefixes (their primaries are watched by their failover, not predicted twice)
     * @param events    receives one line per prediction and failover step
     */
    public Controller(final ControlClient client, final Settings settings, final List<TunnelFailover> failovers,
        final Consumer<String> events)
    {
        this.client = client;
        this.settings = settings;
        this.failovers = List.copyOf(failovers);
        this.events = events;
        for (final TunnelFailover failover : failovers)
        {
            protectedTunnels.add("tunnel " + failover.primary());
        }
        this.health = new HealthMonitor(settings.horizonSeconds(),
            name -> new FailurePredictor(settings.transitLimitNanos(), settings.window(), 4.0), settings.learningReports());
    }

    /** One telemetry report: score, predict, step the failovers. */
    public void onTelemetry(final TelemetryReportDecoder report)
    {
        latest = health.onTelemetry(report);
        report.sbeRewind();
        for (final TelemetryReportDecoder.TunnelsDecoder tunnel : TelemetryGroups.tunnels(report))
        {
            tunnelIds.put(tunnel.name(), tunnel.tunnelId());
        }
        for (final HealthMonitor.Health h : latest)
        {
            if (protectedTunnels.contains(h.entity()))
            {
                continue;
            }
            if (h.failureProbability() >= settings.threshold() && alarmed.add(h.entity()))
            {
                predict(h);
            }
            else if (h.failureProbability() < settings.threshold() - HYSTERESIS)
            {
                alarmed.remove(h.entity());
            }
        }
        for (final TunnelFailover failover : failovers)
        {
            final int before = failover.decisions().size();
            report.sbeRewind();
            failover.onTelemetry(report);
            for (int d = before; d < failover.decisions().size(); d++)
            {
                events.accept(failover.decisions().get(d).reason());
            }
        }
    }

    private void predict(final HealthMonitor.Health h)
    {
        final String[] words = h.entity().split(" ", 2);
        final EntityKind kind = words[0].equals("worker") ? EntityKind.WORKER : EntityKind.TUNNEL;
        final Long id = kind == EntityKind.WORKER ? Long.valueOf(words[1]) : tunnelIds.get(words[1]);
        if (id == null)
        {
            return;
        }
        final String reason = String.format(java.util.Locale.ROOT, "%s: p=%.2f >= %.2f within %.1f s; %s", h.entity(),
            h.failureProbability(), settings.threshold(), settings.horizonSeconds(), h.detail());
        final ControlClient.Ack ack = client.awaitAck(client.failurePrediction(kind, id, (float)h.failureProbability(),
            (long)(settings.horizonSeconds() * 1000), reason), 5_000);
        predictionsSent++;
        events.accept((ack.applied() ? "predicted " : "prediction refused (" + ack.field() + ": " + ack.reason() + "): ") + reason);
    }

    /** The last report's health of every worker and tunnel. */
    public List<HealthMonitor.Health> health()
    {
        return latest;
    }

    public List<TunnelFailover> failovers()
    {
        return failovers;
    }

    public long predictionsSent()
    {
        return predictionsSent;
    }

    /** Entities whose probability is above the threshold now (alarms raised and not yet cleared). */
    public List<String> alarms()
    {
        return new ArrayList<>(alarmed);
    }
}
