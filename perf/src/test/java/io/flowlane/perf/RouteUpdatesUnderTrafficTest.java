package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.sbe.CommandKind;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.packet.Ipv4Header;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The control channel's bar: a million route updates sent over Aeron IPC to an appliance that
 * forwards traffic over memif the whole time, with zero packets lost to the updates; then a new
 * appliance process started on the same journal has identical tables (same digest).
 *
 * <p>Three processes, as in production: the appliance (memif servers, control channel with
 * journal), the packet generator (memif clients, fixed rate, counts what returns), and this test
 * as the controller. The updates add and delete 131 072 /24 routes in rounds and, every 100th
 * update, touch the very prefix the traffic uses: a more-specific /32 added and removed (the LPM
 * allocates and frees a tbl8 group under the workers), and the /24 itself replaced by a two-way
 * ECMP group and back. Every path leads to the generator, so every packet sent must come back.
 */
class RouteUpdatesUnderTrafficTest
{
    static final int UPDATES = Integer.getInteger("flowlane.route-updates", 1_000_000);
    static final int RATE_PPS = Integer.getInteger("flowlane.route-updates.rate-pps", 20_000);
    static final int BASE_ROUTES = 131_072;
    static final int WINDOW = 8_192;

    @Test
    void aMillionRouteUpdatesWhileTrafficFlowsLoseNoPacket() throws Exception
    {
        try (MemifRig rig = new MemifRig("rut", """
            routes:
              - prefix: 198.18.1.0/24
                via: [{address: 10.1.0.2}]
            """, ""))
        {
            rig.startAppliance("appliance.log");
            final String digest;
            try (ControlClient client = rig.controller(null))
            {
                rig.startGenerator(client, RATE_PPS);
                final long started = System.nanoTime();
                final UpdateStream updates = new UpdateStream(client);
                updates.run(UPDATES);
                final double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf(Locale.ROOT, "%d route updates applied in %.1f s (%.0f/s) while traffic flowed%n",
                    updates.applied, seconds, updates.applied / seconds);
                assertEquals(0, updates.rejected, () -> "rejected updates, first: " + updates.firstRejection);
                assertEquals(UPDATES, updates.applied, "every update acknowledged as applied");

                Thread.sleep(1_000); // traffic after the last update, too
                final String json = rig.stopGenerator();
                final long tx = MemifRig.field(json, "tx_packets");
                final long rx = MemifRig.field(json, "rx_packets");
                System.out.println("generator: " + json);
                printTelemetry(client);
                assertTrue(tx > RATE_PPS, "traffic flowed during the updates: " + json);
                assertEquals(tx, rx, "every packet sent came back: zero lost to the updates (" + json + ")");
                digest = awaitApplied(client, client.command(CommandKind.TABLE_DIGEST)).reason();
            }

            // A fresh appliance process on the same journal rebuilds the same tables.
            rig.stopAppliance();
            final long restarted = System.nanoTime();
            rig.startAppliance("appliance-restarted.log");
            System.out.printf(Locale.ROOT, "restarted appliance forwarding again after %.1f s (journal replayed)%n",
                (System.nanoTime() - restarted) / 1e9);
            try (ControlClient client = rig.controller(null))
            {
                assertEquals(digest, awaitApplied(client, client.command(CommandKind.TABLE_DIGEST)).reason(),
                    "the restarted process has identical tables");
            }
        }
    }

    private static ControlClient.Ack awaitApplied(final ControlClient client, final long correlationId)
    {
        final ControlClient.Ack ack = client.awaitAck(correlationId, 30_000);
        assertTrue(ack.applied(), ack.field() + ": " + ack.reason());
        return ack;
    }

    /** The update sequence (see the class comment); keeps at most {@link #WINDOW} unacknowledged. */
    static final class UpdateStream
    {
        private final ControlClient client;
        private final boolean[] present = new boolean[BASE_ROUTES];
        private final List<NextHop> gw2 = List.of(NextHop.viaIpv4(null, Ipv4Header.parse("10.1.0.2"), 1));
        private final List<NextHop> ecmp = List.of(NextHop.viaIpv4(null, Ipv4Header.parse("10.1.0.2"), 1),
            NextHop.viaIpv4(null, Ipv4Header.parse("10.1.0.3"), 1));
        private final long hot = Ipv4Header.parse("198.18.1.0") & 0xFFFF_FFFFL;
        long sent;
        long applied;
        long rejected;
        String firstRejection;

        UpdateStream(final ControlClient client)
        {
            this.client = client;
        }

        void run(final int count)
        {
            int next = 0;
            for (int i = 0; i < count; i++)
            {
                if (i % 100 == 99)
                {
                    hotUpdate(i / 100);
                }
                else
                {
                    final long prefix = (Ipv4Header.parse("20.0.0.0") & 0xFFFF_FFFFL) + ((long)next << 8);
                    if (present[next])
                    {
                        client.routeDelete(4, prefix, 0, 24);
                    }
                    else
                    {
                        client.routeAdd(4, prefix, 0, 24, gw2);
                    }
                    present[next] = !present[next];
                    next = (next + 1) % BASE_ROUTES;
                }
                sent++;
                while (sent - applied - rejected > WINDOW)
                {
                    poll();
                }
                if ((i & 63) == 0)
                {
                    poll();
                }
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (applied + rejected < sent && System.nanoTime() < deadline)
            {
                poll();
            }
        }

        private void hotUpdate(final int n)
        {
            final long host = hot + 1 + (n / 4) % 200;
            switch (n % 4)
            {
                case 0 -> client.routeAdd(4, host, 0, 32, gw2);
                case 1 -> client.routeDelete(4, host, 0, 32);
                case 2 -> client.routeAdd(4, hot, 0, 24, ecmp);
                default -> client.routeAdd(4, hot, 0, 24, gw2);
            }
        }

        private void poll()
        {
            if (client.pollAcks(ack ->
            {
                if (ack.applied())
                {
                    applied++;
                }
                else
                {
                    rejected++;
                    if (firstRejection == null)
                    {
                        firstRejection = ack.field() + ": " + ack.reason();
                    }
                }
            }) == 0)
            {
                Thread.yield();
            }
        }
    }

    private static void printTelemetry(final ControlClient client) throws InterruptedException
    {
        final long asked = System.nanoTime();
        client.command(CommandKind.TELEMETRY_NOW);
        final boolean[] done = new boolean[1];
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!done[0] && System.nanoTime() < deadline)
        {
            client.pollAcks(ack -> { });
            client.pollTelemetry(report ->
            {
                if (report.timestampNanos() < asked || done[0])
                {
                    return;
                }
                final StringBuilder text = new StringBuilder("data plane telemetry: applied ").append(report.updatesApplied());
                for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
                {
                    text.append(String.format(Locale.ROOT, "; worker %d rx %d tx %d drops %d", worker.worker(), worker.rxPackets(),
                        worker.txPackets(), worker.dropPackets()));
                    assertEquals(0, worker.dropPackets(), "the worker dropped nothing");
                }
                // SBE groups are read in order: step over ports and tunnels to reach the latency group.
                for (final TelemetryReportDecoder.PortsDecoder port : report.ports())
                {
                    text.append(String.format(Locale.ROOT, "; port %d rx %d missed %d", port.port(), port.rxPackets(), port.rxMissed()));
                }
                for (final TelemetryReportDecoder.TunnelsDecoder tunnel : report.tunnels())
                {
                    tunnel.skipName();
                }
                text.append("; update-to-applied under a flood of ").append(WINDOW).append(" outstanding:");
                for (final TelemetryReportDecoder.UpdateLatencyDecoder latency : report.updateLatency())
                {
                    text.append(String.format(Locale.ROOT, " p%s %.1f us", latency.percentile(), latency.nanos() / 1e3));
                }
                System.out.println(text);
                done[0] = true;
            });
            Thread.sleep(10);
        }
        assertTrue(done[0], "a telemetry report after the run");
    }
}
