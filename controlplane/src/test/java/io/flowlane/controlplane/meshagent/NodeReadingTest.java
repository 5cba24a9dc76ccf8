package io.flowlane.controlplane.meshagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.mesh.MeshCost;
import io.flowlane.controlplane.mesh.NodeHealth;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.WorkerStats;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * What the agent tells the mesh manager about a node, from its telemetry: the busiest worker's
 * busy ratio with one interval's outlier ignored and a rise held for a second, the packets the
 * node lost by its own fault (drops blamed on it, receive ring overflows, no mbufs; not drops
 * blamed on the path or the packet) as a rate with the first report as baseline and a loss held
 * for five seconds, a restart seen as such.
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
        assertEquals(0, reading.heldLostPerSecond(), "drops before the agent attached are the baseline");
        reading.read(report(0.1, 0.1, 2000, 500), t += INTERVAL);
        assertEquals(0, reading.heldLostPerSecond());
        reading.read(report(0.1, 0.1, 3000, 600, 10_000), t += INTERVAL);
        assertEquals(1000, reading.heldLostPerSecond(), 1e-6, "100 drops in 100 ms");
        assertEquals(10_000, reading.heldRxPerSecond(), 1e-6);
        for (int i = 0; i < 49; i++)
        {
            reading.read(report(0.1, 0.1, 4000 + i, 600, 0), t += INTERVAL);
            assertEquals(1000, reading.heldLostPerSecond(), 1e-6, "the loss is held (" + i + ")");
        }
        reading.read(report(0.1, 0.1, 5000, 600, 0), t += INTERVAL);
        reading.read(report(0.1, 0.1, 5000, 600, 0), t += INTERVAL);
        assertEquals(0, reading.heldLostPerSecond(), "five seconds later it is let go");
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
        assertEquals(0, reading.heldLostPerSecond(), "its counters began again too: no drop rate from the difference");
        assertEquals(10, reading.totalRx());
        assertEquals(INTERVAL, reading.longestGapNanos());
    }

    @Test
    void dropsBlamedOnThePathDoNotLowerHealth()
    {
        // The ingress whose neighbour died: what it still sends that way fills the ring toward the
        // dead peer (tx-queue-full), then finds its route deleted (no-route). Malformed input alike.
        final NodeReading reading = new NodeReading();
        final WorkerStats stats = new WorkerStats();
        long t = 0;
        reading.read(report(stats, 1000, 0, 0), t += INTERVAL);
        stats.drops[DropReason.TX_QUEUE_FULL.ordinal()] += 2000;
        reading.read(report(stats, 2000, 0, 0), t += INTERVAL);
        stats.drops[DropReason.NO_ROUTE.ordinal()] += 2000;
        stats.drops[DropReason.RUNT.ordinal()] += 50;
        stats.drops[DropReason.ESP_REPLAY.ordinal()] += 50;
        reading.read(report(stats, 3000, 0, 0), t += INTERVAL);
        assertEquals(0, reading.heldLostPerSecond(), "not the node's fault");
        assertEquals(1.0, health(reading), 1e-9);
        assertEquals(4100, reading.totalDrops(), "still counted as drops");
        assertEquals(0, reading.totalLost());
    }

    @Test
    void packetsThePortsCouldNotTakeInLowerHealth()
    {
        final NodeReading reading = new NodeReading();
        final WorkerStats stats = new WorkerStats();
        long t = 0;
        reading.read(report(stats, 1000, 40, 5), t += INTERVAL);
        assertEquals(0, reading.heldLostPerSecond(), "the baseline");
        reading.read(report(stats, 2000, 40 + 30, 5 + 20), t += INTERVAL);
        assertEquals(500, reading.heldLostPerSecond(), 1e-6, "30 missed and 20 without an mbuf in 100 ms");
        assertEquals(0, health(reading), "5 % of 10 000 pps lost is past the 1 % ceiling");
        assertEquals(0, reading.totalDrops(), "the workers dropped nothing");
    }

    @Test
    void dropsBlamedOnTheNodeLowerHealth()
    {
        final NodeReading reading = new NodeReading();
        final WorkerStats stats = new WorkerStats();
        long t = 0;
        reading.read(report(stats, 1000, 0, 0), t += INTERVAL);
        stats.drops[DropReason.FAULT_INJECTED.ordinal()] += 40;
        stats.drops[DropReason.NO_ROUTE.ordinal()] += 1000;
        reading.read(report(stats, 2000, 0, 0), t += INTERVAL);
        assertEquals(400, reading.heldLostPerSecond(), 1e-6, "the fault-injected drops, not the no-route ones");
        assertTrue(health(reading) < 0.7, "health " + health(reading));
    }

    @Test
    void aReportFromAnApplianceBeforeVersion2CountsItsDropsAsBefore()
    {
        // An appliance not yet upgraded sends version 1: workers without nodeDropPackets (42-byte
        // entries). Its drops are all that tells of its losses, as before version 2.
        final NodeReading reading = new NodeReading();
        long t = 0;
        reading.read(versionOne(report(0.1, 0.1, 1000, 500)), t += INTERVAL);
        assertEquals(2, TelemetryReportDecoder.SCHEMA_VERSION);
        assertEquals(1, decoder.actingVersion());
        reading.read(versionOne(report(0.1, 0.1, 2000, 600)), t += INTERVAL);
        assertEquals(1000, reading.heldLostPerSecond(), 1e-6, "100 drops in 100 ms");
        assertEquals(600, reading.totalDrops());
        assertEquals(2000, reading.totalRx(), "the groups after the workers read right");
    }

    private static double health(final NodeReading reading)
    {
        return MeshCost.DEFAULT.healthScore(new NodeHealth(0, reading.heldBusy(), reading.heldRxPerSecond(),
            reading.heldLostPerSecond(), 0));
    }

    private TelemetryReportDecoder report(final double busy0, final double busy1, final long rx, final long drops)
    {
        return report(busy0, busy1, rx, drops, 10_000);
    }

    /** A report of two workers (the drops and packets on worker 0, all drops blamed on the node). */
    private TelemetryReportDecoder report(final double busy0, final double busy1, final long rx, final long drops, final double rate)
    {
        return report(busy0, busy1, rx, drops, drops, 0, 0, rate);
    }

    /** Worker 0's counters as Telemetry reports them, and one port's receive losses. */
    private TelemetryReportDecoder report(final WorkerStats stats, final long rx, final long rxMissed, final long rxNoMbuf)
    {
        return report(0.1, 0.1, rx, stats.unintendedDrops(), stats.nodeDrops(), rxMissed, rxNoMbuf, 10_000);
    }

    private TelemetryReportDecoder report(final double busy0, final double busy1, final long rx, final long drops,
        final long nodeDrops, final long rxMissed, final long rxNoMbuf, final double rate)
    {
        final TelemetryReportEncoder encoder = new TelemetryReportEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .sequence(++sequence).timestampNanos(sequence * INTERVAL).epochMillis(0).intervalNanos(INTERVAL)
            .mbufsInUse(0).mbufsTotal(8191).updatesApplied(0).updatesRejected(0);
        final TelemetryReportEncoder.WorkersEncoder workers = encoder.workersCount(2);
        workers.next().worker(0).rxPackets(rx).txPackets(rx).dropPackets(drops).rxPacketsPerSecond(rate).busyRatio((float)busy0)
            .busyCyclesPerPacket(0).nodeDropPackets(nodeDrops);
        workers.next().worker(1).rxPackets(0).txPackets(0).dropPackets(0).rxPacketsPerSecond(0).busyRatio((float)busy1)
            .busyCyclesPerPacket(0).nodeDropPackets(0);
        final TelemetryReportEncoder.PortsEncoder ports = encoder.portsCount(1);
        ports.next().port(0).rxPackets(rx).txPackets(rx).rxMissed(rxMissed).rxNoMbuf(rxNoMbuf).txErrors(0);
        encoder.tunnelsCount(0);
        encoder.updateLatencyCount(0);
        return decoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }

    /**
     * The report in the buffer re-encoded as version 1 wrote it: header version 1 and each worker
     * entry without its last 8 bytes (nodeDropPackets), the groups after it moved up.
     */
    private TelemetryReportDecoder versionOne(final TelemetryReportDecoder report)
    {
        final int length = MessageHeaderDecoder.ENCODED_LENGTH + report.sbeDecodedLength();
        final int groupHeader = MessageHeaderDecoder.ENCODED_LENGTH + TelemetryReportDecoder.BLOCK_LENGTH;
        final int newBlock = TelemetryReportDecoder.WorkersDecoder.nodeDropPacketsEncodingOffset();
        final int oldBlock = buffer.getShort(groupHeader) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + 2) & 0xFFFF;
        final byte[] old = new byte[length];
        buffer.getBytes(0, old);
        int to = groupHeader + 4;
        for (int w = 0; w < count; w++)
        {
            buffer.putBytes(to, old, groupHeader + 4 + w * oldBlock, newBlock);
            to += newBlock;
        }
        final int rest = groupHeader + 4 + count * oldBlock;
        buffer.putBytes(to, old, rest, length - rest);
        buffer.putShort(groupHeader, (short)newBlock);
        buffer.putShort(6, (short)1); // the message header's version
        return decoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }
}
