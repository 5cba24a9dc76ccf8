package io.flowlane.controlplane.channel;

import static io.flowlane.dataplane.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.sbe.FaultInjectionEncoder;
import io.flowlane.controlplane.sbe.FaultTarget;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * FaultInjection with target NODE (mesh drills degrade a whole appliance): its fields are checked
 * like every other message's; a stall shows in the busy ratio with no traffic at all (what tells
 * the mesh manager a node is degraded even after traffic left it) and goes when the fault is
 * removed; a drop probability of one drops every packet the node receives, counted as
 * fault-injected; and with no fault the node forwards again.
 */
class NodeFaultTest
{
    static final String AERON_DIR = "/dev/shm/flowlane-nf-test-" + ProcessHandle.current().pid();

    @Test
    void aNodeFaultStallsTheWorkersAndDropsTheirPacketsUntilRemoved() throws Exception
    {
        try (ApplianceHarness harness = new ApplianceHarness("""
                eal: {vdevs: [unused]}
                mempool: {mbufs: 4095, cache: 64}
                ports:
                  - {name: west, device: net_ring_nf_w_a}
                  - {name: east, device: net_ring_nf_e_a}
                interfaces:
                  - {name: west, port: west, ipv4: [10.0.0.1/24]}
                  - {name: east, port: east, ipv4: [10.1.0.1/24]}
                workers: {count: 1, idle: backoff}
                neighbors:
                  - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
                routes:
                  - prefix: 198.18.0.0/16
                    via: [{address: 10.1.0.2}]
                tunnels: []
                control:
                  aeron-dir: %s
                  journal: none
                  telemetry-interval-ms: 50
                  fault-injection: true
                """.formatted(AERON_DIR), 1, "nf_w", "nf_e");
            ControlClient client = ControlClient.connect(ControlClient.Config.ipc(AERON_DIR, null)).awaitConnected(10_000))
        {
            final TestPort west = harness.link("nf_w");
            final TestPort east = harness.link("nf_e");
            final long westMac = harness.appliance.port("west").mac();
            final List<byte[]> burst = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                burst.add(Frames.udp4(westMac, 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50), ip(198, 18, 1, i), 64, 1000 + i, 80, 18));
            }

            // Refused, naming the field: a name for the node, a stall for a tunnel, values out of range.
            rejected(client, raw(client, 900_001, FaultTarget.NODE, 0, "node"), "name");
            rejected(client, raw(client, 900_002, FaultTarget.TUNNEL, 500, "gre-x"), "stallMicrosPerMilli");
            rejected(client, client.nodeFault(0, 0, 1001), "stallMicrosPerMilli");
            rejected(client, client.nodeFault(50_001, 0, 0), "delayNanos");
            rejected(client, client.nodeFault(0, 1_000_001, 0), "dropPartsPerMillion");

            // A stall of 700 µs in every millisecond: busy about 0.7 although nothing arrives.
            applied(client, client.nodeFault(0, 0, 700));
            final float stalled = busyAfter(client, 6);
            assertTrue(stalled > 0.55 && stalled < 0.95, "an idle node stalled 700 us/ms reads busy " + stalled);
            applied(client, client.nodeFault(0, 0, 0));
            final float healthy = busyAfter(client, 6);
            assertTrue(healthy < 0.1, "busy " + healthy + " after the fault was removed");

            // Every packet dropped as fault-injected while the fault lasts ...
            applied(client, client.nodeFault(0, 1_000_000, 0));
            final long before = harness.drops(DropReason.FAULT_INJECTED);
            west.send(burst.toArray(new byte[0][]));
            ApplianceHarness.await(() -> harness.drops(DropReason.FAULT_INJECTED), before + burst.size());
            assertEquals(0, east.drain(200).size(), "nothing forwarded by a node that drops everything");

            // ... and forwarded again once it is removed.
            applied(client, client.nodeFault(0, 0, 0));
            west.send(burst.toArray(new byte[0][]));
            assertEquals(burst.size(), east.receive(burst.size(), 5_000).size());
        }
    }

    /** The busy ratio of the {@code reports}-th telemetry report from now (the first ones may span the change). */
    private static float busyAfter(final ControlClient client, final int reports) throws InterruptedException
    {
        final int[] seen = new int[1];
        final float[] busy = new float[1];
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (seen[0] < reports && System.nanoTime() < deadline)
        {
            client.pollTelemetry(report ->
            {
                for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
                {
                    busy[0] = worker.busyRatio();
                }
                seen[0]++;
            });
            Thread.sleep(5);
        }
        assertEquals(reports, seen[0], "telemetry reports");
        return busy[0];
    }

    /** A FaultInjection as ControlClient would not send it. */
    private static long raw(final ControlClient client, final long correlationId, final FaultTarget target, final int stall,
        final String name)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final FaultInjectionEncoder m = new FaultInjectionEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .correlationId(correlationId).sentNanos(System.nanoTime()).delayNanos(0).dropPartsPerMillion(0)
            .target(target).stallMicrosPerMilli(stall).name(name);
        client.sendRaw(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + m.encodedLength());
        return correlationId;
    }

    private static void applied(final ControlClient client, final long correlationId)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        assertTrue(ack.applied(), ack.field() + ": " + ack.reason());
    }

    private static void rejected(final ControlClient client, final long correlationId, final String field)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 5_000);
        assertTrue(!ack.applied() && ack.field().equals(field), "expected a refusal naming " + field + ", got " + ack);
    }
}
