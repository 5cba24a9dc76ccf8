package io.flowlane.controlplane.cli;

import static io.flowlane.dataplane.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Every CLI command against a running appliance (real media driver, net_ring ports, journal). */
class CliTest
{
    static final String AERON_DIR = "/dev/shm/flowlane-cli-test-" + ProcessHandle.current().pid();
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 64}
        ports:
          - {name: west, device: net_ring_cli_w_a}
          - {name: east, device: net_ring_cli_e_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: east, port: east, ipv4: [10.1.0.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
        tunnels: []
        classes:
          - {name: bulk, match: {destination: 198.18.60.0/24}, rate-mbps: 50}
        control:
          aeron-dir: %s
          journal: %s
          telemetry-interval-ms: 50
          key-encryption-key-file: %s
        """;
    static final String KEK = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    static Path work;
    static ApplianceHarness harness;

    record Run(int exit, String out, String err)
    {
    }

    @BeforeAll
    static void start() throws IOException
    {
        work = Files.createTempDirectory("flowlane-cli");
        Files.writeString(work.resolve("kek"), KEK + "\n");
        harness = new ApplianceHarness(yaml(work.resolve("journal")), 1, "cli_w", "cli_e");
    }

    static String yaml(final Path journal)
    {
        return YAML.formatted(AERON_DIR, journal, work.resolve("kek"));
    }

    @AfterAll
    static void stop()
    {
        harness.close();
    }

    static Run cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final var cli = FlowlaneCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    static Run remote(final String... args)
    {
        final String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--aeron-dir";
        all[args.length + 1] = AERON_DIR;
        return cli(all);
    }

    @Test
    void validateAcceptsAGoodConfigAndNamesLineAndFieldOfABadOne() throws IOException
    {
        final Path good = work.resolve("good.yaml");
        Files.writeString(good, yaml(work.resolve("j2")));
        final Run ok = cli("validate", good.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("valid (2 port(s), 2 interface(s), 1 worker(s), 0 route(s), 2 extension(s))"), ok.out());

        final Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, yaml(work.resolve("j3")).replace("telemetry-interval-ms: 50",
            "telemetry-interval-ms: 0"));
        final Run refused = cli("validate", bad.toString());
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("bad.yaml:") && refused.err().contains("telemetry-interval-ms"), refused.err());
        assertEquals(2, cli("validate", work.resolve("missing.yaml").toString()).exit());
    }

    @Test
    void routesAndTunnelsChangeWhatTheWorkerDoesAndRefusalsExitWithOne()
    {
        final TestPort west = harness.link("cli_w");
        final TestPort east = harness.link("cli_e");
        final byte[] packet = Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50),
            ip(203, 0, 113, 5), 64, 1000, 80, 18);

        final Run added = remote("route", "add", "203.0.113.0/24", "--via", "10.1.0.2");
        assertEquals(0, added.exit(), added.err());
        assertTrue(added.out().contains("route add 203.0.113.0/24: applied"), added.out());
        west.send(packet);
        assertEquals(1, east.receive(1, 2000).size(), "forwarded by the route the CLI added");

        final Run refused = remote("route", "add", "203.0.113.0/24", "--via", "172.16.0.1");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("refused: via:"), refused.err());
        final Run json = remote("route", "del", "198.51.100.0/24", "--json");
        assertEquals(1, json.exit());
        assertTrue(json.out().startsWith("{\"applied\":false,") && json.out().contains("\"field\":\"prefix\""), json.out());

        assertEquals(0, remote("tunnel", "add", "gre-cli", "--source", "10.1.0.1", "--destination", "10.1.0.2", "--key", "7").exit());
        assertEquals(0, remote("tunnel", "scale", "gre-cli", "--mbps", "100").exit());
        assertEquals(0, remote("route", "add", "192.0.2.0/24", "--tunnel", "gre-cli").exit());
        final Run inUse = remote("tunnel", "del", "gre-cli");
        assertEquals(1, inUse.exit(), "a tunnel a route uses cannot go");
        assertTrue(inUse.err().contains("still the next hop"), inUse.err());

        final Run tunnels = remote("show", "tunnels", "--json");
        assertEquals(0, tunnels.exit(), tunnels.err());
        assertTrue(tunnels.out().contains("\"name\":\"gre-cli\"") && tunnels.out().contains("\"shaped_bps\":100000000"), tunnels.out());

        assertEquals(0, remote("route", "del", "192.0.2.0/24").exit());
        assertEquals(0, remote("tunnel", "del", "gre-cli").exit());
        assertEquals(0, remote("route", "del", "203.0.113.0/24").exit());
        west.send(packet);
        assertTrue(east.receive(1, 300).isEmpty(), "route deleted by the CLI");
    }

    @Test
    void espTunnelAddSendsWrappedKeysAndTheTunnelEncryptsWithItsSpi() throws IOException
    {
        final Path keys = work.resolve("sa-keys");
        Files.writeString(keys, """
            # direction key salt
            outbound 000102030405060708090a0b0c0d0e0f 01020304
            inbound  f0e0d0c0b0a090807060504030201000 0a0b0c0d
            """);
        final Path wrongKek = work.resolve("wrong-kek");
        Files.writeString(wrongKek, KEK.replace('0', 'f'));
        final String[] add = {"tunnel", "add", "esp-cli", "--protocol", "esp", "--source", "10.1.0.1", "--destination", "10.1.0.2",
            "--out-spi", "0x1001", "--in-spi", "0x2001", "--sa-keys", keys.toString(), "--selector", "10.0.0.0/24=192.0.2.0/24"};

        final Run wrong = remote(concat(add, "--kek-file", wrongKek.toString()));
        assertEquals(1, wrong.exit(), "the appliance cannot unwrap keys wrapped under another KEK: " + wrong.out());
        assertTrue(wrong.err().contains("securityAssociations[0].wrappedKey"), wrong.err());
        final Run noKeys = remote("tunnel", "add", "esp-x", "--protocol", "esp", "--source", "10.1.0.1", "--destination", "10.1.0.2",
            "--out-spi", "0x1001", "--in-spi", "0x2001", "--kek-file", work.resolve("kek").toString());
        assertEquals(2, noKeys.exit());
        assertTrue(noKeys.err().contains("--sa-keys: required"), noKeys.err());

        final Run added = remote(concat(add, "--kek-file", work.resolve("kek").toString()));
        assertEquals(0, added.exit(), added.err());
        final Run sa = remote("show", "sa");
        assertTrue(sa.out().contains("esp-cli") && sa.out().contains("0x1001") && sa.out().contains("0x2001"), sa.out());
        assertTrue(!sa.out().contains("000102030405060708090a0b0c0d0e0f"), "no key in the listing");

        assertEquals(0, remote("route", "add", "198.51.100.0/24", "--tunnel", "esp-cli").exit());
        final TestPort west = harness.link("cli_w");
        final TestPort east = harness.link("cli_e");
        west.send(Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50),
            ip(198, 51, 100, 9), 64, 1000, 80, 18));
        final List<byte[]> out = east.receive(1, 2000);
        assertEquals(1, out.size(), "encrypted into the tunnel the CLI added");
        final byte[] frame = out.get(0);
        assertEquals(50, frame[14 + 9], "IP protocol ESP");
        assertEquals(0x1001, java.nio.ByteBuffer.wrap(frame, 14 + 20, 4).getInt(), "the outbound SA's SPI");

        assertEquals(0, remote("route", "del", "198.51.100.0/24").exit());
        assertEquals(0, remote("tunnel", "del", "esp-cli").exit());
    }

    @Test
    void captureWritesAPcapThatTsharkReadsOfWhatThePortSent() throws Exception
    {
        assertEquals(0, remote("route", "add", "198.18.7.0/24", "--via", "10.1.0.2").exit());
        final TestPort west = harness.link("cli_w");
        final TestPort east = harness.link("cli_e");
        final Path pcap = work.resolve("east.pcap");
        final var capture = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> remote("capture", "east", "-w", pcap.toString(), "--direction", "tx", "--count", "5", "--duration", "20s"));
        // Send until the capture has its five frames (it starts after its ack, so the first may pass unseen).
        // Bounded by time, not by count: forwarded frames come back at once, and a count ran out in a
        // tenth of a second, before a capture started slowly on a loaded machine saw any.
        final long sendUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; !capture.isDone() && System.nanoTime() < sendUntil; i++)
        {
            west.send(Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50),
                ip(198, 18, 7, 9), 64, 1000 + i % 1000, 9000, 100));
            east.receive(1, 50);
            Thread.sleep(10);
        }
        final Run done = capture.get(25, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(0, done.exit(), done.err());
        assertTrue(done.out().startsWith("5 frame(s) of east (tx) written to") && done.out().contains("; 0 lost"), done.out());

        final Process tshark = new ProcessBuilder("tshark", "-r", pcap.toString(), "-T", "fields", "-E", "separator=,",
            "-e", "eth.dst", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.ttl", "-e", "udp.dstport", "-e", "frame.len")
            .redirectErrorStream(true).start();
        final List<String> rows = new String(tshark.getInputStream().readAllBytes()).lines().filter(l -> l.contains(",")).toList();
        assertEquals(0, tshark.waitFor());
        assertEquals(5, rows.size(), "tshark decodes five frames: " + rows);
        for (final String row : rows)
        {
            // As sent on east: to the neighbor's MAC, TTL decremented by the appliance.
            assertEquals("02:00:00:00:01:02,10.0.0.50,198.18.7.9,63,9000,142", row);
        }

        final Run noPort = remote("capture", "north", "-w", work.resolve("x.pcap").toString(), "--count", "1");
        assertEquals(1, noPort.exit());
        assertTrue(noPort.err().contains("refused: port: no port named 'north'"), noPort.err());
        final Run badSnap = remote("capture", "east", "-w", work.resolve("x.pcap").toString(), "--snaplen", "20");
        assertEquals(1, badSnap.exit());
        assertTrue(badSnap.err().contains("snapLength: 20 is outside 64..9216"), badSnap.err());
        assertEquals(0, remote("route", "del", "198.18.7.0/24").exit());
    }

    @Test
    void showPredictionsListsWhatAControlPlaneReportedNewestFirst()
    {
        try (var controller = io.flowlane.controlplane.channel.ControlClient.connect(
            io.flowlane.controlplane.channel.ControlClient.Config.ipc(AERON_DIR, null)).awaitConnected(5_000))
        {
            assertTrue(controller.awaitAck(controller.failurePrediction(io.flowlane.controlplane.sbe.EntityKind.WORKER, 0, 0.35f, 5_000,
                "worker 0 busy 97%, rising"), 5_000).applied());
            assertTrue(controller.awaitAck(controller.failurePrediction(io.flowlane.controlplane.sbe.EntityKind.PORT, 1, 0.81f, 2_000,
                "port 1 rx drops rising"), 5_000).applied());
            assertTrue(!controller.awaitAck(controller.failurePrediction(io.flowlane.controlplane.sbe.EntityKind.PORT, 9, 0.5f, 2_000,
                "no such port"), 5_000).applied());
        }
        final Run shown = remote("show", "predictions");
        assertEquals(0, shown.exit(), shown.err());
        final List<String> lines = shown.out().lines().toList();
        assertTrue(lines.get(0).startsWith("time") && lines.get(0).contains("reason"), shown.out());
        assertTrue(lines.get(1).contains("port 1") && lines.get(1).contains("0.81") && lines.get(1).contains("port 1 rx drops rising"),
            "newest first: " + shown.out());
        assertTrue(lines.get(2).contains("worker 0") && lines.get(2).contains("0.35") && lines.get(2).contains("5000"), shown.out());
        assertTrue(!shown.out().contains("no such port"), "refused predictions are not listed");
    }

    @Test
    void controllerAttachesWatchesAndStopsAfterItsDuration()
    {
        final Run run = remote("controller", "--duration", "1s", "--failover", "198.51.100.0/24,gre-x,gre-y,10.1.0.1,10.1.0.3");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("controller attached to " + AERON_DIR + ": threshold 0.70, horizon 5.0 s, 1 protected prefix(es)"),
            run.out());
        assertTrue(run.out().contains("controller stopped: 0 prediction(s) sent; failovers: gre-x WATCHING"), run.out());
        final Run bad = remote("controller", "--duration", "1s", "--failover", "198.51.100.0/24,gre-x");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--failover: '198.51.100.0/24,gre-x' is not PREFIX,PRIMARY,STANDBY,SOURCE,DESTINATION"), bad.err());
    }

    @Test
    void classSetThrottlesAClassAndShowClassesCountsItsPackets()
    {
        final TestPort west = harness.link("cli_w");
        final TestPort east = harness.link("cli_e");
        assertEquals(0, remote("route", "add", "198.18.60.0/24", "--via", "10.1.0.2").exit());
        final byte[] packet = Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50),
            ip(198, 18, 60, 1), 64, 1000, 9000, 1000);
        // Throttled to 0.01 Mbit/s with the smallest burst: a blast of 20 gets about 1.5 KB through.
        final Run set = remote("class", "set", "bulk", "--rate-mbps", "0.01", "--burst-kb", "2");
        assertEquals(0, set.exit(), set.err());
        for (int i = 0; i < 20; i++)
        {
            west.send(packet);
        }
        final int throttled = east.drain(300).size();
        assertTrue(throttled >= 1 && throttled <= 3, throttled + " of 20 passed the throttle");
        assertEquals(0, remote("class", "set", "bulk", "--rate-mbps", "0").exit(), "released");
        for (int i = 0; i < 20; i++)
        {
            west.send(packet);
        }
        assertEquals(20, east.drain(300).size());

        final Run shown = remote("show", "classes", "--json");
        assertEquals(0, shown.exit(), shown.err());
        assertTrue(shown.out().contains("\"class\":\"bulk\"") && shown.out().contains("\"rate-mbps\":\"unlimited\"") &&
            shown.out().contains("\"packets\":\"40\"") && shown.out().contains("\"policed\":\"" + (20 - throttled) + "\""),
            shown.out());
        final Run unknown = remote("class", "set", "video", "--rate-mbps", "5");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("refused: name: no traffic class named 'video'"), unknown.err());
        final Run tinyBurst = remote("class", "set", "bulk", "--rate-mbps", "5", "--burst-kb", "1");
        assertEquals(1, tinyBurst.exit());
        assertTrue(tinyBurst.err().contains("burstBytes: 1024 is outside"), tinyBurst.err());
        assertEquals(0, remote("route", "del", "198.18.60.0/24").exit());
    }

    static String[] concat(final String[] head, final String... tail)
    {
        final String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void showPrintsTablesAndJsonFromAFreshTelemetryReport()
    {
        final Run workers = remote("show", "workers");
        assertEquals(0, workers.exit(), workers.err());
        final List<String> lines = workers.out().lines().toList();
        assertTrue(lines.get(0).contains("worker") && lines.get(0).contains("rx-packets"), workers.out());
        assertEquals(2, lines.size(), "a header and one worker: " + workers.out());
        assertTrue(lines.get(0).contains(" drops node-drops "), workers.out());
        final Run workersJson = remote("show", "workers", "--json");
        assertTrue(workersJson.out().matches("(?s)\\[\\{\"worker\":0,.*\"drops\":\\d+,\"node_drops\":\\d+,.*"), workersJson.out());

        final Run ports = remote("show", "ports", "--json");
        assertTrue(ports.out().startsWith("[{\"port\":0,") && ports.out().contains("{\"port\":1,"), ports.out());
        final Run stats = remote("show", "stats");
        assertTrue(stats.out().contains("control updates"), stats.out());
        final Run digest = remote("show", "digest");
        assertTrue(digest.out().matches("tables digest [0-9a-f]{64}\\s*"), digest.out());

        final Run interfaces = remote("show", "interfaces");
        assertTrue(interfaces.out().contains("west") && interfaces.out().contains("10.0.0.1/24") &&
            interfaces.out().contains("rows 1-2 of 2"), interfaces.out());
        final Run routes = remote("show", "routes");
        assertEquals(0, routes.exit(), routes.err());
        assertTrue(routes.out().contains("10.1.0.0/24") && routes.out().contains("10.1.0.1/32"), "connected and local routes: " +
            routes.out());
        final Run page = remote("show", "routes", "--first", "1", "--max", "2", "--json");
        assertTrue(page.out().startsWith("{\"total\":") && page.out().contains("\"first\":1,") &&
            page.out().split("\"prefix\"").length == 3, "two rows from the second: " + page.out());
        final Run sa = remote("show", "sa");
        assertTrue(sa.out().startsWith("tunnel") && sa.out().contains("rows 0-0 of 0"), "no ESP tunnels here: " + sa.out());
        final Run tooMany = remote("show", "routes", "--max", "20000");
        assertEquals(1, tooMany.exit());
        assertTrue(tooMany.err().contains("maxRows"), tooMany.err());
    }

    @Test
    void historyListsJournalEntriesByTimeAndKind()
    {
        assertEquals(1, remote("route", "del", "100.64.0.0/10").exit()); // a refused command, journalled too
        final Run acks = cli("history", "--journal", work.resolve("journal").toString(), "--since", "10m", "--kind", "ACK");
        assertEquals(0, acks.exit(), acks.err());
        assertTrue(acks.out().contains("REFUSED prefix: no route 100.64.0.0/10"), acks.out());
        final Run none = cli("history", "--journal", work.resolve("journal").toString(), "--since", "10m", "--until",
            "2000-01-01T00:00:00Z");
        assertTrue(none.out().contains("0 entries"), none.out());
        assertEquals(2, cli("history", "--journal", work.resolve("journal").toString(), "--since", "yesterday").exit());
    }

    @Test
    void exitCodesForUsageAndUnreachableAppliance()
    {
        assertEquals(2, cli("route", "add", "10.0.0.1/8", "--via", "10.1.0.2").exit(), "host bits: usage error");
        assertEquals(2, cli("show", "everything").exit());
        final Run unreachable = cli("show", "workers", "--aeron-dir", "/dev/shm/no-such-flowlane");
        assertEquals(3, unreachable.exit());
        assertTrue(unreachable.err().contains("no appliance control channel"), unreachable.err());
        final Run member = cli("mesh-manager", "--member", "3");
        assertEquals(2, member.exit());
        assertTrue(member.err().contains("--member/--hosts/--base-port: member 3 of 3"), member.err());
        final Run heartbeat = cli("mesh-manager", "--member", "0", "--heartbeat-timeout-ms", "100");
        assertEquals(2, heartbeat.exit());
        assertTrue(heartbeat.err().contains("--heartbeat-timeout-ms: 100 is less than three heartbeats"), heartbeat.err());
        final Run mesh = cli("mesh-agent", "../config/mesh/no-such-mesh.yaml");
        assertEquals(2, mesh.exit());
        assertTrue(mesh.err().contains("no-such-mesh.yaml"), mesh.err());
        final Run completion = cli("generate-completion");
        assertEquals(0, completion.exit());
        assertTrue(completion.out().contains("complete -F") && completion.out().contains("tunnel") &&
            completion.out().contains("mesh-manager"), "bash completion script");
    }
}
