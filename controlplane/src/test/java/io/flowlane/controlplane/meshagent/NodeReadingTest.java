package io.flowlane.controlplane.meshagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * What the agent tells the mesh manager about a node, from its telemetry: the busiest worker's
 * busy ratio with one interval's outlier ignored and a rise held for a second, drops as a rate
 * with the first report as baseline and a loss held for five seconds, a restart seen as such.
 */
class NodeReadingTest
{
    static final long INTERVAL = 100_000_000L;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final TelemetryReportDecoder decoder = new TelemetryReportDecoder();
    private long sequence;

    @Test
    void aBusyOutlierIsIgnoredAndARiseIsHeldForASecond()
    {
        final NodeReading reading = new NodeReading();
        long t = 0;
        for (int i = 0; i < 5; i++)
        {
            reading.read(report(0.05, 0.10, 1000, 0), t += INTERVAL);
        }
        assertEquals(0.10, reading.heldBusy(), 1e-6, "the busiest worker's ratio");
        reading.read(report(1.0, 0.1, 2000, 0), t += INTERVAL);
        assertEquals(0.10, reading.heldBusy(), 1e-6, "one interval at 100% is an outlier");
        for (int i = 0; i < 3; i++)
        {
            reading.read(report(0.1, 0.1, 3000, 0), t += INTERVAL);
            assertEquals(0.10, reading.heldBusy(), 1e-6);
        }

        reading.read(report(0.9, 0.1, 4000, 0), t += INTERVAL);
        assertEquals(0.10, reading.heldBusy(), 1e-6, "not yet: it could be an outlier");
        reading.read(report(0.9, 0.1, 5000, 0), t += INTERVAL);
        assertEquals(0.90, reading.heldBusy(), 1e-6, "a rise that lasts shows one interval later");
        int held = 0;
        while (reading.heldBusy() > 0.5)
        {
            reading.read(report(0.1, 0.1, 6000, 0), t += INTERVAL);
            held++;
            assertTrue(held < 20, "held for ever");
        }
        // The first report after the rise still has a median of 0.9; from then on it is held for a second.
        assertTrue(held >= 11 && held <= 12, "held for " + held + " intervals");
        assertEquals(0.10, reading.heldBusy(), 1e-6, "and then let go");
        assertEquals(0.10, reading.busy(), 1e-6, "the latest, unfiltered");
    }

    @Test
    void dropsAreARateFromTheFirstReportAndALossIsHeldForFiveSeconds()
    {
        final NodeReading reading = new NodeReading();
        long t = 0;
        reading.read(report(0.1, 0.1, 1000, 500), t += INTERVAL);
        assertEquals(0, reading.heldDropsPerSecond(), "drops before the agent attached are the baseline");
        reading.read(report(0.1, 0.1, 2000, 500), t += INTERVAL);
        assertEquals(0, reading.heldDropsPerSecond());
        reading.read(report(0.1, 0.1, 3000, 600, 10_000), t += INTERVAL);
        assertEquals(1000, reading.heldDropsPerSecond(), 1e-6, "100 drops in 100 ms");
        assertEquals(10_000, reading.heldRxPerSecond(), 1e-6);
        for (int i = 0; i < 49; i++)
        {
            reading.read(report(0.1, 0.1, 4000 + i, 600, 0), t += INTERVAL);
            assertEquals(1000, reading.heldDropsPerSecond(), 1e-6, "the loss is held (" + i + ")");
        }
        reading.read(report(0.1, 0.1, 5000, 600, 0), t += INTERVAL);
        reading.read(report(0.1, 0.1, 5000, 600, 0), t += INTERVAL);
        assertEquals(0, reading.heldDropsPerSecond(), "five seconds later it is let go");
        assertEquals(600, reading.totalDrops());
    }

    @Test
    void aRestartedNodeIsANewBaseline()
    {
        final NodeReading reading = new NodeReading();
        assertFalse(reading.read(report(0.1, 0.1, 1000, 900), INTERVAL));
        assertFalse(reading.read(report(0.1, 0.1, 2000, 900), 2 * INTERVAL));
        sequence = 0;
        assertTrue(reading.read(report(0.1, 0.1, 10, 3), 3 * INTERVAL), "its sequence began again");
        assertEquals(0, reading.heldDropsPerSecond(), "its counters began again too: no drop rate from the difference");
        assertEquals(10, reading.totalRx());
        assertEquals(INTERVAL, reading.longestGapNanos());
    }

    private TelemetryReportDecoder report(final double busy0, final double busy1, final long rx, final long drops)
    {
        return report(busy0, busy1, rx, drops, 10_000);
    }

    /** A report of two workers (the drops and packets on worker 0). */
    private TelemetryReportDecoder report(final double busy0, final double busy1, final long rx, final long drops, final double rate)
    {
        final TelemetryReportEncoder encoder = new TelemetryReportEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .sequence(++sequence).timestampNanos(sequence * INTERVAL).epochMillis(0).intervalNanos(INTERVAL)
            .mbufsInUse(0).mbufsTotal(8191).updatesApplied(0).updatesRejected(0);
        final TelemetryReportEncoder.WorkersEncoder workers = encoder.workersCount(2);
        workers.next().worker(0).rxPackets(rx).txPackets(rx).dropPackets(drops).rxPacketsPerSecond(rate).busyRatio((float)busy0)
            .busyCyclesPerPacket(0);
        workers.next().worker(1).rxPackets(0).txPackets(0).dropPackets(0).rxPacketsPerSecond(0).busyRatio((float)busy1)
            .busyCyclesPerPacket(0);
        encoder.portsCount(0);
        encoder.tunnelsCount(0);
        encoder.updateLatencyCount(0);
        return decoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }
}
