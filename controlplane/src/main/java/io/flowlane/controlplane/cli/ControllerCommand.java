package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.predict.Controller;
import io.flowlane.controlplane.predict.TunnelFailover;
import io.flowlane.controlplane.text.Durations;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.GreTunnel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code flowlane controller}: the predictive control plane as its own process, attached to a
 * running appliance's control channel. It reads the telemetry, predicts failures (sent to the
 * appliance, listed by {@code show predictions}) and moves protected prefixes to standby tunnels
 * before their primaries fail (docs/prediction.md).
 */
@Command(name = "controller", description = "Run the predictive control plane against a running appliance until Ctrl-C or --duration.")
final class ControllerCommand implements Callable<Integer>
{
    @Option(names = "--failover", paramLabel = "PREFIX,PRIMARY,STANDBY,SOURCE,DESTINATION",
        description = "protect PREFIX (routed into tunnel PRIMARY): before PRIMARY fails, move it to GRE tunnel STANDBY " +
            "(SOURCE -> DESTINATION; created if missing) in --steps steps (repeatable)")
    List<String> failovers = new ArrayList<>();

    @Option(names = "--threshold", defaultValue = "0.7", description = "failure probability that triggers a prediction, default ${DEFAULT-VALUE}")
    double threshold;

    @Option(names = "--horizon", defaultValue = "5s", description = "how far ahead failures are predicted, default ${DEFAULT-VALUE}")
    String horizon;

    @Option(names = "--transit-limit-ns", defaultValue = "3000",
        description = "a tunnel's per-packet transit cost at which it counts as failed, default ${DEFAULT-VALUE}")
    double transitLimitNanos;

    @Option(names = "--window", defaultValue = "20", description = "telemetry reports a trend is fitted over, default ${DEFAULT-VALUE}")
    int window;

    @Option(names = "--steps", defaultValue = "4", description = "failover: steering steps from primary to standby, default ${DEFAULT-VALUE}")
    int steps;

    @Option(names = "--learning-reports", defaultValue = "100",
        description = "reports the worker anomaly detector learns from before it may alarm, default ${DEFAULT-VALUE}")
    int learningReports;

    @Option(names = "--duration", defaultValue = "0", description = "stop after this long (e.g. 10m); 0 = until Ctrl-C")
    String duration;

    @Mixin
    ChannelOptions channel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException
    {
        final double horizonSeconds;
        final long durationNanos;
        try
        {
            horizonSeconds = Durations.parse(horizon).toMillis() / 1e3;
            durationNanos = "0".equals(duration) ? Long.MAX_VALUE : Durations.parse(duration).toNanos();
            if (!(threshold > Controller.minThreshold() && threshold < 1))
            {
                throw new IllegalArgumentException("--threshold: " + threshold + " is outside " + Controller.minThreshold() + "..1");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        final AtomicBoolean stop = new AtomicBoolean();
        try (InterruptHook hook = InterruptHook.install("controller-stop", () -> stop.set(true));
            ControlClient client = channel.connect())
        {
            final List<TunnelFailover> protections = new ArrayList<>();
            for (final String rule : failovers)
            {
                protections.add(failover(client, rule, horizonSeconds));
            }
            final Controller controller = new Controller(client,
                new Controller.Settings(threshold, horizonSeconds, transitLimitNanos, window, learningReports), protections,
                line -> out.printf("%s  %s%n", Instant.now(), line));
            out.printf(Locale.ROOT, "%s  controller attached to %s: threshold %.2f, horizon %.1f s, %d protected prefix(es)%n",
                Instant.now(), channel.aeronDir, threshold, horizonSeconds, protections.size());
            out.flush();
            final long end = durationNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + durationNanos;
            long reports = 0;
            while (!stop.get() && System.nanoTime() < end)
            {
                final int read = client.pollTelemetry(controller::onTelemetry);
                reports += read;
                client.pollAcks(ack -> { });
                out.flush();
                if (read == 0)
                {
                    Thread.sleep(5);
                }
            }
            out.printf("%s  controller stopped: %d prediction(s) sent%s%n", Instant.now(), controller.predictionsSent(),
                protections.isEmpty() ? "" : protections.stream().map(f -> f.primary() + " " + f.state())
                    .reduce("; failovers:", (a, b) -> a + " " + b));
            out.flush();
            return FlowlaneCli.OK;
        }
    }

    private TunnelFailover failover(final ControlClient client, final String rule, final double horizonSeconds)
    {
        final String[] parts = rule.split(",");
        if (parts.length != 5)
        {
            throw new ParameterException(spec.commandLine(), "--failover: '" + rule + "' is not PREFIX,PRIMARY,STANDBY,SOURCE,DESTINATION");
        }
        final long[] prefix = RouteCommand.prefix(spec, parts[0]);
        final GreTunnel standby;
        try
        {
            standby = new GreTunnel(parts[2], Endpoints.parse(parts[3], parts[4], 64), -1, false, false, 1500, 0);
            return new TunnelFailover(client, (int)prefix[0], prefix[1], prefix[2], (int)prefix[3], parts[1], standby,
                new TunnelFailover.Settings(threshold, horizonSeconds, transitLimitNanos, window, steps));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), "--failover: " + ex.getMessage());
        }
    }
}
