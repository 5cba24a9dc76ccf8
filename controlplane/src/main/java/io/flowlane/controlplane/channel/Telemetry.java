package io.flowlane.controlplane.channel;

import io.aeron.Publication;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;
import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.worker.Worker;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.TunnelsRuntime;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Publishes a {@code TelemetryReport} every interval (default 100 ms) on the telemetry stream and
 * into the journal: per worker packets, drops (all but policy, and those blamed on the node
 * itself), rate, busy ratio and busy cycles per packet; per port the driver's counters; per
 * tunnel packets and bytes; mbuf pool use; and the percentiles of update-to-applied latency.
 * Runs on the control thread; reads the workers' published counters (plain fields, at most one
 * publish period old).
 */
final class Telemetry
{
    private final Appliance appliance;
    private final TunnelsRuntime tunnels;
    private final Publication publication;
    private final Journal journal;
    private final UpdateLatency latency;
    private final long intervalNanos;
    private final EpochNanoClock wallClock = new SystemEpochNanoClock();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TelemetryReportEncoder report = new TelemetryReportEncoder();
    private final long[] lastRx;
    private final long[] lastBusy;
    private final long[] lastTotal;
    private final java.util.Map<String, long[]> lastTransit = new java.util.HashMap<>();
    private final double tscHz = io.flowlane.dataplane.eal.Eal.tscHz();
    private long lastReport;
    private long sequence;
    private long dropped;

    Telemetry(final Appliance appliance, final TunnelsRuntime tunnels, final Publication publication, final Journal journal,
        final UpdateLatency latency, final long intervalNanos)
    {
        this.appliance = appliance;
        this.tunnels = tunnels;
        this.publication = publication;
        this.journal = journal;
        this.latency = latency;
        this.intervalNanos = intervalNanos;
        final int workers = appliance.workers().size();
        lastRx = new long[workers];
        lastBusy = new long[workers];
        lastTotal = new long[workers];
        lastReport = System.nanoTime();
    }

    int publishIfDue(final long applied, final long rejected)
    {
        if (System.nanoTime() - lastReport < intervalNanos)
        {
            return 0;
        }
        publishNow(applied, rejected);
        return 1;
    }

    void publishNow(final long applied, final long rejected)
    {
        final long now = System.nanoTime();
        final long interval = now - lastReport;
        lastReport = now;
        report.wrapAndApplyHeader(buffer, 0, header)
            .sequence(++sequence)
            .timestampNanos(now)
            .epochMillis(System.currentTimeMillis())
            .intervalNanos(interval)
            .mbufsInUse(appliance.pool().inUse())
            .mbufsTotal(appliance.pool().size())
            .updatesApplied(applied)
            .updatesRejected(rejected);

        final List<Worker> workers = appliance.workers();
        final TelemetryReportEncoder.WorkersEncoder workerGroup = report.workersCount(workers.size());
        for (int w = 0; w < workers.size(); w++)
        {
            final WorkerStats stats = workers.get(w).stats();
            final long rx = stats.totalRx();
            final long busy = stats.busyCycles;
            final long total = stats.totalCycles;
            final long rxDelta = rx - lastRx[w];
            final long busyDelta = busy - lastBusy[w];
            final long totalDelta = total - lastTotal[w];
            workerGroup.next()
                .worker(w)
                .rxPackets(rx)
                .txPackets(stats.totalTx())
                .dropPackets(stats.unintendedDrops())
                .rxPacketsPerSecond(interval > 0 ? rxDelta * 1e9 / interval : 0)
                .busyRatio(totalDelta > 0 ? (float)Math.min(1.0, (double)busyDelta / totalDelta) : 0f)
                .busyCyclesPerPacket(rxDelta > 0 ? (float)busyDelta / rxDelta : 0f)
                .nodeDropPackets(stats.nodeDrops());
            lastRx[w] = rx;
            lastBusy[w] = busy;
            lastTotal[w] = total;
        }

        final List<EthPort> ports = appliance.ports();
        final TelemetryReportEncoder.PortsEncoder portGroup = report.portsCount(ports.size());
        for (int p = 0; p < ports.size(); p++)
        {
            final EthPort.PortStats stats = ports.get(p).stats();
            portGroup.next()
                .port(p)
                .rxPackets(stats.rxPackets())
                .txPackets(stats.txPackets())
                .rxMissed(stats.rxMissed())
                .rxNoMbuf(stats.rxNoMbuf())
                .txErrors(stats.txErrors());
        }

        final List<Tunnel> all = tunnels == null ? List.of() : tunnels.table().all();
        final int tunnelCount = Math.min(all.size(), 256);
        final TelemetryReportEncoder.TunnelsEncoder tunnelGroup = report.tunnelsCount(tunnelCount);
        for (int t = 0; t < tunnelCount; t++)
        {
            final String name = all.get(t).name();
            final long[] counters = tunnels.counters(name);
            final long[] samples = tunnels.latencySamples(name);
            final long[] last = lastTransit.computeIfAbsent(name, n -> new long[2]);
            final long cycles = samples[0] - last[0];
            final long count = samples[1] - last[1];
            last[0] = samples[0];
            last[1] = samples[1];
            tunnelGroup.next()
                .txPackets(counters[0])
                .txBytes(counters[1])
                .rxPackets(counters[2])
                .rxBytes(counters[3])
                .transitNanos(count > 0 ? cycles * 1e9 / tscHz / count : 0)
                .tunnelId(tunnels.table().index(name))
                .bandwidthBitsPerSecond(all.get(t).bandwidth())
                .name(name);
        }

        final TelemetryReportEncoder.UpdateLatencyEncoder latencyGroup = report.updateLatencyCount(UpdateLatency.PERCENTILES.length);
        for (final double percentile : UpdateLatency.PERCENTILES)
        {
            latencyGroup.next().percentile(percentile).nanos(latency.count() == 0 ? 0 : latency.valueAtPercentile(percentile));
        }

        final int length = MessageHeaderEncoder.ENCODED_LENGTH + report.encodedLength();
        if (journal != null)
        {
            journal.append(Journal.Kind.TELEMETRY, wallClock.nanoTime(), buffer, 0, length);
        }
        if (publication.offer(buffer, 0, length) < 0)
        {
            dropped++; // nobody listening, or a slow reader: telemetry is periodic, the next report supersedes
        }
    }

    long dropped()
    {
        return dropped;
    }
}
