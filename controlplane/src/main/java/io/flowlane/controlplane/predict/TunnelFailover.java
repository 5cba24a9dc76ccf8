package io.flowlane.controlplane.predict;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.sbe.EntityKind;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.tunnels.Tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Seed 002's Adaptive Tunnel Manager and Traffic Steering Engine for one protected route: watch
 * the primary tunnel's health in telemetry, predict its failure, and before it fails create the
 * standby tunnel (if it is not there), make the route an ECMP group over both, and move the
 * weight to the standby in steps, one per telemetry interval, so only the moved share of flows
 * changes path at each step and nothing is in flight on the primary when it fails.
 *
 * <p>Every decision is sent to the data plane as a {@code FailurePrediction} whose reason carries
 * the inputs (level, trend, limit, probability, action), so the data plane's journal holds it
 * next to the route and tunnel changes it caused. Single-threaded: call {@link #onTelemetry} from
 * the thread that owns the client.
 */
public final class TunnelFailover
{
    /**
     * @param failureThreshold probability above which traffic moves (seed 002: 0.7)
     * @param horizonSeconds   how far ahead failure is predicted
     * @param transitLimitNanos the primary's per-packet transit cost that counts as failed
     * @param window           telemetry samples the trend is fitted over
     * @param steps            weight steps from primary to standby
     */
    public record Settings(double failureThreshold, double horizonSeconds, double transitLimitNanos, int window, int steps)
    {
        public Settings
        {
            if (!(failureThreshold > 0 && failureThreshold < 1))
            {
                throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " is outside (0, 1)");
            }
            if (steps < 2 || steps > 64)
            {
                // The first step makes the route an ECMP group with both tunnels weighted at least 1.
                throw new IllegalArgumentException("steps: " + steps + " is outside 2..64");
            }
        }
    }

    /** Where the protected route stands. */
    public enum State
    {
        WATCHING, STEERING, MOVED, REMOVED
    }

    /** A decision with when and why. */
    public record Decision(long nanos, State state, double probability, String reason)
    {
    }

    private final ControlClient client;
    private final int family;
    private final long prefixHi;
    private final long prefixLo;
    private final int prefixLength;
    private final String primary;
    private final Tunnel standby;
    private final Settings settings;
    private final FailurePredictor predictor;
    private final List<Decision> decisions = new ArrayList<>();
    private final long start = System.nanoTime();
    private State state = State.WATCHING;
    private int step;
    private double maxProbabilityWhileWatching;
    private boolean standbyExists;
    private double lastProbability;

    public TunnelFailover(final ControlClient client, final int family, final long prefixHi, final long prefixLo,
        final int prefixLength, final String primary, final Tunnel standby, final Settings settings)
    {
        this.client = client;
        this.family = family;
        this.prefixHi = prefixHi;
        this.prefixLo = prefixLo;
        this.prefixLength = prefixLength;
        this.primary = primary;
        this.standby = standby;
        this.settings = settings;
        this.predictor = new FailurePredictor(settings.transitLimitNanos(), settings.window(), 4.0);
    }

    /** Feeds one telemetry report: observe, predict, and take the next step if one is due. */
    public void onTelemetry(final TelemetryReportDecoder report)
    {
        final double time = (report.timestampNanos() - start) / 1e9;
        double transit = -1;
        long primaryId = -1;
        boolean standbySeen = false;
        for (final TelemetryReportDecoder.TunnelsDecoder tunnel : TelemetryGroups.tunnels(report))
        {
            final double nanos = tunnel.transitNanos();
            final long id = tunnel.tunnelId();
            final String name = tunnel.name();
            if (name.equals(primary))
            {
                transit = nanos;
                primaryId = id;
            }
            else if (name.equals(standby.name()))
            {
                standbySeen = true;
            }
        }
        standbyExists |= standbySeen;
        if (state == State.STEERING)
        {
            // Once moving, keep moving: a primary that stopped answering (no samples) is no reason to wait.
            nextStep(lastProbability);
            return;
        }
        if (transit <= 0)
        {
            return; // no packets sampled on the primary in this interval (or it is gone)
        }
        predictor.observe(time, transit);
        final double probability = predictor.probability(settings.horizonSeconds());
        lastProbability = probability;
        switch (state)
        {
            case WATCHING ->
            {
                maxProbabilityWhileWatching = Math.max(maxProbabilityWhileWatching, probability);
                if (probability > settings.failureThreshold())
                {
                    startMoving(primaryId, probability);
                }
            }
            case STEERING, MOVED, REMOVED ->
            {
            }
        }
    }

    private void startMoving(final long primaryId, final double probability)
    {
        final String reason = String.format(Locale.ROOT,
            "tunnel %s transit %.0f ns rising %.0f ns/s, limit %.0f ns in %.1f s: p=%.2f > %.2f within %.1f s; " +
            "%s standby %s and steer in %d steps",
            primary, predictor.level(), predictor.slope(),
            predictor.limit(), predictor.timeToLimit(), probability, settings.failureThreshold(), settings.horizonSeconds(),
            standbyExists ? "use" : "create", standby.name(), settings.steps());
        require(client.failurePrediction(EntityKind.TUNNEL, primaryId, (float)probability,
            (long)(settings.horizonSeconds() * 1000), reason));
        if (!standbyExists)
        {
            require(client.tunnelCreate(standby));
            standbyExists = true;
        }
        step = 1;
        require(client.routeAdd(family, prefixHi, prefixLo, prefixLength, List.of(
            NextHop.tunnel(primary, settings.steps() - step), NextHop.tunnel(standby.name(), step))));
        state = step == settings.steps() ? State.MOVED : State.STEERING;
        decisions.add(new Decision(System.nanoTime(), state, probability, reason));
    }

    private void nextStep(final double probability)
    {
        step++;
        require(client.steeringWeights(family, prefixHi, prefixLo, prefixLength, settings.steps() - step, step));
        state = step == settings.steps() ? State.MOVED : State.STEERING;
        decisions.add(new Decision(System.nanoTime(), state, probability,
            "weights " + primary + ":" + (settings.steps() - step) + " " + standby.name() + ":" + step));
    }

    /**
     * Seed 002's {@code remove_unhealthy_tunnels}: once the traffic has moved, the route points at
     * the standby alone and the failed primary is deleted (its slot and cipher state are freed
     * after the workers' grace period).
     */
    public void removePrimary()
    {
        if (state != State.MOVED)
        {
            throw new IllegalStateException("the primary can be removed once traffic has moved off it, not in state " + state);
        }
        require(client.routeAdd(family, prefixHi, prefixLo, prefixLength, List.of(NextHop.tunnel(standby.name(), 1))));
        require(client.tunnelDelete(primary));
        state = State.REMOVED;
        decisions.add(new Decision(System.nanoTime(), state, lastProbability, "removed unhealthy tunnel " + primary +
            "; route uses " + standby.name() + " alone"));
    }

    private void require(final long correlationId)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        if (!ack.applied())
        {
            throw new IllegalStateException("the data plane refused a failover step: " + ack.field() + ": " + ack.reason());
        }
    }

    /** The tunnel this failover watches. */
    public String primary()
    {
        return primary;
    }

    public State state()
    {
        return state;
    }

    public List<Decision> decisions()
    {
        return List.copyOf(decisions);
    }

    /** The primary's failure probability at the last report (for show commands). */
    public double lastProbability()
    {
        return lastProbability;
    }

    /** The primary's health metric now (robust level of its per-packet transit cost, ns). */
    public double level()
    {
        return predictor.level();
    }

    /** The highest failure probability seen before acting (what a false alarm would have exceeded). */
    public double maxProbabilityWhileWatching()
    {
        return maxProbabilityWhileWatching;
    }
}
