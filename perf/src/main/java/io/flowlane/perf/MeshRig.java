package io.flowlane.perf;

import io.aeron.driver.MediaDriver;
import io.flowlane.controlplane.mesh.MeshClient;
import io.flowlane.controlplane.mesh.MeshClusterConfig;
import io.flowlane.controlplane.meshagent.MeshAgent;
import io.flowlane.controlplane.meshagent.MeshLayout;
import io.flowlane.controlplane.meshagent.MeshManagerLink;
import io.flowlane.dataplane.ApplianceMain;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example mesh (config/mesh/) brought up as it would run in service, on one host: every
 * appliance its own process (own DPDK file prefix, --no-huge, memif links, control channel over
 * Aeron UDP with its own HMAC key), the mesh manager as a three-member Aeron Cluster (three
 * more processes, {@code flowlane mesh-manager}, talking UDP over loopback, so that a member can be
 * killed as a host would die), a mesh agent per appliance (in this process) connected to both, and the packet
 * generator as one more process that sends into the ingress and counts what the egress delivers.
 *
 * <p>The configs are the files in config/mesh, copied with what must differ per run rewritten:
 * socket and key paths into this rig's directory, DPDK file prefixes, Aeron directories and
 * control ports made unique (so a run never meets another run's leftovers or a demo). Everything
 * is removed by {@link #close()}, a killed appliance's leftovers too: memif sockets, DPDK runtime
 * directories, counter files, Aeron directories, journals, the cluster's directories.
 */
public final class MeshRig implements AutoCloseable
{
    static final long PID = ProcessHandle.current().pid();
    static final List<String> CLUSTER_HOSTS = List.of("localhost", "localhost", "localhost");

    public final Path work;
    public final MeshLayout layout;
    private final Map<String, Process> appliances = new LinkedHashMap<>();
    private final List<String> filePrefixes = new ArrayList<>();
    private final List<String> aeronDirs = new ArrayList<>();
    private final Process[] members = new Process[CLUSTER_HOSTS.size()];
    private int clusterBasePort;
    private MediaDriver agentDriver;
    private MeshAgents agents;
    private Process generator;
    private int runsStarted;

    /** Copies and rewrites config/mesh into a fresh directory; starts nothing. */
    public MeshRig(final Path examples) throws IOException
    {
        work = Files.createTempDirectory("flowlane-mesh-");
        final Map<String, String> ports = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(examples))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList())
            {
                String text = Files.readString(file).replace("/run/flowlane/", work + "/");
                text = replaceAll(text, "file-prefix: (\\S+)", m ->
                {
                    filePrefixes.add(m.group(1) + "-" + PID);
                    return "file-prefix: " + m.group(1) + "-" + PID;
                });
                text = replaceAll(text, "aeron-dir: (\\S+)", m ->
                {
                    aeronDirs.add(m.group(1) + "-" + PID);
                    return "aeron-dir: " + m.group(1) + "-" + PID;
                });
                text = replaceAll(text, "journal: /tmp/(\\S+)", m -> "journal: " + work.resolve(m.group(1)));
                text = replaceAll(text, "127\\.0\\.0\\.1:(\\d+)", m -> "127.0.0.1:" + ports.computeIfAbsent(m.group(1), p -> freeUdpPort()));
                Files.writeString(work.resolve(file.getFileName()), text);
            }
        }
        final SecureRandom random = new SecureRandom();
        try (Stream<Path> files = Files.list(work))
        {
            for (final Path config : files.filter(f -> f.toString().endsWith(".yaml")).toList())
            {
                final Matcher key = Pattern.compile("hmac-key-file: (\\S+)").matcher(Files.readString(config));
                if (key.find())
                {
                    final byte[] bytes = new byte[32];
                    random.nextBytes(bytes);
                    Files.writeString(Path.of(key.group(1)), HexFormat.of().formatHex(bytes) + "\n");
                }
            }
        }
        layout = MeshLayout.load(work.resolve("mesh.yaml"));
    }

    /**
     * Starts every appliance and waits until each forwards. A memif client whose server's socket is
     * not there yet never connects (DPDK 22.11's net_memif does not retry), so the appliances start
     * in waves: those serving every link they are clients of first (a), then their clients (b, c),
     * then theirs (d); the nodes of a wave start together.
     */
    public void startAppliances() throws IOException, InterruptedException
    {
        final List<MeshLayout.Node> waiting = new ArrayList<>(layout.nodes());
        final java.util.Set<String> served = new java.util.HashSet<>();
        while (!waiting.isEmpty())
        {
            final List<MeshLayout.Node> wave = waiting.stream().filter(n -> served.containsAll(memifSockets(n, "client"))).toList();
            if (wave.isEmpty())
            {
                throw new IllegalStateException("memif links in a circle (every node waits for another's server): " +
                    waiting.stream().map(MeshLayout.Node::name).toList());
            }
            for (final MeshLayout.Node node : wave)
            {
                appliances.put(node.name(), ChildProcesses.java(log(node.name()), ApplianceMain.class.getName(),
                    node.configFile().toString()));
            }
            for (final MeshLayout.Node node : wave)
            {
                ChildProcesses.awaitLine(appliances.get(node.name()), log(node.name()), "flowlane: forwarding on", 300);
                served.addAll(memifSockets(node, "server"));
            }
            waiting.removeAll(wave);
        }
    }

    /** The sockets of the node's memif devices in {@code role}, those no appliance serves (the generator's) counted as served. */
    private java.util.Set<String> memifSockets(final MeshLayout.Node node, final String role)
    {
        final java.util.Set<String> sockets = new java.util.HashSet<>();
        for (final String vdev : node.config().eal().vdevs())
        {
            final Matcher socket = Pattern.compile("socket=([^,]+)").matcher(vdev);
            if (vdev.startsWith("net_memif") && vdev.contains("role=" + role) && socket.find() &&
                (role.equals("server") || servedByAnAppliance(socket.group(1))))
            {
                sockets.add(socket.group(1));
            }
        }
        return sockets;
    }

    private boolean servedByAnAppliance(final String socket)
    {
        return layout.nodes().stream().flatMap(n -> n.config().eal().vdevs().stream())
            .anyMatch(vdev -> vdev.contains("role=server") && vdev.contains("socket=" + socket + ","));
    }

    /**
     * Starts the mesh manager's three members, waits for a leader, then one mesh agent per node, each
     * with its own session to the manager and its own node's control channel (as in service, where
     * each runs beside its appliance; here in this process, on one media driver). Only the first
     * agent's table lines are logged: the others receive the same tables.
     */
    public MeshAgents startManagerAndAgents(final Consumer<String> agentLog) throws IOException
    {
        clusterBasePort = MeshClusterConfig.freeLoopbackBasePort(CLUSTER_HOSTS.size());
        for (int m = 0; m < members.length; m++)
        {
            startMember(m, true);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (leader() < 0)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the mesh manager's cluster elected no leader in 60 s");
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster elected a leader", ex);
            }
        }
        // One media driver for the agent's two sides: the manager's cluster client and the nodes' control channels.
        agentDriver = MeshAgent.launchDriver(agentAeronDir());
        final Map<Integer, MeshAgent> byNode = new LinkedHashMap<>();
        try
        {
            for (final MeshLayout.Node node : layout.nodes())
            {
                final boolean first = byNode.isEmpty();
                final Consumer<String> log = line ->
                {
                    if (first || !line.startsWith("mesh table v"))
                    {
                        agentLog.accept(line);
                    }
                };
                final MeshClient client = MeshClient.connect(clusterConfig(0).ingressEndpoints(), agentAeronDir(), 30_000);
                byNode.put(node.id(), MeshAgent.start(layout, MeshManagerLink.cluster(client), agentAeronDir(), false, 60_000, log,
                    List.of(node.name())));
            }
        }
        catch (final RuntimeException ex)
        {
            byNode.values().forEach(CloseHelper::quietClose);
            throw ex;
        }
        agents = new MeshAgents(byNode);
        return agents;
    }

    private static String agentAeronDir()
    {
        return "/dev/shm/flowlane-mesh-agent-" + PID;
    }

    /** Starts member {@code m} of the mesh manager as a process ({@code flowlane mesh-manager}); clean: a new cluster. */
    public void startMember(final int m, final boolean clean) throws IOException
    {
        final MeshClusterConfig config = clusterConfig(m);
        final List<String> args = new ArrayList<>(List.of("mesh-manager", "--member", Integer.toString(m), "--hosts",
            String.join(",", CLUSTER_HOSTS), "--base-port", Integer.toString(clusterBasePort), "--dir",
            work.resolve("cluster").toString(), "--aeron-dir", config.aeronDirectory(), "--heartbeat-timeout-ms",
            Long.toString(config.leaderHeartbeatTimeoutMillis())));
        if (clean)
        {
            args.add("--clean");
        }
        members[m] = ChildProcesses.java(memberLog(m), FlowlaneMain.class.getName(), args.toArray(String[]::new));
    }

    public Path memberLog(final int m)
    {
        return work.resolve("mesh-manager-" + m + ".log");
    }

    /**
     * The member that leads now by its own latest word (the role it printed last), or -1. A killed
     * leader's log still says LEADER, so only live members count.
     */
    public int leader()
    {
        for (int m = 0; m < members.length; m++)
        {
            if (members[m] != null && members[m].isAlive() && "LEADER".equals(role(m)))
            {
                return m;
            }
        }
        return -1;
    }

    /** The role member {@code m} printed last (LEADER, FOLLOWER, CANDIDATE), or null. */
    public String role(final int m)
    {
        final String said = "mesh manager member " + m + " is ";
        try
        {
            final String log = Files.readString(memberLog(m));
            final int at = log.lastIndexOf(said);
            if (at < 0)
            {
                return null;
            }
            final int end = log.indexOf('\n', at);
            return log.substring(at + said.length(), end < 0 ? log.length() : end).trim();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** kill -9 of a mesh manager member, as if its host died; returns when it is gone. */
    public long killMember(final int m) throws InterruptedException
    {
        final long signalled = System.nanoTime();
        members[m].destroyForcibly();
        if (!members[m].waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("mesh manager member " + m + " did not die of SIGKILL in 30 s");
        }
        return signalled;
    }

    public boolean memberAlive(final int m)
    {
        return members[m] != null && members[m].isAlive();
    }

    public MeshAgents agents()
    {
        return agents;
    }

    /**
     * kill -9: no shutdown hook runs, DPDK and Aeron leave everything behind ({@link #close()} removes
     * it). Returns when the signal was sent (System.nanoTime()); the process may take a while to be
     * gone (its memory is unmapped), and this waits for that.
     */
    public long kill(final String node) throws InterruptedException
    {
        final Process process = appliances.get(node);
        final long signalled = System.nanoTime();
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new IllegalStateException("appliance " + node + " did not die of SIGKILL in 30 s");
        }
        return signalled;
    }

    public boolean alive(final String node)
    {
        return appliances.get(node).isAlive();
    }

    /** The processes this rig started that still run (none after {@link #close()}). */
    public List<ProcessHandle> running()
    {
        final List<Process> started = new ArrayList<>(appliances.values());
        if (generator != null)
        {
            started.add(generator);
        }
        for (final Process member : members)
        {
            if (member != null)
            {
                started.add(member);
            }
        }
        return started.stream().filter(Process::isAlive).map(Process::toHandle).toList();
    }

    /**
     * Starts the generator process and waits until its links are up: UDP to 198.18.1.1-200 (1024
     * flows) into the ingress's west port at a fixed rate, counting what the egress's east port
     * delivers, one run per {@link #startTraffic()} ({@code Pktgen --go-file}). It is started once
     * and kept between runs: starting a JVM and DPDK takes seconds of both cores here, and the
     * appliances' telemetry runs late meanwhile, so that happens before the mesh is measured.
     */
    public void startGenerator(final int ratePps) throws IOException, InterruptedException
    {
        final String prefix = "flowlane-mesh-gen-" + PID;
        filePrefixes.add(prefix);
        // The generator parks when nothing is due rather than spin: on a host with fewer cores than
        // processes a spinning poll loop takes the time the appliances' control threads need to
        // report on time (and 20 kpps needs a few per cent of a core).
        generator = ChildProcesses.java(generatorLog(), Pktgen.class.getName(), "--idle-park-us", "20",
            "--vdev", "net_memif0,role=client,id=0,socket=" + work.resolve("mesh-gen-a.sock") +
                ",socket-abstract=no,rsize=12,mac=02:fe:00:00:01:01",
            "--vdev", "net_memif1,role=client,id=0,socket=" + work.resolve("mesh-d-sink.sock") +
                ",socket-abstract=no,rsize=12,mac=02:fe:00:00:01:02",
            "--file-prefix", prefix, "--memory-mb", "256",
            "--tx-port", "net_memif0", "--rx-port", "net_memif1", "--dst-mac", "02:fe:01:00:00:01",
            "--src-ip", "10.0.0.2", "--dst-ip", "198.18.1.1", "--dst-count", "200", "--flows", "1024",
            "--rate-pps", Integer.toString(ratePps), "--warmup", "0", "--duration", "900", "--quiet",
            "--stop-file", work.resolve("stop").toString(), "--go-file", work.resolve("go").toString());
        ChildProcesses.awaitLine(generator, generatorLog(), "pktgen: links up", 120);
    }

    /** Starts a run of the generator; returns at once (the caller waits for the traffic, driving the agent). */
    public void startTraffic() throws IOException
    {
        if (!generator.isAlive())
        {
            throw new IllegalStateException("the generator exited: " + Files.readString(generatorLog()));
        }
        runsStarted++;
        Files.createFile(work.resolve("go"));
    }

    /** Ends the current run: the generator checks once a second, then receives for 200 ms ({@link #trafficResult}). */
    public void stopTraffic() throws IOException
    {
        Files.createFile(work.resolve("stop"));
    }

    /** The current run's JSON result line ({@code tx_packets}, {@code rx_packets}, ...) once it ended, else null. */
    public String trafficResult() throws IOException
    {
        final List<String> results = Files.readAllLines(generatorLog()).stream().filter(line -> line.startsWith("{")).toList();
        if (results.size() >= runsStarted)
        {
            return results.get(runsStarted - 1);
        }
        if (!generator.isAlive())
        {
            throw new IllegalStateException("the generator exited: " + Files.readString(generatorLog()));
        }
        return null;
    }

    public Path generatorLog()
    {
        return work.resolve("pktgen.log");
    }

    public Path log(final String node)
    {
        return work.resolve(node + ".log");
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        if (generator != null)
        {
            // Waiting for its next run, the generator ends when asked; otherwise it is killed.
            Files.deleteIfExists(work.resolve("go"));
            if (!Files.exists(work.resolve("stop")))
            {
                Files.createFile(work.resolve("stop"));
            }
            if (!generator.waitFor(5, TimeUnit.SECONDS))
            {
                generator.destroyForcibly();
                generator.waitFor(30, TimeUnit.SECONDS);
            }
        }
        CloseHelper.quietClose(agents);
        CloseHelper.quietClose(agentDriver);
        for (final Process appliance : appliances.values())
        {
            ChildProcesses.stop(appliance);
            appliance.waitFor(30, TimeUnit.SECONDS);
        }
        // SIGTERM to all members at once (each closes its member), then wait: a lone survivor would wait for the others' votes.
        for (final Process member : members)
        {
            if (member != null)
            {
                member.destroy();
            }
        }
        for (final Process member : members)
        {
            if (member != null && !member.waitFor(30, TimeUnit.SECONDS))
            {
                member.destroyForcibly();
                member.waitFor(30, TimeUnit.SECONDS);
            }
        }
        // What the processes leave behind, cleanly stopped or killed.
        for (final Path path : leftovers())
        {
            delete(path);
        }
    }

    /** What {@link #close()} removes: memif sockets, keys and journals (the work directory), DPDK runtime directories, counter files, Aeron directories. */
    public List<Path> leftovers()
    {
        final List<Path> paths = new ArrayList<>(List.of(work, Path.of(agentAeronDir())));
        for (final String prefix : filePrefixes)
        {
            paths.add(Path.of("/var/run/dpdk", prefix));
            paths.add(Path.of("/dev/shm/flowlane", prefix));
        }
        aeronDirs.forEach(dir -> paths.add(Path.of(dir)));
        for (int m = 0; m < members.length && clusterBasePort > 0; m++)
        {
            paths.add(Path.of(clusterConfig(m).aeronDirectory()));
        }
        return paths;
    }

    /** Short heartbeats, as the manager's own cluster test uses: a dead leader is replaced in about two seconds. */
    private MeshClusterConfig clusterConfig(final int member)
    {
        return MeshClusterConfig.of(member, CLUSTER_HOSTS, clusterBasePort, work.resolve("cluster"))
            .withAeronDirectory("/dev/shm/flowlane-mesh-manager-" + PID + "-" + member)
            .withTimeouts(1_500, 100, 500, 3_000, 10_000);
    }

    private static void delete(final Path path) throws IOException
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(path))
        {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String replaceAll(final String text, final String regex, final java.util.function.Function<java.util.regex.MatchResult, String> with)
    {
        return Pattern.compile(regex).matcher(text).replaceAll(m -> Matcher.quoteReplacement(with.apply(m)));
    }

    private static String freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return Integer.toString(socket.getLocalPort());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("no free UDP port: " + ex.getMessage(), ex);
        }
    }
}
