package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.sbe.CommandKind;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.text.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code flowlane show ...}: workers, ports, tunnels and stats from a fresh telemetry report
 * (TELEMETRY_NOW); routes, interfaces and SAs from a listing (SHOW_*, paged); the tables' digest.
 */
@Command(name = "show", description = "Show a running appliance's routes, interfaces, SAs, the failure predictions it was sent, traffic classes, workers, ports, tunnels, stats or table digest.")
final class ShowCommand implements Callable<Integer>
{
    enum What
    {
        routes, interfaces, sa, predictions, classes, workers, ports, tunnels, stats, digest
    }

    @Parameters(index = "0", paramLabel = "WHAT", description = "one of: ${COMPLETION-CANDIDATES}")
    What what;

    @picocli.CommandLine.Option(names = "--first", defaultValue = "0", description = "listings: first row (paging)")
    long first;

    @picocli.CommandLine.Option(names = "--max", defaultValue = "1000", description = "listings: most rows (at most 10000)")
    long max;

    @Mixin
    ChannelOptions channel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        try (ControlClient client = channel.connect())
        {
            if (what == What.routes || what == What.interfaces || what == What.sa || what == What.predictions || what == What.classes)
            {
                final ControlClient.Listing listing;
                try
                {
                    listing = client.listing(switch (what)
                    {
                        case routes -> CommandKind.SHOW_ROUTES;
                        case interfaces -> CommandKind.SHOW_INTERFACES;
                        case sa -> CommandKind.SHOW_SA;
                        case classes -> CommandKind.SHOW_CLASSES;
                        default -> CommandKind.SHOW_PREDICTIONS;
                    }, first, max, channel.timeoutMillis);
                }
                catch (final IllegalArgumentException ex)
                {
                    spec.commandLine().getErr().println("show " + what + ": refused: " + ex.getMessage());
                    return FlowlaneCli.REFUSED;
                }
                printListing(listing, out);
                out.flush();
                return FlowlaneCli.OK;
            }
            if (what == What.digest)
            {
                final ControlClient.Ack ack = client.awaitAck(client.command(CommandKind.TABLE_DIGEST), channel.timeoutMillis);
                out.println(channel.json ? "{\"digest\":\"" + ack.reason() + "\"}" : "tables digest " + ack.reason());
                out.flush();
                return FlowlaneCli.OK;
            }
            final long asked = System.nanoTime();
            client.command(CommandKind.TELEMETRY_NOW);
            final boolean[] shown = new boolean[1];
            final long deadline = asked + channel.timeoutMillis * 1_000_000L;
            while (!shown[0])
            {
                if (System.nanoTime() > deadline)
                {
                    throw new FlowlaneCli.Unreachable("no telemetry from the appliance within " + channel.timeoutMillis + " ms");
                }
                client.pollAcks(ack -> { });
                client.pollTelemetry(report ->
                {
                    if (report.timestampNanos() >= asked && !shown[0])
                    {
                        print(report, out);
                        shown[0] = true;
                    }
                });
                Thread.onSpinWait();
            }
            out.flush();
            return FlowlaneCli.OK;
        }
    }

    /** Tab-separated rows as an aligned table (with a "rows a-b of n" line), or as JSON objects keyed by the header. */
    private void printListing(final ControlClient.Listing listing, final PrintWriter out)
    {
        final List<String[]> rows = new ArrayList<>();
        for (final String line : listing.lines())
        {
            if (!line.isEmpty())
            {
                rows.add(line.split("\t", -1));
            }
        }
        final String[] header = rows.get(0);
        if (channel.json)
        {
            final StringBuilder json = new StringBuilder("{\"total\":").append(listing.total()).append(",\"first\":")
                .append(listing.offset()).append(",\"rows\":[");
            for (int r = 1; r < rows.size(); r++)
            {
                json.append(r == 1 ? "{" : ",{");
                for (int c = 0; c < header.length; c++)
                {
                    json.append(c == 0 ? "" : ",").append('"').append(Json.escape(header[c])).append("\":\"")
                        .append(Json.escape(c < rows.get(r).length ? rows.get(r)[c] : "")).append('"');
                }
                json.append('}');
            }
            out.println(json.append("]}"));
            return;
        }
        final int[] width = new int[header.length];
        for (final String[] row : rows)
        {
            for (int c = 0; c < Math.min(row.length, width.length); c++)
            {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (final String[] row : rows)
        {
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++)
            {
                line.append(c == row.length - 1 ? row[c] : String.format("%-" + (width[c] + 2) + "s", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
        final long shown = rows.size() - 1;
        out.printf("rows %d-%d of %d%n", shown == 0 ? 0 : listing.offset() + 1, listing.offset() + shown, listing.total());
    }

    private void print(final TelemetryReportDecoder report, final PrintWriter out)
    {
        final boolean json = channel.json;
        final StringBuilder workers = new StringBuilder();
        final StringBuilder ports = new StringBuilder();
        final StringBuilder tunnels = new StringBuilder();
        long rx = 0;
        long tx = 0;
        long drops = 0;
        for (final TelemetryReportDecoder.WorkersDecoder w : report.workers())
        {
            rx += w.rxPackets();
            tx += w.txPackets();
            drops += w.dropPackets();
            // Of the drops, those blamed on the node itself; unknown from an appliance before schema version 2.
            final long nodeDrops = w.nodeDropPackets();
            final boolean known = nodeDrops != TelemetryReportDecoder.WorkersDecoder.nodeDropPacketsNullValue();
            workers.append(json ?
                String.format(Locale.ROOT, "%s{\"worker\":%d,\"rx_packets\":%d,\"tx_packets\":%d,\"drops\":%d,\"node_drops\":%s," +
                    "\"rx_pps\":%.0f,\"busy\":%.3f,\"cycles_per_packet\":%.1f}", workers.isEmpty() ? "" : ",", w.worker(),
                    w.rxPackets(), w.txPackets(), w.dropPackets(), known ? Long.toString(nodeDrops) : "null", w.rxPacketsPerSecond(),
                    w.busyRatio(), w.busyCyclesPerPacket()) :
                String.format(Locale.ROOT, "%6d %14d %14d %10d %10s %12.0f %5.0f%% %10.1f%n", w.worker(), w.rxPackets(), w.txPackets(),
                    w.dropPackets(), known ? Long.toString(nodeDrops) : "-", w.rxPacketsPerSecond(), 100 * w.busyRatio(),
                    w.busyCyclesPerPacket()));
        }
        for (final TelemetryReportDecoder.PortsDecoder p : report.ports())
        {
            ports.append(json ?
                String.format(Locale.ROOT, "%s{\"port\":%d,\"rx_packets\":%d,\"tx_packets\":%d,\"rx_missed\":%d,\"rx_no_mbuf\":%d," +
                    "\"tx_errors\":%d}", ports.isEmpty() ? "" : ",", p.port(), p.rxPackets(), p.txPackets(), p.rxMissed(),
                    p.rxNoMbuf(), p.txErrors()) :
                String.format(Locale.ROOT, "%4d %14d %14d %10d %10d %10d%n", p.port(), p.rxPackets(), p.txPackets(), p.rxMissed(),
                    p.rxNoMbuf(), p.txErrors()));
        }
        for (final TelemetryReportDecoder.TunnelsDecoder t : report.tunnels())
        {
            final long txPackets = t.txPackets();
            final long txBytes = t.txBytes();
            final long rxPackets = t.rxPackets();
            final long rxBytes = t.rxBytes();
            final double transit = t.transitNanos();
            final long id = t.tunnelId();
            final long shaped = t.bandwidthBitsPerSecond();
            final String name = t.name();
            tunnels.append(json ?
                String.format(Locale.ROOT, "%s{\"name\":\"%s\",\"id\":%d,\"tx_packets\":%d,\"tx_bytes\":%d,\"rx_packets\":%d," +
                    "\"rx_bytes\":%d,\"transit_ns\":%.0f,\"shaped_bps\":%d}", tunnels.isEmpty() ? "" : ",", Json.escape(name), id,
                    txPackets, txBytes, rxPackets, rxBytes, transit, shaped) :
                String.format(Locale.ROOT, "%-16s %4d %12d %14d %12d %14d %10.0f %12s%n", name, id, txPackets, txBytes, rxPackets,
                    rxBytes, transit, shaped == 0 ? "-" : shaped / 1_000_000 + "M"));
        }
        switch (what)
        {
            case workers -> out.print(json ? "[" + workers + "]\n" :
                String.format("%6s %14s %14s %10s %10s %12s %6s %10s%n", "worker", "rx-packets", "tx-packets", "drops", "node-drops",
                    "rx-pps", "busy", "cyc/pkt") + workers);
            case ports -> out.print(json ? "[" + ports + "]\n" :
                String.format("%4s %14s %14s %10s %10s %10s%n", "port", "rx-packets", "tx-packets", "rx-missed", "rx-no-mbuf",
                    "tx-errors") + ports);
            case tunnels -> out.print(json ? "[" + tunnels + "]\n" :
                String.format("%-16s %4s %12s %14s %12s %14s %10s %12s%n", "tunnel", "id", "tx-packets", "tx-bytes", "rx-packets",
                    "rx-bytes", "transit-ns", "shaped") + tunnels);
            default ->
            {
                final long inUse = report.mbufsInUse();
                final long total = report.mbufsTotal();
                final long applied = report.updatesApplied();
                final long rejected = report.updatesRejected();
                out.print(json ?
                    String.format(Locale.ROOT, "{\"rx_packets\":%d,\"tx_packets\":%d,\"drops\":%d,\"mbufs_in_use\":%d,\"mbufs\":%d," +
                        "\"updates_applied\":%d,\"updates_rejected\":%d}%n", rx, tx, drops, inUse, total, applied, rejected) :
                    String.format(Locale.ROOT, "rx %d  tx %d  drops %d  mbufs %d/%d in use  control updates %d applied, %d rejected%n",
                        rx, tx, drops, inUse, total, applied, rejected));
            }
        }
    }
}
