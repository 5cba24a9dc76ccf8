package io.flowlane.controlplane.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Baselines re-learned from a real Chronicle journal of telemetry reports, by time range. */
class BaselinesTest
{
    @TempDir
    Path directory;

    @Test
    void mediansPerTunnelAndWorkerComeFromTheChosenTimeRangeOnly()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final TelemetryReportEncoder report = new TelemetryReportEncoder();
        try (Journal journal = Journal.open(directory))
        {
            for (int i = 0; i < 100; i++)
            {
                // The first hour: gre-a costs 40 ns (one report in ten spoiled by a preemption), then 400 ns.
                final double transit = i < 50 ? (i % 10 == 0 ? 90_000 : 40 + i % 3) : 400;
                report.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).sequence(i).timestampNanos(i);
                report.workersCount(1).next().worker(0).busyCyclesPerPacket(i < 50 ? 120 : 300);
                report.portsCount(0);
                report.tunnelsCount(1).next().transitNanos(transit).tunnelId(0).bandwidthBitsPerSecond(0).name("gre-a");
                report.updateLatencyCount(0);
                journal.append(Journal.Kind.TELEMETRY, i * 72_000_000_000L, buffer, 0,
                    MessageHeaderEncoder.ENCODED_LENGTH + report.encodedLength());
            }
        }
        try (Journal journal = Journal.openReadOnly(directory))
        {
            final Baselines firstHour = Baselines.fromJournal(journal, 0, 50 * 72_000_000_000L);
            assertEquals(41, firstHour.tunnelTransitNanos("gre-a"), 1, "median: the preempted reports do not move it");
            assertEquals(50, firstHour.tunnelSamples("gre-a"));
            assertEquals(120, firstHour.workerBusyCyclesPerPacket(0));
            final Baselines later = Baselines.fromJournal(journal, 50 * 72_000_000_000L, Long.MAX_VALUE);
            assertEquals(400, later.tunnelTransitNanos("gre-a"), "retrained on the later range");
            assertTrue(Double.isNaN(later.tunnelTransitNanos("gre-b")));
            assertEquals(3_000, Baselines.limit(firstHour.tunnelTransitNanos("gre-a"), 20, 3_000), "floor");
            assertEquals(8_000, Baselines.limit(later.tunnelTransitNanos("gre-a"), 20, 3_000));
        }
    }
}
