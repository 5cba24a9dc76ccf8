package io.flowlane.controlplane.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

class HealthMonitorTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);

    private float cycles = 100;

    private TelemetryReportDecoder report(final long nanos, final long rx, final long drops, final float busy, final int mbufs,
        final double transit)
    {
        return report(nanos, rx, drops, drops, busy, mbufs, transit);
    }

    /** @param drops all drops but policy's; nodeDrops those the worker itself is to blame for */
    private TelemetryReportDecoder report(final long nanos, final long rx, final long drops, final long nodeDrops, final float busy,
        final int mbufs, final double transit)
    {
        final TelemetryReportEncoder encoder = new TelemetryReportEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).timestampNanos(nanos).mbufsInUse(mbufs).mbufsTotal(1000);
        encoder.workersCount(1).next().worker(0).rxPackets(rx).dropPackets(drops).nodeDropPackets(nodeDrops).busyRatio(busy)
            .busyCyclesPerPacket(cycles);
        encoder.portsCount(0);
        encoder.tunnelsCount(1).next().transitNanos(transit).name("gre-a");
        encoder.updateLatencyCount(0);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        return new TelemetryReportDecoder().wrapAndApplyHeader(buffer, 0, header);
    }

    @Test
    void scoresFallWithSaturationDropsAndMbufPressureAndWithPredictedFailure()
    {
        final HealthMonitor monitor = new HealthMonitor(5, name -> new FailurePredictor(3_000, 20, 4), 10);
        final long start = System.nanoTime();
        List<HealthMonitor.Health> health = List.of();
        for (int i = 0; i < 30; i++)
        {
            health = monitor.onTelemetry(report(start + i * 100_000_000L, 1_000L * (i + 1), 0, 0.5f, 100, 40));
        }
        assertEquals(1.0, health.get(0).score(), 1e-9, "idle-ish worker without drops: healthy; " + health.get(0).detail());
        assertEquals(1.0, health.get(1).score(), 1e-9, "steady tunnel: healthy");

        health = monitor.onTelemetry(report(start + 31 * 100_000_000L, 31_000, 5, 0.9f, 950, 40));
        assertEquals(0.5 * 0.5 * 0.5, health.get(0).score(), 1e-6,
            "busy 90% (half the headroom gone), 0.5% dropped, mbufs 95%: " + health.get(0).detail());

        for (int i = 32; i < 70; i++)
        {
            health = monitor.onTelemetry(report(start + i * 100_000_000L, 1_000L * (i + 1), 5, 0.5f, 100, 40 + 400 * (i - 32) * 0.1));
        }
        assertTrue(health.get(1).score() < 0.3, "tunnel nearing its limit: " + health.get(1).detail());
        assertTrue(health.get(1).failureProbability() > 0.7);
    }

    @Test
    void dropsBlamedOnThePathOrThePacketLeaveAWorkerHealthy()
    {
        final HealthMonitor monitor = new HealthMonitor(5, name -> new FailurePredictor(3_000, 20, 4), 10);
        final long start = System.nanoTime();
        monitor.onTelemetry(report(start, 1_000, 0, 0, 0.5f, 100, 40));
        // 5 % of the interval's packets had no route (or went to a dead neighbour): not the worker's fault.
        List<HealthMonitor.Health> health = monitor.onTelemetry(report(start + 100_000_000L, 2_000, 50, 0, 0.5f, 100, 40));
        assertEquals(1.0, health.get(0).score(), 1e-9, health.get(0).detail());
        // 0.5 % it failed itself (no mbufs, an injected fault): half its health, as before.
        health = monitor.onTelemetry(report(start + 200_000_000L, 3_000, 100, 5, 0.5f, 100, 40));
        assertEquals(0.5, health.get(0).score(), 1e-6, health.get(0).detail());
    }

    @Test
    void aWorkerWhoseCostPerPacketLeavesItsLearnedRangeLosesHealth()
    {
        final HealthMonitor monitor = new HealthMonitor(5, name -> new FailurePredictor(3_000, 20, 4), 300);
        final long start = System.nanoTime();
        final java.util.Random random = new java.util.Random(5);
        int alarmsWhileNormal = 0;
        for (int i = 0; i < 1000; i++)
        {
            cycles = 100 + random.nextInt(10);
            final List<HealthMonitor.Health> health = monitor.onTelemetry(report(start + i * 100_000_000L, 1_000L * (i + 1), 0, 0.5f,
                100, 40));
            if (i >= 300 && health.get(0).score() < 1)
            {
                alarmsWhileNormal++;
            }
        }
        assertTrue(alarmsWhileNormal <= 1, "normal jitter after learning keeps the worker healthy: " + alarmsWhileNormal +
            " alarms in 700 reports");
        cycles = 400;
        final List<HealthMonitor.Health> health = monitor.onTelemetry(report(start + 1000 * 100_000_000L, 1_001_000, 0, 0.5f, 100, 40));
        assertTrue(health.get(0).score() < 0.7, "four times the usual cost per packet is an anomaly: " + health.get(0).detail());
    }
}
