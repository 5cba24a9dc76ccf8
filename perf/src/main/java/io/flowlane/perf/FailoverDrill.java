package io.flowlane.perf;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.predict.Controller;
import io.flowlane.controlplane.predict.TunnelFailover;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.GreTunnel;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A predicted failover, end to end over memif (issue 5's scenario; the demo's second act and
 * FailoverScenarioTest's body): 20 kpps go through GRE tunnel gre-a; after a healthy baseline the
 * data plane is made to spend 100 ns more per packet on gre-a every 250 ms (an injected fault),
 * and 6 s later gre-a drops everything. The control plane ({@link TunnelFailover}) sees only
 * telemetry; it must predict the failure, create gre-b and move the traffic first.
 *
 * <pre>./flowlane java io.flowlane.perf.FailoverDrill [baseline seconds]</pre>
 */
public final class FailoverDrill
{
    public static final int RATE_PPS = 20_000;
    static final long RAMP_STEP_MS = 250;
    static final long RAMP_STEP_NS = 100;
    static final long FAIL_AFTER_RAMP_MS = 6_000;
    static final long AFTER_FAILURE_MS = 2_000;

    /** The appliance's routes and tunnels for the drill (MemifRig adds ports, neighbors and the control channel). */
    public static final String APPLIANCE = """
        tunnels:
          - {name: gre-a, protocol: gre, source: 10.1.0.1, destination: 10.1.0.2, key: 1}
        routes:
          - prefix: 198.18.1.0/24
            via: [{tunnel: gre-a}]
        """;

    /** What happened: when, what the generator counted, the controller's decisions. */
    public record Result(long rampStart, long failAt, double baselineWorstProbability, long maxWorkerDrops, long tx, long rx,
        String generator, TunnelFailover failover)
    {
        public long predictedAt()
        {
            return failover.decisions().isEmpty() ? Long.MAX_VALUE : failover.decisions().get(0).nanos();
        }

        public long movedAt()
        {
            return failover.state() == TunnelFailover.State.WATCHING ? Long.MAX_VALUE :
                failover.decisions().get(failover.decisions().size() - 1).nanos();
        }
    }

    private FailoverDrill()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long baselineMs = args.length > 0 ? Long.parseLong(args[0]) * 1000 : 5_000;
        final boolean held;
        try (MemifRig rig = new MemifRig("drill", APPLIANCE, "fault-injection: true"))
        {
            System.out.println("failover drill: starting an appliance (gre-a carries 198.18.1.0/24) and a generator at 20 kpps");
            rig.startAppliance("appliance.log");
            try (ControlClient client = rig.controller(null))
            {
                final Result result = run(rig, client, baselineMs, System.out);
                summarise(result, System.out);
                held = result.tx() == result.rx() && result.movedAt() < result.failAt();
            }
        }
        // Exit only after the rig has stopped the appliance: System.exit inside the try skipped close().
        System.exit(held ? 0 : 1);
    }

    /** Runs the drill on a started appliance; prints a line a second to {@code out}. The generator is stopped at the end. */
    public static Result run(final MemifRig rig, final ControlClient client, final long baselineMs, final PrintStream out)
        throws Exception
    {
        final long prefix = Ipv4Header.parse("198.18.1.0") & 0xFFFF_FFFFL;
        final TunnelFailover failover = new TunnelFailover(client, 4, prefix, 0, 24, "gre-a",
            new GreTunnel("gre-b", Endpoints.parse("10.1.0.1", "10.1.0.3", 64), 2, false, false, 1500, 0),
            new TunnelFailover.Settings(0.7, 5.0, 3_000, 20, 4));
        // The control plane as `flowlane controller --failover 198.18.1.0/24,gre-a,gre-b,10.1.0.1,10.1.0.3` runs it.
        final Controller controller = new Controller(client, new Controller.Settings(0.7, 5.0, 3_000, 20, 100), List.of(failover),
            line -> { });
        rig.startGenerator(client, RATE_PPS);

        final long start = System.nanoTime();
        final long rampStart = start + TimeUnit.MILLISECONDS.toNanos(baselineMs);
        final long failAt = rampStart + TimeUnit.MILLISECONDS.toNanos(FAIL_AFTER_RAMP_MS);
        final long end = failAt + TimeUnit.MILLISECONDS.toNanos(AFTER_FAILURE_MS);
        double baselineWorst = -1;
        long delayNanos = 0;
        long nextRamp = rampStart;
        long nextLine = start + TimeUnit.SECONDS.toNanos(1);
        boolean failed = false;
        long maxWorkerDrops = 0;
        final long[] drops = new long[1];
        while (System.nanoTime() < end)
        {
            final long now = System.nanoTime();
            if (now >= rampStart && baselineWorst < 0)
            {
                baselineWorst = failover.maxProbabilityWhileWatching();
            }
            if (!failed && now >= failAt)
            {
                applied(client, client.faultInjection("gre-a", delayNanos, 1_000_000));
                failed = true;
                out.printf(Locale.ROOT, "  %+5.1f s  gre-a FAILS: every packet into it is dropped from now on%n", (now - rampStart) / 1e9);
            }
            else if (!failed && now >= nextRamp)
            {
                delayNanos += RAMP_STEP_NS;
                applied(client, client.faultInjection("gre-a", delayNanos, 0));
                nextRamp += TimeUnit.MILLISECONDS.toNanos(RAMP_STEP_MS);
            }
            final int decisionsBefore = failover.decisions().size();
            client.pollTelemetry(report ->
            {
                drops[0] = workerDrops(report);
                report.sbeRewind();
                controller.onTelemetry(report);
            });
            maxWorkerDrops = Math.max(maxWorkerDrops, drops[0]);
            for (int d = decisionsBefore; d < failover.decisions().size(); d++)
            {
                final TunnelFailover.Decision decision = failover.decisions().get(d);
                out.printf(Locale.ROOT, "  %+5.1f s  control plane: %s%n", (decision.nanos() - rampStart) / 1e9, decision.reason());
            }
            if (now >= nextLine)
            {
                out.printf(Locale.ROOT, "  %+5.1f s  %-9s gre-a transit %5.0f ns, P(failure within 5 s) %.2f, route %s, drops %d%n",
                    (now - rampStart) / 1e9, now < rampStart ? "healthy" : failed ? "failed" : "degrading", failover.level(),
                    failover.lastProbability(), failover.state(), drops[0]);
                nextLine += TimeUnit.SECONDS.toNanos(1);
            }
            Thread.sleep(5);
        }
        final String json = rig.stopGenerator();
        return new Result(rampStart, failAt, baselineWorst, maxWorkerDrops, MemifRig.field(json, "tx_packets"),
            MemifRig.field(json, "rx_packets"), json, failover);
    }

    public static void summarise(final Result result, final PrintStream out)
    {
        out.println();
        if (result.failover().state() == TunnelFailover.State.WATCHING)
        {
            out.println("summary: the failure was NOT predicted; traffic stayed on gre-a");
        }
        else
        {
            out.printf(Locale.ROOT, "summary: failure predicted %.1f s after gre-a began to degrade; traffic on gre-b %.1f s before " +
                "gre-a failed%n", (result.predictedAt() - result.rampStart()) / 1e9, (result.failAt() - result.movedAt()) / 1e9);
        }
        out.printf(Locale.ROOT, "         sent %d packets, received %d: %d lost; appliance drops %d; no alarm while healthy (max p %.2f)%n",
            result.tx(), result.rx(), result.tx() - result.rx(), result.maxWorkerDrops(), result.baselineWorstProbability());
    }

    private static long workerDrops(final TelemetryReportDecoder report)
    {
        long drops = 0;
        for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
        {
            drops += worker.dropPackets();
        }
        return drops;
    }

    private static void applied(final ControlClient client, final long correlationId)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        if (!ack.applied())
        {
            throw new IllegalStateException("refused: " + ack.field() + ": " + ack.reason());
        }
    }
}
