package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.predict.CapacityPlanner;
import io.flowlane.controlplane.predict.HoltWinters;
import io.flowlane.controlplane.predict.TunnelCapacity;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Seed 002's saturation branch end to end: traffic through gre-a (shaped at 20 Mbit/s) runs at
 * about half of that; a scheduled event says 30 Mbit/s are coming in 4 s. The control plane
 * forecasts from telemetry, and one horizon (1 s) before the event scales gre-a so the expected
 * load fits at 60 % utilisation; not before (the steady load alone never triggers it), and the
 * data plane's telemetry then shows the new shaped rate.
 */
class PreProvisioningScenarioTest
{
    @Test
    void aTunnelIsScaledOneHorizonBeforeAScheduledLoadAndNotBefore() throws Exception
    {
        try (MemifRig rig = new MemifRig("pp", """
            tunnels:
              - {name: gre-a, protocol: gre, source: 10.1.0.1, destination: 10.1.0.2, key: 1, bandwidth-mbps: 20}
            routes:
              - prefix: 198.18.1.0/24
                via: [{tunnel: gre-a}]
            """, ""))
        {
            rig.startAppliance("appliance.log");
            try (ControlClient client = rig.controller(null))
            {
                rig.startGenerator(client, 20_000);
                final Journal decisions = Journal.open(rig.work.resolve("control-plane-journal"));
                final TunnelCapacity capacity = new TunnelCapacity(client, name -> new CapacityPlanner(
                    new CapacityPlanner.Settings(0.8, 0.6, 10, 10_000_000_000L, 20), new HoltWinters(0.3, 0.1, 0, 0.8, 1)), decisions);
                final long eventStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                capacity.schedule("gre-a", new CapacityPlanner.ScheduledEvent(eventStart, eventStart + TimeUnit.SECONDS.toNanos(5), 30e6));
                final long end = eventStart + TimeUnit.SECONDS.toNanos(1);
                final long[] shaped = new long[1];
                while (System.nanoTime() < end)
                {
                    client.pollTelemetry(report ->
                    {
                        capacity.onTelemetry(report);
                        report.sbeRewind();
                        for (final TelemetryReportDecoder.TunnelsDecoder tunnel : TelemetryGroups.tunnels(report))
                        {
                            shaped[0] = tunnel.bandwidthBitsPerSecond();
                            tunnel.skipName();
                        }
                    });
                    Thread.sleep(5);
                }
                rig.stopGenerator();
                System.out.println("decisions: " + capacity.decisions());
                assertEquals(1, capacity.decisions().size(), "scaled once: " + capacity.decisions());
                final TunnelCapacity.Decision decision = capacity.decisions().get(0);
                final double before = (eventStart - decision.nanos()) / 1e9;
                System.out.printf(Locale.ROOT, "gre-a scaled to %d bit/s %.2f s before the scheduled load: %s%n",
                    decision.bitsPerSecond(), before, decision.reason());
                assertTrue(before > 0 && before <= 1.3, "one horizon (1 s, 10 reports) ahead, give or take a report: " + before);
                assertEquals(50_000_000L, decision.bitsPerSecond(), "30 Mbit/s at 60 % utilisation");
                assertTrue(decision.reason().contains("scheduled event"), decision.reason());
                assertEquals(50_000_000L, shaped[0], "the data plane reports the new shaped rate");
                final StringBuilder journalled = new StringBuilder();
                decisions.read((kind, time, buffer, offset, length) -> journalled.append(kind).append(' ')
                    .append(buffer.getStringWithoutLengthUtf8(offset, length)));
                decisions.close();
                assertTrue(journalled.toString().startsWith("DECISION scale tunnel gre-a: scheduled event"), journalled.toString());
            }
        }
    }
}
