package io.flowlane.controlplane.predict;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Acts on {@link CapacityPlanner}'s plans for every tunnel in telemetry: measures each tunnel's
 * transmitted rate from its byte counter, and when a plan says so, scales the tunnel over the
 * control channel before the forecast load arrives. A plan that needs more than one tunnel is
 * recorded (and logged) for the operator or the tunnel manager: creating parallel tunnels needs
 * endpoints this class does not know.
 */
public final class TunnelCapacity
{
    /** A scaling decision with its reason. */
    public record Decision(long nanos, String tunnel, long bitsPerSecond, boolean anotherTunnelNeeded, String reason)
    {
    }

    private final ControlClient client;
    private final java.util.function.Function<String, CapacityPlanner> plannerFor;
    private final Map<String, CapacityPlanner> planners = new HashMap<>();
    private final Map<String, long[]> lastBytes = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final Map<String, Long> lastCapacityWarning = new HashMap<>();
    private final Journal journal;

    /** @param journal the control plane's decision journal, or null */
    public TunnelCapacity(final ControlClient client, final java.util.function.Function<String, CapacityPlanner> plannerFor,
        final Journal journal)
    {
        this.client = client;
        this.plannerFor = plannerFor;
        this.journal = journal;
    }

    /** Reads one report (in order) and scales what needs scaling. */
    public void onTelemetry(final TelemetryReportDecoder report)
    {
        final long now = report.timestampNanos();
        final long interval = report.intervalNanos();
        for (final TelemetryReportDecoder.TunnelsDecoder tunnel : TelemetryGroups.tunnels(report))
        {
            final long bytes = tunnel.txBytes();
            final long shaped = tunnel.bandwidthBitsPerSecond();
            final String name = tunnel.name();
            final long[] last = lastBytes.get(name);
            lastBytes.put(name, new long[] {bytes, now});
            if (last == null || now <= last[1])
            {
                continue;
            }
            final double bitsPerSecond = (bytes - last[0]) * 8e9 / (now - last[1]);
            final CapacityPlanner.Plan plan = planners.computeIfAbsent(name, plannerFor)
                .observe(now, interval, bitsPerSecond, shaped);
            if (plan.anotherTunnel() && plan.newBitsPerSecond() <= shaped)
            {
                // Already at one tunnel's maximum: nothing to scale, but say (once a minute) that one is not enough.
                if (now - lastCapacityWarning.getOrDefault(name, Long.MIN_VALUE / 2) > 60_000_000_000L)
                {
                    lastCapacityWarning.put(name, now);
                    decisions.add(new Decision(System.nanoTime(), name, shaped, true, plan.reason()));
                    if (journal != null)
                    {
                        journal.appendDecision(System.currentTimeMillis() * 1_000_000L, "tunnel " + name + " at its maximum: " +
                            plan.reason());
                    }
                }
            }
            else if (plan.newBitsPerSecond() > shaped)
            {
                final ControlClient.Ack ack = client.awaitAck(client.tunnelScale(name, plan.newBitsPerSecond()), 5_000);
                if (!ack.applied())
                {
                    throw new IllegalStateException("the data plane refused to scale " + name + ": " + ack.field() + ": " + ack.reason());
                }
                decisions.add(new Decision(System.nanoTime(), name, plan.newBitsPerSecond(), plan.anotherTunnel(), plan.reason()));
                if (journal != null)
                {
                    journal.appendDecision(System.currentTimeMillis() * 1_000_000L, "scale tunnel " + name + ": " + plan.reason());
                }
            }
        }
    }

    public List<Decision> decisions()
    {
        return List.copyOf(decisions);
    }

    /** Schedules an expected load on one tunnel (created with the tunnel's planner if needed). */
    public void schedule(final String tunnel, final CapacityPlanner.ScheduledEvent event)
    {
        planners.computeIfAbsent(tunnel, plannerFor).schedule(event);
    }
}
