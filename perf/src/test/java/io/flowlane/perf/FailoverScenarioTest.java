package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.predict.TunnelFailover;
import io.flowlane.controlplane.sbe.FailurePredictionDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.GreTunnel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Issue 5's scenario, end to end over memif: traffic to 198.18.1.0/24 goes through GRE tunnel
 * gre-a. After a healthy baseline, gre-a degrades gradually (the data plane is made to spend
 * 100 ns more per packet on it every 250 ms, an injected fault), then fails outright (every packet
 * dropped). The control plane sees only telemetry; it must predict the failure from the rising
 * per-packet cost, create the standby tunnel gre-b, and move the route's weight over in steps
 * before the failure. Asserted: the move completes before the failure, not one packet is lost,
 * no alarm during the 10 s baseline (100 telemetry reports), the prediction journalled with its
 * reason; and, to show the failure was real, traffic sent into gre-a afterwards is dropped.
 * Lead time and the decision log are printed.
 */
class FailoverScenarioTest
{
    static final int RATE_PPS = 20_000;
    static final long BASELINE_MS = 10_000;
    static final long RAMP_STEP_MS = 250;
    static final long RAMP_STEP_NS = 100;
    static final long FAIL_AFTER_RAMP_MS = 6_000;
    static final long AFTER_FAILURE_MS = 2_000;

    @Test
    void aDegradingTunnelIsPredictedAndItsTrafficMovedBeforeItFails() throws Exception
    {
        try (MemifRig rig = new MemifRig("fo", """
            tunnels:
              - {name: gre-a, protocol: gre, source: 10.1.0.1, destination: 10.1.0.2, key: 1}
            routes:
              - prefix: 198.18.1.0/24
                via: [{tunnel: gre-a}]
            """, "fault-injection: true"))
        {
            rig.startAppliance("appliance.log");
            try (ControlClient client = rig.controller(null))
            {
                final long prefix = Ipv4Header.parse("198.18.1.0") & 0xFFFF_FFFFL;
                final TunnelFailover failover = new TunnelFailover(client, 4, prefix, 0, 24, "gre-a",
                    new GreTunnel("gre-b", Endpoints.parse("10.1.0.1", "10.1.0.3", 64), 2, false, false, 1500, 0),
                    new TunnelFailover.Settings(0.7, 5.0, 3_000, 20, 4));
                rig.startGenerator(client, RATE_PPS);

                final long start = System.nanoTime();
                final long rampStart = start + TimeUnit.MILLISECONDS.toNanos(BASELINE_MS);
                final long failAt = rampStart + TimeUnit.MILLISECONDS.toNanos(FAIL_AFTER_RAMP_MS);
                final long end = failAt + TimeUnit.MILLISECONDS.toNanos(AFTER_FAILURE_MS);
                double baselineWorst = -1;
                long delayNanos = 0;
                long nextRamp = rampStart;
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
                    }
                    else if (!failed && now >= nextRamp)
                    {
                        delayNanos += RAMP_STEP_NS;
                        applied(client, client.faultInjection("gre-a", delayNanos, 0));
                        nextRamp += TimeUnit.MILLISECONDS.toNanos(RAMP_STEP_MS);
                    }
                    client.pollTelemetry(report ->
                    {
                        drops[0] = workerDrops(report);
                        report.sbeRewind();
                        failover.onTelemetry(report);
                    });
                    maxWorkerDrops = Math.max(maxWorkerDrops, drops[0]);
                    Thread.sleep(5);
                }
                final String json = rig.stopGenerator();
                final long tx = MemifRig.field(json, "tx_packets");
                final long rx = MemifRig.field(json, "rx_packets");

                System.out.println("generator: " + json);
                failover.decisions().forEach(d -> System.out.printf(Locale.ROOT, "  t=%+.2f s from the failure: %s p=%.2f %s%n",
                    (d.nanos() - failAt) / 1e9, d.state(), d.probability(), d.reason()));
                assertEquals(TunnelFailover.State.MOVED, failover.state(), "traffic moved to the standby");
                final long predictedAt = failover.decisions().get(0).nanos();
                final long movedAt = failover.decisions().get(failover.decisions().size() - 1).nanos();
                System.out.printf(Locale.ROOT, "predicted %.2f s and fully moved %.2f s before the failure " +
                    "(%.2f s after the degradation began); baseline worst p=%.2f%n",
                    (failAt - predictedAt) / 1e9, (failAt - movedAt) / 1e9, (predictedAt - rampStart) / 1e9, baselineWorst);
                assertTrue(baselineWorst >= 0 && baselineWorst < 0.7, "no alarm while healthy: worst p=" + baselineWorst);
                assertTrue(predictedAt > rampStart, "the prediction followed the degradation, not noise");
                assertTrue(movedAt < failAt, "the move completed before the failure");
                assertTrue(tx > RATE_PPS, json);
                assertEquals(tx, rx, "not one packet lost (" + json + ")");
                assertEquals(0, maxWorkerDrops, "no packet dropped by the appliance");

                // The decision is in the data plane's journal with its reason and inputs.
                final java.util.List<String> journalled = new java.util.ArrayList<>();
                try (Journal journal = Journal.openReadOnly(rig.work.resolve("journal")))
                {
                    final MessageHeaderDecoder header = new MessageHeaderDecoder();
                    final FailurePredictionDecoder prediction = new FailurePredictionDecoder();
                    journal.history(0, Long.MAX_VALUE, (kind, time, buffer, offset, length) ->
                    {
                        header.wrap(buffer, offset);
                        if (kind == Journal.Kind.COMMAND_APPLIED && header.templateId() == FailurePredictionDecoder.TEMPLATE_ID)
                        {
                            journalled.add(prediction.wrapAndApplyHeader(buffer, offset, header).reason());
                        }
                    });
                }
                assertEquals(1, journalled.size(), "one failure prediction journalled: " + journalled);
                assertTrue(journalled.get(0).contains("gre-a") && journalled.get(0).contains("p="), journalled.get(0));

                // The failure was real: traffic put back into gre-a is dropped.
                applied(client, client.routeAdd(4, prefix, 0, 24, java.util.List.of(
                    io.flowlane.dataplane.fib.NextHop.tunnel("gre-a", 1))));
                Files.delete(rig.work.resolve("stop"));
                rig.startGenerator(client, RATE_PPS);
                Thread.sleep(1_000);
                final String proof = rig.stopGenerator();
                System.out.println("traffic back on the failed gre-a: " + proof);
                assertTrue(MemifRig.field(proof, "tx_packets") > 0 && MemifRig.field(proof, "rx_packets") == 0,
                    "gre-a drops everything: " + proof);

                // The manager removes the failed tunnel: the route uses gre-b alone and gre-a is gone.
                failover.removePrimary();
                assertEquals(TunnelFailover.State.REMOVED, failover.state());
                final java.util.Set<String> tunnelsLeft = new java.util.HashSet<>();
                final long asked = System.nanoTime();
                final long deadline = asked + TimeUnit.SECONDS.toNanos(5);
                while (tunnelsLeft.isEmpty() && System.nanoTime() < deadline)
                {
                    client.pollTelemetry(report ->
                    {
                        if (report.timestampNanos() > asked)
                        {
                            for (final TelemetryReportDecoder.TunnelsDecoder tunnel : TelemetryGroups.tunnels(report))
                            {
                                tunnelsLeft.add(tunnel.name());
                            }
                        }
                    });
                    Thread.sleep(10);
                }
                assertEquals(java.util.Set.of("gre-b"), tunnelsLeft, "the failed tunnel is gone");
            }
        }
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
        assertTrue(ack.applied(), ack.field() + ": " + ack.reason());
    }
}
