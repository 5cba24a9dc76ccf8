package io.flowlane.controlplane.http;

import io.flowlane.controlplane.channel.ControlEndpoint;
import io.flowlane.controlplane.channel.UpdateLatency;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.text.Durations;
import io.flowlane.controlplane.text.Json;
import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.port.Interface;
import io.flowlane.dataplane.worker.Worker;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.TunnelsRuntime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The appliance's management endpoint (off unless configured; loopback only; every request needs
 * {@code Authorization: Bearer <token>}): Prometheus {@code /metrics} from the shared counters,
 * and seed 000's REST views: {@code /api/topology} (interfaces, ports, tunnels),
 * {@code /api/performance} (per worker rates and busy ratio, control-channel latency) and
 * {@code /api/history?since=10m&kind=ACK} (the journal). Read-only: changes go through the
 * control channel, which authenticates, validates and journals them.
 *
 * <p>Runs on its own small thread pool, off the packet path and off the control thread; what only
 * the control thread may read (tunnels) is read there through {@link Appliance#submit}.
 */
public final class HttpEndpoint implements AutoCloseable
{
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor;
    private final byte[] token;
    private final Appliance appliance;
    private final TunnelsRuntime tunnels;
    private final ControlEndpoint control;
    private final UpdateLatency latency;
    private final Path journal;

    public HttpEndpoint(final InetSocketAddress listen, final byte[] token, final Appliance appliance, final TunnelsRuntime tunnels,
        final ControlEndpoint control, final UpdateLatency latency, final Path journal) throws IOException
    {
        if (!listen.getAddress().isLoopbackAddress())
        {
            throw new IllegalArgumentException("http-listen: " + listen + " is not a loopback address (the endpoint is local only)");
        }
        this.token = token;
        this.appliance = appliance;
        this.tunnels = tunnels;
        this.control = control;
        this.latency = latency;
        this.journal = journal;
        executor = Executors.newFixedThreadPool(2, runnable ->
        {
            final Thread thread = new Thread(runnable, "flowlane-http");
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(listen, 16);
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> serve(exchange, "text/plain; version=0.0.4", this::metrics));
        server.createContext("/api/topology", exchange -> serve(exchange, "application/json", this::topology));
        server.createContext("/api/rules", exchange -> serve(exchange, "application/json", this::rules));
        server.createContext("/api/performance", exchange -> serve(exchange, "application/json", this::performance));
        server.createContext("/api/history", exchange -> serve(exchange, "application/x-ndjson", () -> history(exchange)));
        server.start();
    }

    /** The port it listens on (for a configured port 0). */
    public int port()
    {
        return server.getAddress().getPort();
    }

    @FunctionalInterface
    private interface Body
    {
        String get() throws IOException;
    }

    private void serve(final HttpExchange exchange, final String type, final Body body) throws IOException
    {
        try (exchange)
        {
            final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            final byte[] given = authorization == null || !authorization.startsWith("Bearer ") ? new byte[0] :
                authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, token))
            {
                reply(exchange, 401, "text/plain", "a bearer token is required (control.http-token-file)\n");
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                reply(exchange, 405, "text/plain", "read-only: change the appliance over its control channel\n");
                return;
            }
            try
            {
                reply(exchange, 200, type, body.get());
            }
            catch (final IllegalArgumentException ex)
            {
                reply(exchange, 400, "text/plain", ex.getMessage() + "\n");
            }
        }
    }

    private static void reply(final HttpExchange exchange, final int status, final String type, final String body) throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    private String metrics()
    {
        final Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("flowlane_control_updates_applied_total", (double)control.applied());
        extra.put("flowlane_control_updates_rejected_total", (double)control.rejected());
        extra.put("flowlane_mbufs_in_use", (double)appliance.pool().inUse());
        extra.put("flowlane_mbufs", (double)appliance.pool().size());
        for (final double percentile : UpdateLatency.PERCENTILES)
        {
            extra.put(String.format(Locale.ROOT, "flowlane_control_update_latency_seconds{quantile=\"%s\"}", percentile / 100),
                latency.count() == 0 ? 0.0 : latency.valueAtPercentile(percentile) / 1e9);
        }
        return PrometheusMetrics.render(appliance.counterFile().manager(), extra);
    }

    private String topology()
    {
        final StringBuilder json = new StringBuilder("{\"interfaces\":[");
        final List<Interface> interfaces = appliance.tables().interfaces().all();
        for (int i = 0; i < interfaces.size(); i++)
        {
            final Interface itf = interfaces.get(i);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                "{\"name\":\"%s\",\"port\":%d,\"vlan\":%d,\"mac\":\"%s\",\"mtu\":%d,\"ipv4\":[", Json.escape(itf.name()), itf.port(), itf.vlan(),
                EthernetHeader.macToString(itf.mac()), itf.mtu()));
            for (int a = 0; a < itf.ipv4().length; a++)
            {
                json.append(a == 0 ? "" : ",").append('"').append(Ipv4Header.toString(itf.ipv4()[a])).append('/')
                    .append(itf.ipv4Prefix()[a]).append('"');
            }
            json.append("]}");
        }
        final int routes = appliance.<Integer>apply(forwarding -> forwarding.routeCount());
        json.append("],\"workers\":").append(appliance.workers().size()).append(",\"routes\":").append(routes)
            .append(",\"tunnels\":[");
        final List<Tunnel> all = tunnels == null ? List.of() : appliance.apply(forwarding -> tunnels.table().all());
        for (int t = 0; t < all.size(); t++)
        {
            final Tunnel tunnel = all.get(t);
            json.append(t == 0 ? "" : ",").append(String.format(Locale.ROOT,
                "{\"name\":\"%s\",\"protocol\":\"%s\",\"endpoints\":\"%s\",\"mtu\":%d,\"bandwidth_bps\":%d}", Json.escape(tunnel.name()),
                tunnel.protocol(), tunnel.endpoints(), tunnel.mtu(), tunnel.bandwidth()));
        }
        return json.append("]}\n").toString();
    }

    /** Seed 000's prioritisation rules: the traffic classes in match order, with their limits and counters. */
    private String rules()
    {
        final StringBuilder json = new StringBuilder("{\"classes\":[");
        final List<String[]> rows = io.flowlane.controlplane.channel.ClassTable.rows(appliance.trafficClasses(),
            appliance.circuitBreakers());
        for (int r = 0; r < rows.size(); r++)
        {
            json.append(r == 0 ? "{" : ",{");
            for (int c = 0; c < io.flowlane.controlplane.channel.ClassTable.HEADER.length; c++)
            {
                json.append(c == 0 ? "" : ",").append('"').append(io.flowlane.controlplane.channel.ClassTable.HEADER[c].replace('-', '_'))
                    .append("\":\"").append(Json.escape(rows.get(r)[c])).append('"');
            }
            json.append('}');
        }
        return json.append("]}\n").toString();
    }

    private String performance()
    {
        final StringBuilder json = new StringBuilder("{\"workers\":[");
        final List<Worker> workers = appliance.workers();
        for (int w = 0; w < workers.size(); w++)
        {
            final WorkerStats stats = workers.get(w).stats();
            json.append(w == 0 ? "" : ",").append(String.format(Locale.ROOT,
                "{\"worker\":%d,\"rx_packets\":%d,\"tx_packets\":%d,\"drops\":%d,\"busy_ratio\":%.3f}", w, stats.totalRx(),
                stats.totalTx(), stats.totalDrops(), stats.totalCycles == 0 ? 0.0 : (double)stats.busyCycles / stats.totalCycles));
        }
        json.append("],\"control\":{\"applied\":").append(control.applied()).append(",\"rejected\":").append(control.rejected())
            .append(",\"update_latency_us\":{");
        for (int p = 0; p < UpdateLatency.PERCENTILES.length; p++)
        {
            final double percentile = UpdateLatency.PERCENTILES[p];
            json.append(p == 0 ? "" : ",").append(String.format(Locale.ROOT, "\"p%s\":%.1f", percentile,
                latency.count() == 0 ? 0.0 : latency.valueAtPercentile(percentile) / 1e3));
        }
        return json.append("}}}\n").toString();
    }

    private String history(final HttpExchange exchange)
    {
        if (journal == null)
        {
            throw new IllegalArgumentException("this appliance keeps no journal (control.journal)");
        }
        final Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        final Duration since;
        try
        {
            since = Durations.parse(query.getOrDefault("since", "10m"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("since: " + ex.getMessage());
        }
        final String kind = query.get("kind");
        final Instant from = Instant.now().minus(since);
        final StringBuilder lines = new StringBuilder();
        try (Journal source = Journal.openReadOnly(journal))
        {
            source.history(from.getEpochSecond() * 1_000_000_000L + from.getNano(), Long.MAX_VALUE, (k, time, buffer, offset, length) ->
            {
                if (kind == null || k.name().equalsIgnoreCase(kind))
                {
                    final int template = k == Journal.Kind.DECISION || length < 4 ? 0 : buffer.getShort(offset + 2) & 0xFFFF;
                    lines.append(String.format(Locale.ROOT, "{\"time\":\"%s\",\"kind\":\"%s\",\"template\":%d,\"bytes\":%d}%n",
                        Instant.ofEpochSecond(0, time), k, template, length));
                }
            });
        }
        return lines.toString();
    }

    private static Map<String, String> query(final String raw)
    {
        final Map<String, String> map = new LinkedHashMap<>();
        if (raw != null)
        {
            for (final String pair : raw.split("&"))
            {
                final int eq = pair.indexOf('=');
                if (eq > 0)
                {
                    map.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return map;
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
