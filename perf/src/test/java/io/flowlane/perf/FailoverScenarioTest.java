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
    static final long BASELINE_MS = 10_000;

    @Test
    void aDegradingTunnelIsPredictedAndItsTrafficMovedBeforeItFails() throws Exception
    {
        try (MemifRig rig = new MemifRig("fo", FailoverDrill.APPLIANCE, "fault-injection: true"))
        {
            rig.startAppliance("appliance.log");
            try (ControlClient client = rig.controller(null))
            {
                final long prefix = Ipv4Header.parse("198.18.1.0") & 0xFFFF_FFFFL;
                final FailoverDrill.Result result = FailoverDrill.run(rig, client, BASELINE_MS, System.out);
                final TunnelFailover failover = result.failover();
                System.out.println("generator: " + result.generator());
                failover.decisions().forEach(d -> System.out.printf(Locale.ROOT, "  t=%+.2f s from the failure: %s p=%.2f %s%n",
                    (d.nanos() - result.failAt()) / 1e9, d.state(), d.probability(), d.reason()));
                FailoverDrill.summarise(result, System.out);
                assertEquals(TunnelFailover.State.MOVED, failover.state(), "traffic moved to the standby");
                System.out.printf(Locale.ROOT, "predicted %.2f s and fully moved %.2f s before the failure " +
                    "(%.2f s after the degradation began); baseline worst p=%.2f%n",
                    (result.failAt() - result.predictedAt()) / 1e9, (result.failAt() - result.movedAt()) / 1e9,
                    (result.predictedAt() - result.rampStart()) / 1e9, result.baselineWorstProbability());
                assertTrue(result.baselineWorstProbability() >= 0 && result.baselineWorstProbability() < 0.7,
                    "no alarm while healthy: worst p=" + result.baselineWorstProbability());
                assertTrue(result.predictedAt() > result.rampStart(), "the prediction followed the degradation, not noise");
                assertTrue(result.movedAt() < result.failAt(), "the move completed before the failure");
                assertTrue(result.tx() > FailoverDrill.RATE_PPS, result.generator());
                assertEquals(result.tx(), result.rx(), "not one packet lost (" + result.generator() + ")");
                assertEquals(0, result.maxWorkerDrops(), "no packet dropped by the appliance");

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
                // ... and the operator sees it.
                final java.io.StringWriter shown = new java.io.StringWriter();
                final var cli = io.flowlane.controlplane.cli.FlowlaneCli.commandLine();
                cli.setOut(new java.io.PrintWriter(shown, true));
                assertEquals(0, cli.execute("show", "predictions", "--aeron-dir", rig.aeronDir));
                assertTrue(shown.toString().contains("tunnel gre-a") && shown.toString().contains(journalled.get(0)), shown.toString());

                // The failure was real: traffic put back into gre-a is dropped.
                applied(client, client.routeAdd(4, prefix, 0, 24, java.util.List.of(
                    io.flowlane.dataplane.fib.NextHop.tunnel("gre-a", 1))));
                Files.delete(rig.work.resolve("stop"));
                rig.startGenerator(client, FailoverDrill.RATE_PPS);
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

    private static void applied(final ControlClient client, final long correlationId)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        assertTrue(ack.applied(), ack.field() + ": " + ack.reason());
    }
}
