package io.flowlane.perf;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.dataplane.ApplianceMain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole-system tests' and the demo's set-up, as in production: the appliance in its own process (memif server
 * ports west and east, the control channel over Aeron IPC), the packet generator in another
 * (memif client, fixed rate, counting what comes back on east), and the test as the controller.
 * Both ends' gateways (10.1.0.2 and 10.1.0.3 on east) are the generator, so everything the
 * appliance forwards east is counted.
 */
public final class MemifRig implements AutoCloseable
{
    static final long PID = ProcessHandle.current().pid();

    public final Path work;
    public final String aeronDir;
    public final String west;
    public final String east;
    public final Path config;
    private Process appliance;
    private Process generator;

    /**
     * @param name  short name for files and DPDK prefixes
     * @param extra YAML appended to the appliance config (routes, tunnels); the control section
     *              is added here, with {@code controlExtra} inside it
     */
    public MemifRig(final String name, final String extra, final String controlExtra) throws IOException
    {
        work = Files.createTempDirectory("flowlane-" + name);
        aeronDir = "/dev/shm/flowlane-" + name + "-" + PID;
        west = work.resolve("west.sock").toString();
        east = work.resolve("east.sock").toString();
        config = work.resolve("appliance.yaml");
        Files.writeString(config, """
            eal:
              vdevs:
                - net_memif0,role=server,id=0,socket=%1$s,socket-abstract=no,rsize=12,mac=02:fe:00:00:00:01
                - net_memif1,role=server,id=0,socket=%2$s,socket-abstract=no,rsize=12,mac=02:fe:00:00:00:02
              no-huge: true
              memory-mb: 512
              file-prefix: flowlane-%3$s-%4$d
              log-level: warning
            mempool: {mbufs: 16383, cache: 128}
            ports:
              - {name: west, device: net_memif0, rx-descriptors: 1024, tx-descriptors: 1024}
              - {name: east, device: net_memif1, rx-descriptors: 1024, tx-descriptors: 1024}
            interfaces:
              - {name: west, port: west, ipv4: [10.0.0.1/24]}
              - {name: east, port: east, ipv4: [10.1.0.1/24]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: west, address: 10.0.0.2, mac: "02:fe:00:00:01:01"}
              - {interface: east, address: 10.1.0.2, mac: "02:fe:00:00:01:02"}
              - {interface: east, address: 10.1.0.3, mac: "02:fe:00:00:01:02"}
            control:
              aeron-dir: %5$s
              journal: %6$s
              telemetry-interval-ms: 100
            %7$s
            %8$s
            """.formatted(west, east, name, PID, aeronDir, work.resolve("journal"), controlExtra.indent(2).stripTrailing(), extra));
    }

    /** Starts (or restarts) the appliance and waits until it forwards. */
    public void startAppliance(final String log) throws IOException, InterruptedException
    {
        // DPDK's memif server leaves its socket files behind when it stops.
        Files.deleteIfExists(Path.of(west));
        Files.deleteIfExists(Path.of(east));
        appliance = ChildProcesses.java(work.resolve(log), ApplianceMain.class.getName(), config.toString());
        ChildProcesses.awaitLine(appliance, work.resolve(log), "flowlane: forwarding on", 300);
    }

    public void stopAppliance() throws InterruptedException
    {
        ChildProcesses.stop(appliance);
    }

    public ControlClient controller(final byte[] keyEncryptionKey)
    {
        return ControlClient.connect(ControlClient.Config.ipc(aeronDir, keyEncryptionKey)).awaitConnected(30_000);
    }

    /** Starts the generator (UDP to 198.18.1.1-200, 1024 flows) and waits until telemetry shows the appliance receiving. */
    public void startGenerator(final ControlClient client, final int ratePps) throws IOException, InterruptedException
    {
        generator = ChildProcesses.java(work.resolve("pktgen.log"), Pktgen.class.getName(),
            "--vdev", "net_memif0,role=client,id=0,socket=" + west + ",socket-abstract=no,rsize=12,mac=02:fe:00:00:01:01",
            "--vdev", "net_memif1,role=client,id=0,socket=" + east + ",socket-abstract=no,rsize=12,mac=02:fe:00:00:01:02",
            "--file-prefix", "flowlane-gen-" + PID, "--memory-mb", "256",
            "--tx-port", "net_memif0", "--rx-port", "net_memif1", "--dst-mac", "02:fe:00:00:00:01",
            "--src-ip", "10.0.0.2", "--dst-ip", "198.18.1.1", "--dst-count", "200", "--flows", "1024",
            "--rate-pps", Integer.toString(ratePps), "--warmup", "0", "--duration", "900", "--quiet",
            "--stop-file", work.resolve("stop").toString());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        final long[] rx = new long[1];
        while (rx[0] == 0)
        {
            if (!generator.isAlive())
            {
                throw new IllegalStateException("generator exited: " + Files.readString(work.resolve("pktgen.log")));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no traffic through the appliance within 60 s; generator log: " +
                    Files.readString(work.resolve("pktgen.log")));
            }
            client.pollTelemetry(report ->
            {
                for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
                {
                    rx[0] += worker.rxPackets();
                }
            });
            Thread.sleep(20);
        }
    }

    /** Stops the generator; returns its JSON result line ({@code tx_packets}, {@code rx_packets}, ...). */
    public String stopGenerator() throws IOException, InterruptedException
    {
        Files.createFile(work.resolve("stop"));
        if (!generator.waitFor(60, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("the generator did not stop within 60 s");
        }
        final List<String> lines = Files.readAllLines(work.resolve("pktgen.log"));
        for (int i = lines.size() - 1; i >= 0; i--)
        {
            if (lines.get(i).startsWith("{"))
            {
                return lines.get(i);
            }
        }
        throw new AssertionError("no JSON result in the generator's log: " + lines);
    }

    public static long field(final String json, final String name)
    {
        final Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
        if (!m.find())
        {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() throws InterruptedException
    {
        if (generator != null)
        {
            generator.destroyForcibly();
        }
        if (appliance != null)
        {
            ChildProcesses.stop(appliance);
        }
    }
}
