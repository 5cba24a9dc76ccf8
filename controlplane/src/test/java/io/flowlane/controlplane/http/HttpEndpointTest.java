package io.flowlane.controlplane.http;

import static io.flowlane.dataplane.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.channel.ControlChannelRuntime;
import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The management endpoint of a running appliance: token, Prometheus metrics, REST views. */
class HttpEndpointTest
{
    static final String TOKEN = "s3cret-token-for-tests";
    static final String AERON_DIR = "/dev/shm/flowlane-http-test-" + ProcessHandle.current().pid();
    static ApplianceHarness harness;
    static int port;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException
    {
        final Path work = Files.createTempDirectory("flowlane-http");
        Files.writeString(work.resolve("token"), TOKEN + "\n");
        harness = new ApplianceHarness("""
            eal: {vdevs: [unused]}
            mempool: {mbufs: 4095, cache: 64}
            ports:
              - {name: west, device: net_ring_http_w_a}
              - {name: east, device: net_ring_http_e_a}
            interfaces:
              - {name: west, port: west, ipv4: [10.0.0.1/24]}
              - {name: east, port: east, ipv4: [10.1.0.1/24]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
            routes:
              - prefix: 198.18.0.0/16
                via: [{address: 10.1.0.2}]
            tunnels:
              - {name: gre-h, protocol: gre, source: 10.1.0.1, destination: 10.1.0.2, key: 9}
            classes:
              - {name: signalling, priority: 7, match: {dscp: [24, 40], protocol: udp, destination-ports: 5060-5061}}
              - {name: bulk, match: {destination: 198.18.9.0/24}, rate-mbps: 10, breaker: {drop-ratio: 0.5}}
            control:
              aeron-dir: %s
              journal: %s
              http-listen: 127.0.0.1:0
              http-token-file: %s
            """.formatted(AERON_DIR, work.resolve("journal"), work.resolve("token")), 1, "http_w", "http_e");
        for (final ExtensionRuntime extension : harness.appliance.extensions())
        {
            if (extension instanceof ControlChannelRuntime runtime)
            {
                port = runtime.http().port();
            }
        }
    }

    @AfterAll
    static void stop()
    {
        harness.close();
    }

    static HttpResponse<String> get(final String path, final String token) throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRequestNeedsTheToken() throws Exception
    {
        assertEquals(401, get("/metrics", null).statusCode());
        assertEquals(401, get("/api/topology", "wrong-token-wrong-token").statusCode());
        assertEquals(200, get("/metrics", TOKEN).statusCode());
    }

    @Test
    void metricsCarryTheWorkersCountersInPrometheusFormat() throws Exception
    {
        harness.link("http_w").send(Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50),
            ip(198, 18, 1, 1), 64, 1000, 80, 18));
        assertEquals(1, harness.link("http_e").receive(1, 2000).size());
        String body = "";
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (!body.contains("flowlane_rx_packets_total{worker=\"0\",port=\"west\"} 1") && System.nanoTime() < deadline)
        {
            body = get("/metrics", TOKEN).body();
            Thread.sleep(20);
        }
        assertTrue(body.contains("# TYPE flowlane_rx_packets_total counter"), body);
        assertTrue(body.contains("flowlane_rx_packets_total{worker=\"0\",port=\"west\"} 1"), body);
        assertTrue(body.contains("flowlane_tx_packets_total{worker=\"0\",port=\"east\"} 1"), body);
        assertTrue(body.contains("flowlane_drops_total{worker=\"0\",reason=\"no-route\",blame=\"path\"} 0"), body);
        assertTrue(body.contains("flowlane_drops_total{worker=\"0\",reason=\"fault-injected\",blame=\"node\"} 0"), body);
        assertTrue(body.contains("flowlane_tunnel_tx_packets_total{worker=\"0\",tunnel=\"gre-h\"} 0"), body);
        assertTrue(body.contains("flowlane_control_update_latency_seconds{quantile=\"0.99\"}"), body);
    }

    @Test
    void restViewsShowTopologyPerformanceAndHistory() throws Exception
    {
        try (ControlClient client = ControlClient.connect(ControlClient.Config.ipc(AERON_DIR, null)).awaitConnected(10_000))
        {
            assertTrue(client.awaitAck(client.routeAdd(4, ip(203, 0, 113, 0) & 0xFFFF_FFFFL, 0, 24,
                List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1))), 5_000).applied());
        }
        final String topology = get("/api/topology", TOKEN).body();
        assertTrue(topology.contains("{\"name\":\"west\",\"port\":") && topology.contains("\"10.1.0.1/24\""), topology);
        assertTrue(topology.contains("\"name\":\"gre-h\",\"protocol\":\"GRE\""), topology);
        assertTrue(topology.contains("\"routes\":6"), "5 installed at start + 1 added: " + topology);

        final String performance = get("/api/performance", TOKEN).body();
        assertTrue(performance.contains("\"worker\":0") && performance.contains("\"applied\":1"), performance);

        final HttpResponse<String> history = get("/api/history?since=10m&kind=ack", TOKEN);
        assertEquals(200, history.statusCode());
        assertTrue(history.body().contains("\"kind\":\"ACK\",\"template\":9"), history.body());
        assertEquals(400, get("/api/history?since=soon", TOKEN).statusCode());

        // Seed 000's prioritisation rules: the classes in match order.
        final String rules = get("/api/rules", TOKEN).body();
        assertTrue(rules.startsWith("{\"classes\":[{\"class\":\"signalling\",\"priority\":\"7\",\"match\":\"dscp 24,40 protocol udp port 5060-5061\""),
            rules);
        assertTrue(rules.contains("{\"class\":\"bulk\",\"priority\":\"0\",\"match\":\"to 198.18.9.0/24\",\"rate_mbps\":\"10.000\"") &&
            rules.contains("\"breaker_state\":\"closed\""), rules);
    }
}
