package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.mesh.MeshClusterConfig;
import io.flowlane.controlplane.mesh.MeshClusterMember;

import io.aeron.cluster.service.Cluster;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code flowlane mesh-manager}: one member of the mesh manager's Aeron Cluster (docs/mesh.md).
 * Run one per host (three tolerate the loss of one); each recovers from its directory unless
 * {@code --clean}. It prints its role whenever the role changes, so an operator (or a drill) can
 * see who leads.
 */
@Command(name = "mesh-manager", description = "Run one member of the mesh manager's cluster until Ctrl-C or SIGTERM.")
final class MeshManagerCommand implements Callable<Integer>
{
    @Option(names = "--member", required = true, description = "this member's index in --hosts (0-based)")
    int member;

    @Option(names = "--hosts", defaultValue = "localhost,localhost,localhost",
        description = "every member's host, in member order, default ${DEFAULT-VALUE}")
    String hosts;

    @Option(names = "--base-port", defaultValue = "20000",
        description = "member m uses UDP ports base + 10 m .. base + 10 m + 6, default ${DEFAULT-VALUE}")
    int basePort;

    @Option(names = "--dir", defaultValue = "/var/lib/flowlane/mesh",
        description = "members keep their log and snapshots under DIR/member-m, default ${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--aeron-dir", description = "this member's media driver directory (default /dev/shm/flowlane-mesh-<base-port>-<member>)")
    String aeronDir;

    @Option(names = "--heartbeat-timeout-ms", defaultValue = "2000",
        description = "followers elect a new leader after this long without the leader, default ${DEFAULT-VALUE}")
    long heartbeatTimeoutMillis;

    @Option(names = "--mark-file-wait-ms", defaultValue = "30000",
        description = "after a crash, wait this long for the dead member's mark files to go stale, default ${DEFAULT-VALUE}")
    long markFileWaitMillis;

    @Option(names = "--clean", description = "forget this member's log and snapshots (a new cluster), instead of recovering")
    boolean clean;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException
    {
        final List<String> hostList = Arrays.stream(hosts.split(",")).map(String::trim).toList();
        MeshClusterConfig config;
        try
        {
            config = MeshClusterConfig.of(member, hostList, basePort, dir);
            if (heartbeatTimeoutMillis < 3 * config.leaderHeartbeatIntervalMillis())
            {
                throw new IllegalArgumentException("--heartbeat-timeout-ms: " + heartbeatTimeoutMillis +
                    " is less than three heartbeats (" + 3 * config.leaderHeartbeatIntervalMillis() + " ms)");
            }
            config = config.withTimeouts(heartbeatTimeoutMillis, config.leaderHeartbeatIntervalMillis(), config.electionTimeoutMillis(),
                config.startupCanvassTimeoutMillis(), config.sessionTimeoutMillis());
            if (aeronDir != null)
            {
                config = config.withAeronDirectory(aeronDir);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage().startsWith("--") ? ex.getMessage() :
                "--member/--hosts/--base-port: " + ex.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        final CountDownLatch stopped = new CountDownLatch(1);
        try (MeshClusterMember running = launchWhenFree(config, out);
            InterruptHook hook = InterruptHook.install("mesh-manager-stop", () ->
            {
                // Close on the hook's thread: the JVM exits when the hook returns, with the member's files released.
                running.close();
                stopped.countDown();
            }))
        {
            out.printf("%s  mesh manager member %d of %d running (%s, ingress %s)%n", Instant.now(), member, hostList.size(),
                config.baseDir(), config.endpoint(member, MeshClusterConfig.INGRESS));
            out.flush();
            Cluster.Role role = null;
            while (!stopped.await(50, java.util.concurrent.TimeUnit.MILLISECONDS) && !running.isClosed())
            {
                final Cluster.Role now = running.role();
                if (now != role)
                {
                    role = now;
                    out.printf("%s  mesh manager member %d is %s%n", Instant.now(), member, role);
                    out.flush();
                }
            }
            return FlowlaneCli.OK;
        }
    }

    /**
     * Launches the member, waiting while its directories' mark files are active. A member killed a
     * moment ago (kill -9, a host that hung) leaves mark files whose heartbeat is recent, and Aeron
     * refuses to start over them until they are stale (the driver timeout, 10 s): an operator
     * restarting a dead member should not have to know that, so this waits and says why. A member
     * that really still runs keeps its mark files fresh, and the wait ends in the same refusal.
     */
    private MeshClusterMember launchWhenFree(final MeshClusterConfig config, final PrintWriter out) throws InterruptedException
    {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(markFileWaitMillis);
        boolean said = false;
        while (true)
        {
            try
            {
                return MeshClusterMember.launch(config, clean);
            }
            catch (final RuntimeException ex)
            {
                final String message = String.valueOf(ex.getMessage());
                if (!message.toLowerCase(java.util.Locale.ROOT).contains("active mark file detected") || System.nanoTime() > deadline)
                {
                    throw ex;
                }
                if (!said)
                {
                    out.printf("%s  %s: a member on this directory stopped moments ago (or still runs); waiting up to %d ms " +
                        "for its mark file to go stale%n", Instant.now(), message, markFileWaitMillis);
                    out.flush();
                    said = true;
                }
                Thread.sleep(500);
            }
        }
    }
}
