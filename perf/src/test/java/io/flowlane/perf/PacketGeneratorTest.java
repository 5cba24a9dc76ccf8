package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.ApplianceMain;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packet generator against a running appliance, each in its own process as in production
 * (memif: generator west → appliance → east → generator): what the generator's sink receives
 * shows that its traffic is what it claims to be. IMIX arrives in its 7:4:1 proportions; IPv6
 * is forwarded; GRE and ESP frames (the ESP ones encrypted by the generator with the appliance's
 * inbound SA) are decapsulated and arrive as the plain frames of the sizes asked for; latency
 * stamps survive all of that; and the RFC 2544 search finds the rate of a tunnel the appliance
 * shapes, a limit computed from its configuration.
 */
class PacketGeneratorTest
{
    static final long PID = ProcessHandle.current().pid();
    /** The shaped tunnel: 2 Mbit/s of inner IP bytes, the shaper's burst 9216 bytes (its minimum; TokenBuckets). */
    static final int SHAPED_MBPS = 2;
    static final int SHAPER_BURST_BYTES = 9216;

    static Path work;
    static Process appliance;
    static String west;
    static String east;

    @BeforeAll
    static void startAppliance() throws Exception
    {
        work = Files.createTempDirectory("flowlane-pktgen-test");
        west = work.resolve("west.sock").toString();
        east = work.resolve("east.sock").toString();
        final Path config = work.resolve("appliance.yaml");
        Files.writeString(config, """
            eal:
              vdevs:
                - net_memif0,role=server,id=0,socket=%1$s,socket-abstract=no,rsize=12,mac=02:fe:00:00:00:01
                - net_memif1,role=server,id=0,socket=%2$s,socket-abstract=no,rsize=12,mac=02:fe:00:00:00:02
              no-huge: true
              memory-mb: 512
              file-prefix: flowlane-pgt-%3$d
              log-level: warning
            mempool: {mbufs: 16383, cache: 128}
            ports:
              - {name: west, device: net_memif0, rx-descriptors: 1024, tx-descriptors: 1024}
              - {name: east, device: net_memif1, rx-descriptors: 1024, tx-descriptors: 1024}
            interfaces:
              - {name: west, port: west, ipv4: [10.0.0.1/24], ipv6: ["2001:db8::1/64"]}
              - {name: east, port: east, ipv4: [10.1.0.1/24], ipv6: ["2001:db8:1::1/64"]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: west, address: 10.0.0.2, mac: "02:fe:00:00:01:01"}
              - {interface: east, address: 10.1.0.2, mac: "02:fe:00:00:01:02"}
              - {interface: east, address: 10.1.0.3, mac: "02:fe:00:00:01:02"}
              - {interface: east, address: "2001:db8:1::2", mac: "02:fe:00:00:01:02"}
            tunnels:
              # Decapsulation: the generator (10.0.0.2) is the far end of both.
              - {name: gre-in, protocol: gre, source: 10.0.0.1, destination: 10.0.0.2, key: 7}
              - name: esp-in
                protocol: esp
                source: 10.0.0.1
                destination: 10.0.0.2
                outbound-sa: {spi: 0x1001, key: 00112233445566778899aabbccddeeff, salt: "01020304"}
                inbound-sa: {spi: 0x2001, key: ffeeddccbbaa99887766554433221100, salt: 0a0b0c0d, esn: true}
                selectors:
                  - {local: 198.18.1.0/24, remote: 10.0.0.0/24}
              # The search's device with a known capacity: traffic to 198.18.2.0/24 leaves through a shaped GRE tunnel.
              - {name: shaped, protocol: gre, source: 10.1.0.1, destination: 10.1.0.3, bandwidth-mbps: %4$d}
            routes:
              - {prefix: 198.18.1.0/24, via: [{address: 10.1.0.2}]}
              - {prefix: 198.18.2.0/24, via: [{tunnel: shaped}]}
              - {prefix: "2001:db8:99::/48", via: [{address: "2001:db8:1::2"}]}
            """.formatted(west, east, PID, SHAPED_MBPS));
        Files.deleteIfExists(Path.of(west));
        Files.deleteIfExists(Path.of(east));
        appliance = ChildProcesses.java(work.resolve("appliance.log"), ApplianceMain.class.getName(), config.toString());
        ChildProcesses.awaitLine(appliance, work.resolve("appliance.log"), "flowlane: forwarding on", 120);
    }

    @AfterAll
    static void stopAppliance() throws Exception
    {
        if (appliance != null)
        {
            ChildProcesses.stop(appliance);
        }
        Files.deleteIfExists(Path.of(west));
        Files.deleteIfExists(Path.of(east));
    }

    /** Runs the generator (west out, east in) to completion; returns its JSON line. */
    static String generate(final String name, final String... args) throws IOException, InterruptedException
    {
        final List<String> all = new ArrayList<>(List.of(
            "--vdev", "net_memif0,role=client,id=0,socket=" + west + ",socket-abstract=no,rsize=12,mac=02:fe:00:00:01:01",
            "--vdev", "net_memif1,role=client,id=0,socket=" + east + ",socket-abstract=no,rsize=12,mac=02:fe:00:00:01:02",
            "--file-prefix", "flowlane-pgt-gen-" + PID, "--memory-mb", "256",
            "--tx-port", "net_memif0", "--rx-port", "net_memif1", "--dst-mac", "02:fe:00:00:00:01", "--quiet"));
        all.addAll(List.of(args));
        final Path log = work.resolve(name + ".log");
        final Process generator = ChildProcesses.java(log, Pktgen.class.getName(), all.toArray(String[]::new));
        if (!generator.waitFor(120, TimeUnit.SECONDS))
        {
            generator.destroyForcibly();
            throw new AssertionError("the generator did not finish within 120 s: " + Files.readString(log));
        }
        final String output = Files.readString(log);
        System.out.println(name + ":\n" + output.lines().filter(l -> !l.startsWith("WARNING") && !l.startsWith("TELEMETRY"))
            .map(l -> "  " + (l.length() > 600 ? l.substring(0, 600) + " ..." : l)).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, generator.exitValue(), output);
        final List<String> json = output.lines().filter(l -> l.startsWith("{")).toList();
        assertEquals(1, json.size(), "one JSON line: " + output);
        return json.get(0);
    }

    static long number(final String json, final String name)
    {
        final Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), "no " + name + " in " + json);
        return Math.round(Double.parseDouble(m.group(1)));
    }

    static double decimal(final String json, final String name)
    {
        final Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), "no " + name + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    /** The flat object after {@code "name":}, e.g. rx_sizes or latency_us. */
    static Map<String, Double> object(final String json, final String name)
    {
        final Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\\{([^{}]*)}").matcher(json);
        assertTrue(m.find(), "no object " + name + " in " + json);
        final Map<String, Double> values = new LinkedHashMap<>();
        for (final String member : m.group(1).split(","))
        {
            final String[] kv = member.split(":");
            values.put(kv[0].replace("\"", ""), Double.parseDouble(kv[1]));
        }
        return values;
    }

    /** Frames came back exactly in the mix's proportions, of exactly its sizes, all of one family, all of them. */
    static void assertArrivedAsSent(final String json, final Map<String, Integer> weights, final String family)
    {
        final long tx = number(json, "tx_packets");
        final long rx = number(json, "rx_packets");
        assertTrue(tx > 5_000, "the generator sent: " + json);
        assertEquals(tx, rx, "every frame came back (" + json + ")");
        assertEquals(rx, number(json, family), "all " + family + ": " + json);
        final Map<String, Double> sizes = object(json, "rx_sizes");
        assertEquals(weights.keySet(), sizes.keySet(), "received sizes (the plain frames'): " + sizes);
        final int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        for (final Map.Entry<String, Integer> size : weights.entrySet())
        {
            // The send order repeats every 12 frames, so any count is within one cycle of exact.
            final double expected = rx * size.getValue() / (double)total;
            assertEquals(expected, sizes.get(size.getKey()), size.getValue() + 1.0, size.getKey() + "-byte frames of " + rx + ": " + sizes);
        }
    }

    static void assertLatencyMeasured(final String json, final long minimumSamples)
    {
        final Map<String, Double> latency = object(json, "latency_us");
        assertTrue(latency.get("samples") >= minimumSamples, "latency samples: " + latency);
        assertTrue(latency.get("min") > 0, "positive: " + latency);
        assertTrue(latency.get("p50") <= latency.get("p90") && latency.get("p90") <= latency.get("p99") &&
            latency.get("p99") <= latency.get("p99_9") && latency.get("p99_9") <= latency.get("max"), "ordered: " + latency);
        // The histogram records anything beyond 10 s as 10 s; a round trip over memif is far shorter.
        assertTrue(latency.get("max") < 10_000_000, "finite: " + latency);
    }

    static final Map<String, Integer> IMIX = Map.of("64", 7, "594", 4, "1518", 1);
    static final String[] RUN = {"--rate-pps", "20000", "--warmup", "0", "--duration", "1", "--drain-ms", "500", "--latency-every", "20"};

    static String[] run(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(RUN));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void imixArrivesInItsProportionsWithRoundTripLatency() throws Exception
    {
        final String json = generate("imix", run("--imix", "--src-count", "4"));
        assertArrivedAsSent(json, IMIX, "rx_ipv4");
        assertEquals(362, number(json, "size"), "mean of the simple IMIX, rounded");
        assertLatencyMeasured(json, number(json, "rx_packets") / 20 - 1);
    }

    @Test
    void ipv6IsForwarded() throws Exception
    {
        final String json = generate("ipv6", run("--ipv6", "--size", "82:7,594:4,1518:1", "--dst-count", "50"));
        assertArrivedAsSent(json, Map.of("82", 7, "594", 4, "1518", 1), "rx_ipv6");
        assertLatencyMeasured(json, number(json, "rx_packets") / 20 - 1);
    }

    @Test
    void greFramesAreDecapsulatedToThePlainFramesAskedFor() throws Exception
    {
        final String json = generate("gre", run("--imix", "--encap", "gre", "--gre-key", "7", "--tunnel-src", "10.0.0.2",
            "--tunnel-dst", "10.0.0.1"));
        assertArrivedAsSent(json, IMIX, "rx_ipv4");
        assertLatencyMeasured(json, number(json, "rx_packets") / 20 - 1);
    }

    @Test
    void espFramesAreDecryptedByTheAppliance() throws Exception
    {
        // The appliance authenticates (ICV), checks the replay window and the selectors before it
        // forwards anything, so every frame arriving as plain IPv4 of the inner size was decrypted.
        final String json = generate("esp", run("--imix", "--encap", "esp", "--esp-spi", "0x2001",
            "--esp-key", "ffeeddccbbaa99887766554433221100", "--esp-salt", "0a0b0c0d", "--esp-esn"));
        assertArrivedAsSent(json, IMIX, "rx_ipv4");
        assertLatencyMeasured(json, number(json, "rx_packets") / 20 - 1);
    }

    @Test
    void searchFindsTheRateOfAShapedTunnel() throws Exception
    {
        // 64-byte frames carry 46-byte IP packets, which is what the shaper counts: the limit is
        // 2 Mbit/s / 368 bit = 5435 pps. A trial of T seconds may also use the bucket that is full
        // when it starts (9216 bytes = 200 packets), so rates up to limit + 200 / T pass.
        final double limit = SHAPED_MBPS * 1e6 / 8 / 46;
        final int trialSeconds = 1;
        final double upper = limit + SHAPER_BURST_BYTES / 46.0 / trialSeconds;
        final String json = generate("search", "--dst-ip", "198.18.2.1", "--search", "--rate-pps", "10000", "--resolution", "0.01",
            "--warmup", "1", "--duration", Integer.toString(trialSeconds), "--latency-every", "10");
        final long found = number(json, "throughput_pps");
        assertTrue(json.contains("\"converged\":true"), json);
        assertTrue(found >= 0.9 * limit && found <= upper,
            "found " + found + " pps; the shaper passes " + Math.round(limit) + " to " + Math.round(upper) + " pps");
        final String result = json.substring(json.indexOf("\"result\":"), json.indexOf(",\"trials\":"));
        assertEquals(0, number(result, "lost_packets"), result);
        assertEquals(found, number(result, "rate_pps"));
        assertEquals(found, decimal(result, "offered_pps"), found * 0.01, "the passing trial offered its rate: " + result);
        assertLatencyMeasured(result, 1);
        // Above the limit the device really lost frames: the search's upper bound is a failed trial.
        final Matcher failed = Pattern.compile("\"passed\":false,\"accurate\":true,[^\\[]*?\"rate_pps\":(\\d+)").matcher(json);
        assertTrue(failed.find(), "a failed trial: " + json);
        assertTrue(Long.parseLong(failed.group(1)) > found);
    }
}
