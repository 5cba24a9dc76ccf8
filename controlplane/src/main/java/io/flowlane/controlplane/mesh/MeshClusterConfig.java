package io.flowlane.controlplane.mesh;

import java.nio.file.Path;
import java.util.List;

/**
 * How one member of the mesh manager's cluster is laid out: who the members are, which ports each
 * uses, where its files live, and the consensus timeouts.
 *
 * <p>Member {@code m} on host {@code hosts[m]} uses ports {@code basePort + 10 m + offset}:
 * <pre>
 *   +0 ingress (clients)  +1 consensus  +2 log  +3 catch-up  +4 archive control
 *   +5 archive replication  +6 cluster (log) replication
 * </pre>
 * Under {@code baseDir}: {@code archive/} (the recorded log and snapshots) and {@code cluster/}
 * (recording log, mark files); both survive a restart, which replays them. The media driver's
 * directory ({@code aeronDirectory}, best on /dev/shm) is recreated at every start.
 *
 * @param leaderHeartbeatTimeoutMillis followers start an election after this long without the leader
 * @param leaderHeartbeatIntervalMillis how often the leader tells followers it is alive
 * @param electionTimeoutMillis        how long an election round waits for votes
 * @param startupCanvassTimeoutMillis  how long a starting member waits to hear from all others before it may stand
 * @param sessionTimeoutMillis         a client silent this long (no message, no keep-alive) is closed
 */
public record MeshClusterConfig(int memberId, List<String> hosts, int basePort, Path baseDir, String aeronDirectory,
    long leaderHeartbeatTimeoutMillis, long leaderHeartbeatIntervalMillis, long electionTimeoutMillis,
    long startupCanvassTimeoutMillis, long sessionTimeoutMillis)
{
    public static final int PORTS_PER_MEMBER = 10;
    public static final int INGRESS = 0;
    public static final int CONSENSUS = 1;
    public static final int LOG = 2;
    public static final int CATCHUP = 3;
    public static final int ARCHIVE_CONTROL = 4;
    public static final int ARCHIVE_REPLICATION = 5;
    public static final int CLUSTER_REPLICATION = 6;

    public MeshClusterConfig
    {
        hosts = List.copyOf(hosts);
        if (memberId < 0 || memberId >= hosts.size())
        {
            throw new IllegalArgumentException("member " + memberId + " of " + hosts.size());
        }
        if (basePort < 1024 || basePort + PORTS_PER_MEMBER * hosts.size() > 65535)
        {
            throw new IllegalArgumentException("base port " + basePort + " leaves no room for " + hosts.size() + " members");
        }
    }

    /**
     * A member with the timeouts docs/mesh.md discusses: a dead leader is replaced within about
     * 2 s + an election, a client may stay silent 10 s.
     */
    public static MeshClusterConfig of(final int memberId, final List<String> hosts, final int basePort, final Path baseDir)
    {
        return new MeshClusterConfig(memberId, hosts, basePort, baseDir.resolve("member-" + memberId),
            "/dev/shm/flowlane-mesh-" + basePort + "-" + memberId, 2_000, 100, 500, 5_000, 10_000);
    }

    public MeshClusterConfig withTimeouts(final long leaderHeartbeatTimeoutMillis, final long leaderHeartbeatIntervalMillis,
        final long electionTimeoutMillis, final long startupCanvassTimeoutMillis, final long sessionTimeoutMillis)
    {
        return new MeshClusterConfig(memberId, hosts, basePort, baseDir, aeronDirectory, leaderHeartbeatTimeoutMillis,
            leaderHeartbeatIntervalMillis, electionTimeoutMillis, startupCanvassTimeoutMillis, sessionTimeoutMillis);
    }

    public MeshClusterConfig withAeronDirectory(final String directory)
    {
        return new MeshClusterConfig(memberId, hosts, basePort, baseDir, directory, leaderHeartbeatTimeoutMillis,
            leaderHeartbeatIntervalMillis, electionTimeoutMillis, startupCanvassTimeoutMillis, sessionTimeoutMillis);
    }

    public String host()
    {
        return hosts.get(memberId);
    }

    public int port(final int member, final int offset)
    {
        return basePort + PORTS_PER_MEMBER * member + offset;
    }

    public String endpoint(final int member, final int offset)
    {
        return hosts.get(member) + ":" + port(member, offset);
    }

    /** Aeron Cluster's member list: {@code id,ingress,consensus,log,catchup,archive|...}. */
    public String clusterMembers()
    {
        final StringBuilder members = new StringBuilder();
        for (int m = 0; m < hosts.size(); m++)
        {
            members.append(m == 0 ? "" : "|").append(m)
                .append(',').append(endpoint(m, INGRESS))
                .append(',').append(endpoint(m, CONSENSUS))
                .append(',').append(endpoint(m, LOG))
                .append(',').append(endpoint(m, CATCHUP))
                .append(',').append(endpoint(m, ARCHIVE_CONTROL));
        }
        return members.toString();
    }

    /** What a client needs to find the members: {@code 0=host:port,1=...}. */
    public String ingressEndpoints()
    {
        final StringBuilder endpoints = new StringBuilder();
        for (int m = 0; m < hosts.size(); m++)
        {
            endpoints.append(m == 0 ? "" : ",").append(m).append('=').append(endpoint(m, INGRESS));
        }
        return endpoints.toString();
    }

    /**
     * A base port whose {@code members} × {@link #PORTS_PER_MEMBER} UDP ports on the loopback are
     * free now, picked at random (tests and drills run beside each other and beside earlier runs'
     * lingering sockets).
     */
    public static int freeLoopbackBasePort(final int members)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            final int base = 20_000 + 100 * java.util.concurrent.ThreadLocalRandom.current().nextInt(300);
            boolean free = true;
            for (int port = base; port < base + PORTS_PER_MEMBER * members && free; port++)
            {
                try (java.net.DatagramSocket socket = new java.net.DatagramSocket(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port)))
                {
                    socket.getLocalPort();
                }
                catch (final java.io.IOException ex)
                {
                    free = false;
                }
            }
            if (free)
            {
                return base;
            }
        }
        throw new IllegalStateException("no free UDP port range for " + members + " mesh manager members");
    }
}
