package io.flowlane.controlplane.mesh;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mesh manager's state and its transitions, free of Aeron: the replicated service feeds it the
 * committed log in order, with the log's cluster time, and every member ends in the same state.
 * Nothing here reads a clock or iterates a hash table.
 *
 * <p>Every transition re-evaluates the table: node status (from the latest reports and, if the
 * topology asks, silence longer than its health timeout), then {@link GlobalRoutes} and
 * {@link ShardPlan}. The version grows only when the content changes, so a report that moves
 * nothing (status is quantised to hundredths) costs no broadcast.
 */
public final class MeshState
{
    private final MeshCost cost;
    private final ShardPolicy shardPolicy;
    private MeshTopology topology;
    private long topologySetAtMillis;
    private long evaluatedAtMillis;
    private final TreeMap<Integer, NodeHealth> health = new TreeMap<>();
    private List<TrafficStream> demand = List.of();
    private MeshTable table = MeshTable.EMPTY;
    /** What the last computation was given. */
    private MeshTopology computedTopology;
    private List<TrafficStream> computedDemand;
    private List<NodeStatus> computedStatuses;

    public MeshState(final MeshCost cost, final ShardPolicy shardPolicy)
    {
        this.cost = cost;
        this.shardPolicy = shardPolicy;
    }

    public MeshTable table()
    {
        return table;
    }

    /** The topology, or null before the first is set. */
    public MeshTopology topology()
    {
        return topology;
    }

    public long topologySetAtMillis()
    {
        return topologySetAtMillis;
    }

    public long evaluatedAtMillis()
    {
        return evaluatedAtMillis;
    }

    /** The latest report of every node that has reported, by node id. */
    public Collection<NodeHealth> health()
    {
        return health.values();
    }

    public List<TrafficStream> demand()
    {
        return demand;
    }

    /** Replaces the topology; reports of nodes it keeps are kept. @return whether the table changed */
    public boolean setTopology(final MeshTopology newTopology, final long nowMillis)
    {
        topology = newTopology;
        topologySetAtMillis = nowMillis;
        health.keySet().removeIf(id -> newTopology.indexOf(id) < 0);
        return evaluate(nowMillis);
    }

    /** @return whether the table changed */
    public boolean reportHealth(final NodeHealth report)
    {
        requireTopology();
        if (topology.indexOf(report.nodeId()) < 0)
        {
            throw new MeshTopology.InvalidException("nodeId", "no node " + report.nodeId() + " in the mesh");
        }
        health.put(report.nodeId(), report);
        return evaluate(report.receivedAtMillis());
    }

    /** @return whether the table changed */
    public boolean linkState(final int a, final int b, final boolean up, final long latencyMicros, final long bandwidthMbps,
        final long nowMillis)
    {
        requireTopology();
        topology = topology.withLinkState(a, b, up, latencyMicros, bandwidthMbps);
        return evaluate(nowMillis);
    }

    /** Replaces the traffic demand. @return whether the table changed */
    public boolean setDemand(final List<TrafficStream> streams, final long nowMillis)
    {
        requireTopology();
        if (streams.size() > TrafficStream.MAX_STREAMS)
        {
            throw new MeshTopology.InvalidException("streams", "at most " + TrafficStream.MAX_STREAMS);
        }
        final Set<Long> ids = new HashSet<>();
        for (final TrafficStream stream : streams)
        {
            if (!ids.add(stream.streamId()))
            {
                throw new MeshTopology.InvalidException("streamId", "stream " + stream.streamId() + " twice");
            }
            if (topology.indexOf(stream.ingress()) < 0)
            {
                throw new MeshTopology.InvalidException("ingress", "stream " + stream.streamId() + ": no node " + stream.ingress());
            }
            if (topology.indexOf(stream.egress()) < 0)
            {
                throw new MeshTopology.InvalidException("egress", "stream " + stream.streamId() + ": no node " + stream.egress());
            }
        }
        demand = List.copyOf(streams);
        return evaluate(nowMillis);
    }

    /** Time passed (a timer fired): nodes may have gone silent. @return whether the table changed */
    public boolean tick(final long nowMillis)
    {
        return topology != null && evaluate(nowMillis);
    }

    /**
     * A new leader took over (a log event, so every member applies it at the same position): the
     * manager itself was deaf while the election ran, so silence it did not hear cannot be the
     * nodes'. Every node that was live at the last evaluation has its latest report taken as
     * received now, and must go quiet for a whole health timeout from here to be declared dead.
     * Without this, the new leader's first timer (long past its deadline) would declare every node
     * dead before their first reports reached it, and the agent would delete every route. A node
     * already silent before the election stays silent until it reports; one that has never reported
     * keeps the topology's clock.
     *
     * @return whether the table changed
     */
    public boolean leaderChanged(final long nowMillis)
    {
        if (topology == null)
        {
            return false;
        }
        for (final MeshTopology.Node node : topology.nodes())
        {
            final NodeHealth report = health.get(node.id());
            if (report != null && !silent(node.id(), evaluatedAtMillis) && report.receivedAtMillis() < nowMillis)
            {
                health.put(node.id(), new NodeHealth(report.nodeId(), report.busyFraction(), report.rxPacketsPerSecond(),
                    report.dropPacketsPerSecond(), nowMillis));
            }
        }
        return evaluate(nowMillis);
    }

    /**
     * When the next node goes silent if nothing arrives before, for a timer: the first instant after
     * {@code nowMillis} at which a node now heard from is stale; {@link Long#MAX_VALUE} if none.
     */
    public long nextSilenceAfter(final long nowMillis)
    {
        if (topology == null || topology.healthTimeoutMillis() == 0)
        {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (final MeshTopology.Node node : topology.nodes())
        {
            final long staleAt = lastHeard(node.id()) + topology.healthTimeoutMillis() + 1;
            if (staleAt > nowMillis)
            {
                next = Math.min(next, staleAt);
            }
        }
        return next;
    }

    /**
     * Puts back a state written by a snapshot and checks it against what this build computes, so
     * that a different build of the cost function is noticed rather than silently serving another
     * table. The shard plan depends on the plans before it, so a snapshot carries its table
     * ({@code snapshotTable}): its digest must match, and the node statuses and routes recomputed
     * from the inputs must equal its own; its shards are taken as they are. A snapshot without its
     * table (an older build's) is recomputed whole, as then every plan was made from nothing.
     */
    public void restore(final MeshTopology topology, final long topologySetAtMillis, final List<NodeHealth> reports,
        final List<TrafficStream> demand, final long version, final long computedAtMillis, final long evaluatedAtMillis,
        final long digest, final MeshTable snapshotTable)
    {
        this.topology = topology;
        this.topologySetAtMillis = topologySetAtMillis;
        this.health.clear();
        for (final NodeHealth report : reports)
        {
            this.health.put(report.nodeId(), report);
        }
        this.demand = List.copyOf(demand);
        this.evaluatedAtMillis = evaluatedAtMillis;
        this.table = MeshTable.EMPTY;
        if (snapshotTable != null && topology != null)
        {
            final List<NodeStatus> statuses = statuses(evaluatedAtMillis);
            final GlobalRoutes routes = GlobalRoutes.compute(topology, statuses, cost);
            if (MeshCodec.digest(snapshotTable) != digest || !statuses.equals(snapshotTable.nodes()) ||
                !routes.equals(snapshotTable.routes()))
            {
                throw new IllegalStateException("the snapshot's table (digest " + Long.toHexString(digest) +
                    ") is not what this build computes from its state (statuses or routes differ)");
            }
            computedTopology = topology;
            computedDemand = this.demand;
            computedStatuses = statuses;
            table = new MeshTable(version, computedAtMillis, statuses, routes, snapshotTable.shards(), digest);
            return;
        }
        final MeshTable content = topology == null ? MeshTable.EMPTY : compute(statuses(evaluatedAtMillis));
        final long restoredDigest = topology == null ? 0 : MeshCodec.digest(content);
        if (restoredDigest != digest)
        {
            throw new IllegalStateException("the snapshot's table (digest " + Long.toHexString(digest) +
                ") is not what this build computes from its state (" + Long.toHexString(restoredDigest) + ")");
        }
        table = new MeshTable(version, computedAtMillis, content.nodes(), content.routes(), content.shards(), digest);
    }

    private void requireTopology()
    {
        if (topology == null)
        {
            throw new MeshTopology.InvalidException("topology", "no topology set yet");
        }
    }

    private long lastHeard(final int nodeId)
    {
        final NodeHealth report = health.get(nodeId);
        return report == null ? topologySetAtMillis : Math.max(topologySetAtMillis, report.receivedAtMillis());
    }

    private boolean evaluate(final long nowMillis)
    {
        evaluatedAtMillis = nowMillis;
        final List<NodeStatus> statuses = statuses(nowMillis);
        if (topology == computedTopology && demand == computedDemand && statuses.equals(computedStatuses))
        {
            // The table is a function of these three only: a report that moved nothing costs no computation.
            return false;
        }
        final MeshTable content = compute(statuses);
        if (content.sameContent(table))
        {
            return false;
        }
        table = new MeshTable(table.version() + 1, nowMillis, content.nodes(), content.routes(), content.shards(),
            MeshCodec.digest(content));
        return true;
    }

    private List<NodeStatus> statuses(final long nowMillis)
    {
        final List<NodeStatus> statuses = new ArrayList<>(topology.nodes().size());
        for (final MeshTopology.Node node : topology.nodes())
        {
            statuses.add(silent(node.id(), nowMillis) ? NodeStatus.silent(node.id()) : cost.status(node.id(), health.get(node.id())));
        }
        return statuses;
    }

    /** Whether the node has been silent longer than the health timeout at {@code atMillis}. */
    private boolean silent(final int nodeId, final long atMillis)
    {
        return topology.healthTimeoutMillis() > 0 && atMillis - lastHeard(nodeId) > topology.healthTimeoutMillis();
    }

    private MeshTable compute(final List<NodeStatus> statuses)
    {
        final GlobalRoutes routes = GlobalRoutes.compute(topology, statuses, cost);
        // Shards stay where the table in force has them while they may (ShardPlan.place): the plan is
        // a function of the inputs and of the previous table, which every member holds alike.
        final ShardPlan shards = ShardPlan.place(demand, topology, statuses, routes, shardPolicy, table);
        computedTopology = topology;
        computedDemand = demand;
        computedStatuses = statuses;
        return new MeshTable(0, 0, statuses, routes, shards, 0);
    }
}
