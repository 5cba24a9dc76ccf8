package io.flowlane.controlplane.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TunnelCapacityTest
{
    @Test
    void aTunnelAlreadyAtItsMaximumIsReportedAsNeedingAnotherOnceNotScaled()
    {
        // No control client: at its maximum there is nothing to send; a scale attempt would fail this test.
        final TunnelCapacity capacity = new TunnelCapacity(null, name -> new CapacityPlanner(
            new CapacityPlanner.Settings(0.8, 0.6, 10, 20_000_000L, 3), new HoltWinters(0.3, 0.1, 0, 0.8, 1)), null);
        capacity.schedule("gre-a", new CapacityPlanner.ScheduledEvent(0, Long.MAX_VALUE, 30e6));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final TelemetryReportEncoder encoder = new TelemetryReportEncoder();
        for (int i = 0; i < 50; i++)
        {
            encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).timestampNanos(i * 100_000_000L)
                .intervalNanos(100_000_000L);
            encoder.workersCount(0);
            encoder.portsCount(0);
            encoder.tunnelsCount(1).next().txBytes(i * 125_000L).bandwidthBitsPerSecond(20_000_000L).name("gre-a"); // 10 Mbit/s
            encoder.updateLatencyCount(0);
            capacity.onTelemetry(new TelemetryReportDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder().wrap(buffer, 0)));
        }
        assertEquals(1, capacity.decisions().size(), "said once (in this minute): " + capacity.decisions());
        assertTrue(capacity.decisions().get(0).anotherTunnelNeeded());
        assertEquals(20_000_000L, capacity.decisions().get(0).bitsPerSecond(), "not scaled beyond the maximum");
    }
}
