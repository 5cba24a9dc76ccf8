package io.flowlane.controlplane.predict;

import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.health.NoveltyDetector;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The PPE Health Monitor (seed 002) with seed 000's health score: from each telemetry report,
 * per engine (worker) and per tunnel, a score in [0, 1] (1 = healthy) from resource use and
 * error rates, and per tunnel the failure probability of its {@link FailurePredictor}.
 *
 * <pre>
 *   worker: score = (1 - max(0, busy - 0.8) / 0.2) * (1 - min(1, dropRatio * 100)) * (1 - max(0, mbufUse - 0.9) / 0.1)
 *                   * (anomaly > 0.506 ? 0.5 : 1)
 *   tunnel: score = 1 - P(failure within the horizon)
 * </pre>
 *
 * i.e. a worker loses health as its busy ratio passes 80 % (headroom gone), as it drops packets
 * (1 % dropped is zero health), as the mbuf pool runs dry, and (by up to half) while its busy
 * cycles per packet do something never seen before ({@link NoveltyDetector}'s score above 0.506,
 * its NAB-optimal threshold, docs/prediction.md; it learns each worker's normal for its first
 * {@code learningReports} reports; on stationary noise about 1 report in 10 000 passes it). Health scores are what the steering and mesh layers rank paths by.
 */
public final class HealthMonitor
{
    /** One entity's health now. */
    public record Health(String entity, double score, double failureProbability, String detail)
    {
    }

    private final double horizonSeconds;
    private final java.util.function.Function<String, FailurePredictor> predictorFor;
    private final Map<String, FailurePredictor> tunnels = new HashMap<>();
    private final Map<Integer, long[]> lastWorker = new HashMap<>();
    private final Map<Integer, NoveltyDetector> workerNovelty = new HashMap<>();
    private final int learningReports;
    /** The detector's threshold on NAB's standard profile (docs/prediction.md). */
    private static final double ANOMALY_THRESHOLD = 0.506;
    private final List<Health> latest = new ArrayList<>();
    private final long start = System.nanoTime();

    /**
     * @param predictorFor makes the predictor for a tunnel seen for the first time (its limit from
     *                     {@link Baselines}, say)
     */
    public HealthMonitor(final double horizonSeconds, final java.util.function.Function<String, FailurePredictor> predictorFor,
        final int learningReports)
    {
        this.horizonSeconds = horizonSeconds;
        this.predictorFor = predictorFor;
        this.learningReports = learningReports;
    }

    /** Reads one report (all of it, in order) and recomputes every score. */
    public List<Health> onTelemetry(final TelemetryReportDecoder report)
    {
        latest.clear();
        final double time = (report.timestampNanos() - start) / 1e9;
        final double mbufUse = report.mbufsTotal() == 0 ? 0 : (double)report.mbufsInUse() / report.mbufsTotal();
        for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
        {
            // A worker seen for the first time (a controller attaching to a running appliance) gives
            // its counters' baseline: what it dropped before is history, not this interval's health.
            // Only the drops the worker is to blame for (docs/dataplane.md): a packet without a route, or
            // for a tunnel over its rate, says nothing about the worker. An appliance older than schema
            // version 2 reports no such count; all its non-policy drops count then, as before.
            final long ownDrops = worker.nodeDropPackets() == TelemetryReportDecoder.WorkersDecoder.nodeDropPacketsNullValue() ?
                worker.dropPackets() : worker.nodeDropPackets();
            final long[] last = lastWorker.computeIfAbsent(worker.worker(), w -> new long[] {worker.rxPackets(), ownDrops});
            final long rx = worker.rxPackets() - last[0];
            final long drops = ownDrops - last[1];
            last[0] = worker.rxPackets();
            last[1] = ownDrops;
            final double dropRatio = rx <= 0 ? 0 : (double)drops / rx;
            final double busy = worker.busyRatio();
            final double cyclesPerPacket = worker.busyCyclesPerPacket();
            final double anomaly = rx <= 0 ? 0 : workerNovelty.computeIfAbsent(worker.worker(),
                w -> new NoveltyDetector(NoveltyDetector.Config.withLearningPoints(learningReports)))
                .update(report.epochMillis(), cyclesPerPacket);
            final double score = clamp(1 - Math.max(0, busy - 0.8) / 0.2) * clamp(1 - dropRatio * 100) *
                clamp(1 - Math.max(0, mbufUse - 0.9) / 0.1) * (anomaly > ANOMALY_THRESHOLD ? 0.5 : 1);
            latest.add(new Health("worker " + worker.worker(), score, 1 - score, String.format(java.util.Locale.ROOT,
                "busy %.0f%%, drops %.3f%%, mbufs %.0f%%, %.0f cycles/packet (anomaly %.2f)", 100 * busy, 100 * dropRatio,
                100 * mbufUse, cyclesPerPacket, anomaly)));
        }
        TelemetryGroups.skipPorts(report);
        for (final TelemetryReportDecoder.TunnelsDecoder tunnel : report.tunnels())
        {
            final double transit = tunnel.transitNanos();
            final String name = tunnel.name();
            final FailurePredictor predictor = tunnels.computeIfAbsent(name, predictorFor);
            if (transit > 0)
            {
                predictor.observe(time, transit);
            }
            final double p = predictor.probability(horizonSeconds);
            latest.add(new Health("tunnel " + name, 1 - p, p, String.format(java.util.Locale.ROOT,
                "transit %.0f ns (limit %.0f), trend %+.0f ns/s", predictor.level(), predictor.limit(), predictor.slope())));
        }
        return List.copyOf(latest);
    }

    private static double clamp(final double value)
    {
        return Math.max(0, Math.min(1, value));
    }
}
