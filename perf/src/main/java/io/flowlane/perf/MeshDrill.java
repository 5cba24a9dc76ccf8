package io.flowlane.perf;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.mesh.MeshTable;
import io.flowlane.controlplane.mesh.NodeStatus;
import io.flowlane.controlplane.meshagent.MeshLayout;
import io.flowlane.controlplane.meshagent.MeshPrefix;
import io.flowlane.dataplane.fib.NextHop;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The mesh's failure drill (issue 8; MeshFailoverTest's body): four appliances (config/mesh), the
 * mesh manager on a three-member Aeron Cluster, a mesh agent per appliance, and 20 kpps from the generator into
 * ingress a, counted where egress d delivers them. The traffic is the stream "bulk" of
 * config/mesh/mesh.yaml (198.18.1.0/24): a forwards it by the manager's shard plan, each flow-hash
 * bucket pinned to the first hop of its shard's path. After an unmeasured warm-up through both
 * transit nodes (a cold JVM's first packets read as a busy node), four phases, each one generator run:
 *
 * <ol>
 *   <li><b>path</b>: the traffic takes the path the manager computed, a-b-d (b receives every packet
 *       sent, c none);</li>
 *   <li><b>leader</b>: the mesh manager's leading member is killed (SIGKILL) with the traffic
 *       flowing; another member takes over with the committed table, no node is declared dead for
 *       the manager's own deafness, a's route stays, and no packet is lost. The killed member is
 *       started again and rejoins as a follower; the phases after run on the new leader;</li>
 *   <li><b>degrade</b>: b is made to lose its cores step by step (an injected node fault: its worker
 *       stalls 400, 600, 750, 850, 920, 960, 980 µs of every ms, one step every 500 ms), and 4.5 s
 *       after the first step it fails outright (drops every packet). The manager sees only b's busy
 *       ratio rising in its telemetry; it must move a's traffic to a-c-d before b fails: no packet
 *       lost. Then b recovers and the traffic returns to it;</li>
 *   <li><b>kill</b>: with the traffic on a-b-d, b's process is killed (SIGKILL). Its telemetry stops;
 *       the manager declares it dead after the health timeout and a's route moves to c. What was
 *       sent toward b meanwhile is lost: counted, and bounded by the rate times one telemetry
 *       interval plus the detection slack.</li>
 * </ol>
 *
 * <pre>./flowlane java io.flowlane.perf.MeshDrill [config/mesh]</pre>
 */
public final class MeshDrill
{
    public static final int RATE_PPS = 20_000;
    static final int[] STALL_STEPS = {400, 600, 750, 850, 920, 960, 980};
    static final long STEP_MS = 500;
    static final long FAIL_AFTER_RAMP_MS = 4_500;
    static final long AFTER_FAILURE_MS = 2_000;
    static final long PATH_MS = 2_000;
    static final long BEFORE_KILL_MS = 1_000;
    static final long AFTER_MOVE_MS = 1_500;
    static final long STEADY_MS = 2_000;
    static final long WARM_UP_MS = 1_500;
    static final long LEADER_PHASE_MS = 1_000;
    static final long AFTER_ELECTION_MS = 1_000;
    /** The stream the generator's traffic belongs to (198.18.1.1-200): a routes it by its shards. */
    static final MeshPrefix STREAM = MeshPrefix.parse("198.18.1.0/24");

    /**
     * One generator run.
     *
     * @param viaB     packets b received during the run (its telemetry), viaC the same for c
     */
    public record Phase(String name, long tx, long rx, long viaB, long viaC, String generator)
    {
        public long lost()
        {
            return tx - rx;
        }
    }

    /** Times are System.nanoTime(); Long.MAX_VALUE where it did not happen. */
    /**
     * @param shardMaps   how many different bucket maps a acknowledged for the stream during the phase (its shards
     *                    placed on both paths; each map as the manager's plan had it)
     * @param finestShard the smallest shard (buckets) the manager cut the stream into during the phase
     */
    public record Degrade(Phase phase, long rampStart, long splitAt, long movedAt, long failAt, long recoveryNanos,
        long bDropsAfterFailure, int shardMaps, int finestShard)
    {
    }

    /** @param othersStayedUsable no table during the phase had a, c or d unusable (the dead b's loss is not theirs) */
    /** @param teardownNanos from SIGKILL until b's process was gone (the kernel unmaps its memory, then closes its sockets) */
    public record Kill(Phase phase, long killedAt, long teardownNanos, long declaredDeadAt, long movedAt, long telemetryIntervalMillis,
        long healthTimeoutMillis, boolean othersStayedUsable)
    {
        /**
         * The loss accepted, the goal: the rate times one telemetry interval from the moment
         * b's failure is complete, i.e. its process gone. a repairs locally when its link to b goes
         * down onto its backup next hop c, long before the manager notices b's silence (the health
         * timeout); but a memif link goes down only when the kernel closes the dead process's socket,
         * which it does at the end of tearing the process down (70-110 ms for a JVM appliance here),
         * and b forwards nothing meanwhile. The manager's own reaction alone would lose the rate times
         * (interval + timeout + 200 ms), 14 000 here.
         */
        public long lossBound()
        {
            return (long)Math.ceil(RATE_PPS * (telemetryIntervalMillis + teardownNanos / 1e6) / 1000.0);
        }
    }

    /**
     * @param answerBefore       the manager's table just before the kill (answer to a request)
     * @param answerAfter        the new leader's answer to the same request
     * @param everyNodeUsable    no table the agent received during the phase had a node unusable
     * @param routeKept          a's acknowledged route for the stream was via b alone throughout
     * @param rejoined           the killed member, started again from its directory, is a follower
     */
    public record Leader(Phase phase, int killed, int newLeader, long killedAt, long newLeaderAt, MeshTable answerBefore,
        MeshTable answerAfter, boolean everyNodeUsable, boolean routeKept, boolean rejoined)
    {
    }

    /** @param telemetryGaps per node, the longest time between two of its reports the agent saw during the phases */
    public record Result(Phase path, Leader leader, Degrade degrade, Kill kill, String telemetryGaps)
    {
    }

    private final MeshRig rig;
    private final MeshAgents agent;
    private final PrintStream out;
    /** Where the log's times count from (the agent's lines use the same). */
    private final long start;
    private final int a;
    private final int b;
    private final int c;
    private final int d;

    MeshDrill(final MeshRig rig, final PrintStream out, final long start)
    {
        this.rig = rig;
        this.start = start;
        this.agent = rig.agents();
        this.out = out;
        final MeshLayout layout = rig.layout;
        a = layout.node("a").id();
        b = layout.node("b").id();
        c = layout.node("c").id();
        d = layout.node("d").id();
    }

    public static void main(final String[] args) throws Exception
    {
        final Path examples = Path.of(args.length > 0 ? args[0] : "config/mesh");
        final boolean passed;
        try (MeshRig rig = new MeshRig(examples))
        {
            final Result result = run(rig, System.out);
            summarise(result, System.out);
            final Leader leader = result.leader();
            passed = result.path().lost() == 0 && leader.phase().lost() == 0 && leader.everyNodeUsable() && leader.routeKept() &&
                leader.answerAfter().version() >= leader.answerBefore().version() && leader.rejoined() &&
                result.degrade().phase().lost() == 0 &&
                result.degrade().movedAt() < result.degrade().failAt() && result.kill().phase().lost() <= result.kill().lossBound() &&
                result.kill().othersStayedUsable();
        }
        // Only now: the rig's processes stopped and its files removed.
        System.exit(passed ? 0 : 1);
    }

    /** Starts everything in {@code rig} and runs the three phases; prints what happens. */
    public static Result run(final MeshRig rig, final PrintStream out) throws Exception
    {
        final long t0 = System.nanoTime();
        out.println("mesh drill: starting 4 appliances (a ingress, b and c transit, d egress) ...");
        rig.startAppliances();
        rig.startGenerator(RATE_PPS);
        out.printf(Locale.ROOT, "  appliances forwarding and generator linked to a and d after %.1f s; starting the mesh manager " +
            "(3 cluster members) and a mesh agent per appliance%n", (System.nanoTime() - t0) / 1e9);
        rig.startManagerAndAgents(line -> out.printf(Locale.ROOT, "  %6.2f s  agent: %s%n", (System.nanoTime() - t0) / 1e9, line));
        final MeshDrill drill = new MeshDrill(rig, out, t0);
        drill.await(() -> rig.agents().settled() && drill.allLive() && drill.aVia(drill.b) && !drill.aVia(drill.c), 60_000,
            "every node reporting and a's route via b");
        drill.warmUp();
        // Measured from a steady mesh: starting three cluster members and the agent's JIT load both cores for a while.
        drill.awaitSteady(STEADY_MS);
        rig.layout.nodes().forEach(node -> rig.agents().reading(node.id()).clearLongestGap());
        out.printf(Locale.ROOT, "  mesh up and steady for %d ms, %.1f s after start; mesh manager leader: member %d%n", STEADY_MS,
            (System.nanoTime() - t0) / 1e9, rig.leader());
        final Phase path = drill.path();
        final Leader leader = drill.leader();
        final Degrade degrade = drill.degrade();
        final Kill kill = drill.kill();
        final boolean rejoined = drill.awaitRejoined(leader.killed());
        final Leader leaderResult = new Leader(leader.phase(), leader.killed(), leader.newLeader(), leader.killedAt(),
            leader.newLeaderAt(), leader.answerBefore(), leader.answerAfter(), leader.everyNodeUsable(), leader.routeKept(), rejoined);
        final StringBuilder gaps = new StringBuilder();
        for (final MeshLayout.Node node : rig.layout.nodes())
        {
            gaps.append(gaps.isEmpty() ? "" : ", ").append(node.name()).append(' ')
                .append(TimeUnit.NANOSECONDS.toMillis(rig.agents().reading(node.id()).longestGapNanos())).append(" ms");
        }
        return new Result(path, leaderResult, degrade, kill, gaps.toString());
    }

    public static void summarise(final Result result, final PrintStream out)
    {
        out.println();
        for (final Phase phase : List.of(result.path(), result.leader().phase(), result.degrade().phase(), result.kill().phase()))
        {
            out.printf(Locale.ROOT, "summary: %-8s sent %7d, received %7d, lost %6d  (through b %7d, through c %7d)%n", phase.name(),
                phase.tx(), phase.rx(), phase.lost(), phase.viaB(), phase.viaC());
        }
        final Leader leader = result.leader();
        out.printf(Locale.ROOT, "summary: leader: member %d killed, member %d led %.2f s later; table v%d before, v%d from the new " +
            "leader (%s content); every node usable throughout: %s; a's route kept: %s; killed member rejoined as follower: %s%n",
            leader.killed(), leader.newLeader(), seconds(leader.newLeaderAt() - leader.killedAt()), leader.answerBefore().version(),
            leader.answerAfter().version(), leader.answerAfter().sameContent(leader.answerBefore()) ? "same" : "newer",
            leader.everyNodeUsable(), leader.routeKept(), leader.rejoined());
        final Degrade degrade = result.degrade();
        out.printf(Locale.ROOT, "summary: degrade: traffic shared with c %.2f s and off b %.2f s after b began to degrade, " +
            "%.2f s before b failed; back on b %.2f s after b recovered; %d bucket maps pinned at a, shards down to %d buckets%n",
            seconds(degrade.splitAt() - degrade.rampStart()), seconds(degrade.movedAt() - degrade.rampStart()),
            seconds(degrade.failAt() - degrade.movedAt()), seconds(degrade.recoveryNanos()), degrade.shardMaps(),
            degrade.finestShard());
        out.printf(Locale.ROOT, "summary: longest gap between two telemetry reports of a node during the phases, as the agent " +
            "received them: %s%n",
            result.telemetryGaps());
        final Kill kill = result.kill();
        out.printf(Locale.ROOT, "summary: kill: b declared dead %.3f s and a's route moved %.3f s after SIGKILL; lost %d packets " +
            "= %.0f ms of traffic (bound %d = %d pps x (%.0f ms until b was gone + one %d ms telemetry interval); health timeout %d ms); " +
            "a, c, d usable throughout: %s%n",
            seconds(kill.declaredDeadAt() - kill.killedAt()), seconds(kill.movedAt() - kill.killedAt()), kill.phase().lost(),
            kill.phase().lost() * 1000.0 / RATE_PPS, kill.lossBound(), RATE_PPS, kill.teardownNanos() / 1e6, kill.telemetryIntervalMillis(),
            kill.healthTimeoutMillis(), kill.othersStayedUsable());
    }

    /**
     * Before anything is measured, traffic through both transit nodes: the first packets through an
     * appliance run its packet path interpreted, and the busy ratio that shows is a start-up cost,
     * not the degradation the phases are about. c is given its share by making b unusable for a
     * moment (a full stall), then b gets the traffic back.
     */
    void warmUp() throws Exception
    {
        say("warm-up: traffic through c (b stalled for it), then through b; not measured");
        applied(b, agent.send(b, client -> client.nodeFault(0, 0, 1000)));
        await(() -> aVia(c) && !aVia(b), 20_000, "a's route on c for the warm-up");
        final long[] before = throughBAndC();
        startTraffic();
        drive(WARM_UP_MS, () -> { });
        applied(b, agent.send(b, client -> client.nodeFault(0, 0, 0)));
        await(() -> aVia(b) && !aVia(c), 20_000, "a's route back on b for the warm-up");
        drive(WARM_UP_MS, () -> { });
        endPhase("warm-up", before);
    }

    /** Phase 1: the computed path carries the traffic. */
    Phase path() throws Exception
    {
        say("phase 1 (path): %d pps into a; the manager's path is a-b-d", RATE_PPS);
        final long[] before = throughBAndC();
        startTraffic();
        drive(PATH_MS, () -> { });
        return endPhase("path", before);
    }

    /**
     * Phase 2: the mesh manager's leader dies with the traffic flowing. Nothing may change for the
     * packets: the committed table survives on the other members, and the agent keeps forwarding
     * reports to whoever leads.
     */
    Leader leader() throws Exception
    {
        final int killed = rig.leader();
        say("phase 2 (leader): traffic on a-b-d, then the mesh manager's leader, member %d, is killed (SIGKILL)", killed);
        final long[] before = throughBAndC();
        startTraffic();
        final MeshTable answerBefore = answer();
        drive(LEADER_PHASE_MS, () -> { });
        final boolean[] usable = {true};
        final boolean[] kept = {aVia(b) && !aVia(c)};
        final Runnable watch = () ->
        {
            usable[0] &= agent.table().nodes().stream().allMatch(NodeStatus::usable);
            kept[0] &= aVia(b) && !aVia(c);
        };
        final long killedAt = rig.killMember(killed);
        say("mesh manager member %d KILLED", killed);
        final long deadline = killedAt + TimeUnit.SECONDS.toNanos(30);
        int newLeader;
        while ((newLeader = rig.leader()) < 0 || newLeader == killed || agent.manager(a).leaderMemberId() != newLeader)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no new mesh manager leader (and agent attached to it) within 30 s of the kill");
            }
            drive(5, watch);
        }
        final long newLeaderAt = System.nanoTime();
        say("member %d leads (the agent's client follows it)", newLeader);
        final MeshTable answerAfter = answer();
        say("the new leader answers with table v%d (v%d before the kill)", answerAfter.version(), answerBefore.version());
        drive(AFTER_ELECTION_MS, watch);
        final Phase phase = endPhase("leader", before);
        rig.startMember(killed, false);
        say("member %d started again from its directory", killed);
        return new Leader(phase, killed, newLeader, killedAt, newLeaderAt, answerBefore, answerAfter, usable[0], kept[0], false);
    }

    /** The manager's table as it answers a request now (drives the agent meanwhile). */
    private MeshTable answer() throws InterruptedException
    {
        final long correlationId = agent.manager(a).requestTable();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        MeshTable table;
        while ((table = agent.manager(a).answer(correlationId)) == null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the mesh manager did not answer a table request within 20 s");
            }
            drive(2, () -> { });
        }
        return table;
    }

    /** Whether the restarted member caught up and follows (waits up to 30 s, driving the agent). */
    boolean awaitRejoined(final int member) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"FOLLOWER".equals(rig.role(member)))
        {
            if (System.nanoTime() > deadline || !rig.memberAlive(member))
            {
                say("member %d did not rejoin (%s); its log:%n%s", member, rig.memberAlive(member) ? "still running" : "exited",
                    readQuietly(rig.memberLog(member)));
                return false;
            }
            drive(20, () -> { });
        }
        say("member %d is a follower again", member);
        return true;
    }

    /** Phase 3: b degrades, the traffic leaves it, then b fails; b recovers and the traffic returns. */
    Degrade degrade() throws Exception
    {
        say("phase 3 (degrade): b loses its cores step by step, and fails %d ms after the first step", FAIL_AFTER_RAMP_MS);
        final long[] before = throughBAndC();
        startTraffic();
        drive(1_000, () -> { });
        final long rampStart = System.nanoTime();
        final long failAt = rampStart + TimeUnit.MILLISECONDS.toNanos(FAIL_AFTER_RAMP_MS);
        final long end = failAt + TimeUnit.MILLISECONDS.toNanos(AFTER_FAILURE_MS);
        final long[] split = {Long.MAX_VALUE};
        final long[] moved = {Long.MAX_VALUE};
        final long[] dropsAtFailure = {-1};
        final java.util.Set<String> shardMaps = new java.util.HashSet<>();
        final int[] finest = {Integer.MAX_VALUE};
        int step = 0;
        boolean failed = false;
        while (System.nanoTime() < end)
        {
            final long now = System.nanoTime();
            if (!failed && now >= failAt)
            {
                applied(b, agent.send(b, client -> client.nodeFault(0, 1_000_000, STALL_STEPS[STALL_STEPS.length - 1])));
                dropsAtFailure[0] = agent.reading(b).totalDrops();
                failed = true;
                say("b FAILS: it drops every packet from now on");
            }
            else if (step < STALL_STEPS.length && now >= rampStart + step * TimeUnit.MILLISECONDS.toNanos(STEP_MS))
            {
                final int stall = STALL_STEPS[step++];
                applied(b, agent.send(b, client -> client.nodeFault(0, 0, stall)));
                say("b degrades: its worker stalls %d us of every ms (b reads busy %.2f)", stall, agent.reading(b).busy());
            }
            drive(5, () ->
            {
                final long t = System.nanoTime();
                if (split[0] == Long.MAX_VALUE && aVia(c))
                {
                    split[0] = t;
                }
                if (moved[0] == Long.MAX_VALUE && !aVia(b) && aVia(c))
                {
                    moved[0] = t;
                }
                final byte[] buckets = agent.installedBuckets(a, STREAM);
                if (buckets != null)
                {
                    shardMaps.add(java.util.Arrays.toString(buckets));
                }
                agent.table().shards().shards().forEach(shard -> finest[0] = Math.min(finest[0], shard.bucketCount()));
            });
        }
        final long bDropsAfterFailure = agent.reading(b).totalDrops() - dropsAtFailure[0];
        final Phase phase = endPhase("degrade", before);
        applied(b, agent.send(b, client -> client.nodeFault(0, 0, 0)));
        final long recoverFrom = System.nanoTime();
        say("b recovers (fault removed)");
        await(() -> aVia(b) && !aVia(c) && agent.settled(), 20_000, "a's route back on b");
        say("a's route is back on b");
        return new Degrade(phase, rampStart, split[0], moved[0], failAt, System.nanoTime() - recoverFrom, bDropsAfterFailure,
            shardMaps.size(), finest[0]);
    }

    /** Phase 4: b dies with the traffic on it. */
    Kill kill() throws Exception
    {
        say("phase 4 (kill): traffic on a-b-d, then b is killed (SIGKILL)");
        final long[] before = throughBAndC();
        startTraffic();
        drive(BEFORE_KILL_MS, () -> { });
        final long lastRxB = agent.reading(b).totalRx();
        if (lastRxB <= before[0])
        {
            throw new IllegalStateException("no traffic through b before the kill");
        }
        final long killedAt = rig.kill("b");
        final long teardown = System.nanoTime() - killedAt;
        say("b KILLED (the process was gone %.0f ms after the signal)", teardown / 1e6);
        final long[] dead = {Long.MAX_VALUE};
        final long[] moved = {Long.MAX_VALUE};
        final boolean[] othersUsable = {true};
        final Runnable others = () -> othersUsable[0] &= agent.table().nodes().stream()
            .filter(status -> status.nodeId() != b).allMatch(NodeStatus::usable);
        final long deadline = killedAt + TimeUnit.SECONDS.toNanos(30);
        while (moved[0] == Long.MAX_VALUE && System.nanoTime() < deadline)
        {
            drive(1, () ->
            {
                others.run();
                final long t = System.nanoTime();
                final NodeStatus status = agent.table().node(b);
                if (dead[0] == Long.MAX_VALUE && status != null && !status.usable())
                {
                    dead[0] = t;
                }
                if (!aVia(b) && aVia(c))
                {
                    moved[0] = t;
                }
            });
        }
        say("a's route moved to c %.3f s after the kill (b declared dead after %.3f s)", seconds(moved[0] - killedAt),
            seconds(dead[0] - killedAt));
        drive(AFTER_MOVE_MS, others);
        final Phase phase = endPhase("kill", before);
        return new Kill(phase, killedAt, teardown, dead[0], moved[0], rig.layout.node("b").control().telemetryIntervalMillis(),
            rig.layout.healthTimeoutMillis(), othersUsable[0]);
    }

    private void startTraffic() throws Exception
    {
        final long dBefore = agent.reading(d).totalTx();
        rig.startTraffic();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (agent.reading(d).totalTx() < dBefore + RATE_PPS / 20)
        {
            rig.trafficResult(); // throws if the generator died
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no traffic out of d within 60 s; generator log: " +
                    java.nio.file.Files.readString(rig.generatorLog()));
            }
            drive(10, () -> { });
        }
        say("traffic flows (d forwarding)");
    }

    private Phase endPhase(final String name, final long[] before) throws Exception
    {
        // The agent keeps running while the run ends: a mesh whose telemetry stopped would look dead to the manager.
        rig.stopTraffic();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String json;
        while ((json = rig.trafficResult()) == null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the generator's run did not end within 60 s");
            }
            drive(10, () -> { });
        }
        // Telemetry is one interval behind: let the last packets' counts arrive.
        drive(3 * rig.layout.node("a").control().telemetryIntervalMillis(), () -> { });
        final long[] after = throughBAndC();
        final Phase phase = new Phase(name, MemifRig.field(json, "tx_packets"), MemifRig.field(json, "rx_packets"),
            after[0] - before[0], after[1] - before[1], json);
        say("%s: sent %d, received %d, lost %d; through b %d, through c %d", name, phase.tx(), phase.rx(), phase.lost(), phase.viaB(),
            phase.viaC());
        return phase;
    }

    /** Packets b and c received so far (b's last known count once it is dead). */
    private long[] throughBAndC()
    {
        return new long[] {agent.reading(b).totalRx(), agent.reading(c).totalRx()};
    }

    /**
     * Whether a's acknowledged route for the stream uses the neighbour {@code node}: as one of its
     * next hops, and, when the route's buckets are pinned to shards, with at least one bucket.
     */
    boolean aVia(final int node)
    {
        final List<NextHop> route = agent.installed(a, STREAM);
        if (route == null)
        {
            return false;
        }
        final MeshLayout.Gateway gateway = rig.layout.gateway(a, node);
        final byte[] buckets = agent.installedBuckets(a, STREAM);
        for (int member = 0; member < route.size(); member++)
        {
            final NextHop hop = route.get(member);
            if (hop.gatewayIpv4() == gateway.address() && gateway.interfaceName().equals(hop.interfaceName()))
            {
                if (buckets == null)
                {
                    return hop.weight() > 0; // weight 0: a backup, used only if a's links to the others are down
                }
                for (final byte owner : buckets)
                {
                    if (owner == member)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    boolean allLive()
    {
        return rig.layout.nodes().stream().allMatch(n -> agent.live(n.id()));
    }

    /** Runs the agent for {@code millis}, calling {@code each} after every duty cycle. */
    private void drive(final long millis, final Runnable each) throws InterruptedException
    {
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        do
        {
            agent.doWork();
            each.run();
            if (System.nanoTime() < until)
            {
                Thread.sleep(1);
            }
        }
        while (System.nanoTime() < until);
    }

    /** Waits until every node has been live, and a's route on b alone, for {@code millis} on end. */
    private void awaitSteady(final long millis) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long steadySince = System.nanoTime();
        while (System.nanoTime() - steadySince < TimeUnit.MILLISECONDS.toNanos(millis))
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the mesh was not steady for " + millis + " ms within 60 s");
            }
            drive(5, () -> { });
            if (!allLive() || !aVia(b) || aVia(c) || !agent.settled())
            {
                steadySince = System.nanoTime();
            }
        }
    }

    private void await(final BooleanSupplier condition, final long millis, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                final MeshTable table = agent.table();
                throw new IllegalStateException("timed out after " + millis + " ms waiting for " + what + " (table v" + table.version() +
                    ", a's route " + agent.installed(a, STREAM) + ", live " + rig.layout.nodes().stream()
                    .map(n -> n.name() + "=" + agent.live(n.id())).toList() + ")");
            }
            drive(5, () -> { });
        }
    }

    private void applied(final int node, final long correlationId) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ControlClient.Ack ack;
        while ((ack = agent.ack(node, correlationId)) == null)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no acknowledgement of a fault injection in 5 s");
            }
            drive(1, () -> { });
        }
        if (!ack.applied())
        {
            throw new IllegalStateException("fault injection refused: " + ack.field() + ": " + ack.reason());
        }
    }

    private static String readQuietly(final Path file)
    {
        try
        {
            return java.nio.file.Files.readString(file);
        }
        catch (final java.io.IOException ex)
        {
            return "(unreadable: " + ex.getMessage() + ")";
        }
    }

    private void say(final String format, final Object... args)
    {
        out.printf(Locale.ROOT, "  %6.2f s  %s%n", seconds(System.nanoTime() - start), String.format(Locale.ROOT, format, args));
    }

    private static double seconds(final long nanos)
    {
        return nanos / 1e9;
    }
}
