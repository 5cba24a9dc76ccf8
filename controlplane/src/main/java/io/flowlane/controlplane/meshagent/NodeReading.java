package io.flowlane.controlplane.meshagent;

import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One node's telemetry turned into what the mesh manager scores (MeshNodeHealth): the busy ratio
 * of its busiest worker (a node is as loaded as the worker its flows hash to the most; a mean
 * would hide one saturated worker), its received packets per second, and the packets it lost per
 * second by its own fault: those its workers dropped blamed on the node (the report's
 * nodeDropPackets: no buffer room or mbufs, cipher failures, injected faults) and those its ports
 * could not take in (rxMissed: the receive ring overflowed; rxNoMbuf: no mbuf to receive into),
 * both signs that it does not keep up. Drops blamed on the packet (malformed, not for us, ESP
 * replay) or on the path (no route, a full transmit queue toward a neighbour that died) are left
 * out: counted, they made an ingress whose neighbour died look lossy for the hold below while it
 * dropped what it still sent that way, and anyone sending a node garbage could make it look
 * lossy. A report older than schema version 2 has no nodeDropPackets; its dropPackets (all but
 * policy drops) is counted instead, as before. The first report of a node is its baseline: losses
 * counted before the agent attached are not news.
 *
 * <p>What is reported is filtered and held down, as routing protocols damp a flapping route. The
 * busy ratio is first the median of the last three reports: one interval's outlier (a worker
 * descheduled during one of its sampled polls is counted 64 times over; the first packets after a
 * start run interpreted) is not a degradation, and a real one shows one interval later. Then it is
 * the highest of those medians over the last {@link #BUSY_HOLD_MILLIS}, and the loss the worst
 * (highest share lost) of the last {@link #LOSS_HOLD_MILLIS}. A degradation counts at once; a node counts as recovered only
 * once it stayed recovered that long. Without it the manager, which scores the latest report,
 * would send traffic back to a failing node the moment the traffic it had moved away stopped
 * showing the failure (a node that drops what it receives drops nothing once it receives nothing),
 * and a busy ratio that wavers around a cost boundary would move a share of the flows back and
 * forth every report.
 */
public final class NodeReading
{
    public static final long BUSY_HOLD_MILLIS = 1_000;
    public static final long LOSS_HOLD_MILLIS = 5_000;

    /** @param busy the median of this report's busy ratio and the two before it */
    private record Sample(long nanos, double busy, double rxPerSecond, double lostPerSecond)
    {
        double lossRatio()
        {
            final double offered = rxPerSecond + lostPerSecond;
            return offered > 0 ? lostPerSecond / offered : 0;
        }
    }

    private final ArrayDeque<Sample> recent = new ArrayDeque<>();
    private long sequence = -1;
    private long totalDrops;
    private long totalLost;
    private long totalRx;
    private long totalTx;
    private double busy;
    private double rxPerSecond;
    private double lostPerSecond;
    private long reports;
    private long lastNanos;
    private final double[] lastBusy = new double[3];
    private long longestGapNanos;

    /**
     * Reads a report received at {@code nanos} (System.nanoTime()).
     *
     * @return true if the node restarted since its previous report (its sequence began again): its
     *         tables are not what they were, and this report is a new baseline
     */
    public boolean read(final TelemetryReportDecoder report, final long nanos)
    {
        final boolean restarted = sequence >= 0 && report.sequence() <= sequence;
        double maxBusy = 0;
        double rate = 0;
        long drops = 0;
        long lost = 0;
        long rx = 0;
        long tx = 0;
        for (final TelemetryReportDecoder.WorkersDecoder worker : report.workers())
        {
            maxBusy = Math.max(maxBusy, worker.busyRatio());
            rate += worker.rxPacketsPerSecond();
            drops += worker.dropPackets();
            final long nodeDrops = worker.nodeDropPackets();
            lost += nodeDrops == TelemetryReportDecoder.WorkersDecoder.nodeDropPacketsNullValue() ? worker.dropPackets() : nodeDrops;
            rx += worker.rxPackets();
            tx += worker.txPackets();
        }
        for (final TelemetryReportDecoder.PortsDecoder port : report.ports())
        {
            lost += port.rxMissed() + port.rxNoMbuf();
        }
        final double seconds = report.intervalNanos() / 1e9;
        lostPerSecond = sequence < 0 || restarted || seconds <= 0 ? 0 : Math.max(0, lost - totalLost) / seconds;
        busy = Math.clamp(Double.isNaN(maxBusy) ? 0 : maxBusy, 0.0, 1.0);
        rxPerSecond = Math.max(0, rate);
        totalDrops = drops;
        totalLost = lost;
        totalRx = rx;
        totalTx = tx;
        sequence = report.sequence();
        if (reports > 0)
        {
            longestGapNanos = Math.max(longestGapNanos, nanos - lastNanos);
        }
        lastNanos = nanos;
        reports++;
        if (restarted)
        {
            recent.clear();
        }
        lastBusy[(int)((reports - 1) % lastBusy.length)] = busy;
        recent.addLast(new Sample(nanos, medianBusy(), rxPerSecond, lostPerSecond));
        while (nanos - recent.peekFirst().nanos() > TimeUnit.MILLISECONDS.toNanos(Math.max(BUSY_HOLD_MILLIS, LOSS_HOLD_MILLIS)))
        {
            recent.removeFirst();
        }
        return restarted;
    }

    /** The median of the last three busy ratios (fewer before the third report). */
    private double medianBusy()
    {
        final int n = (int)Math.min(reports, lastBusy.length);
        if (n < 3)
        {
            double max = 0;
            for (int i = 0; i < n; i++)
            {
                max = Math.max(max, lastBusy[i]);
            }
            return max;
        }
        final double a = lastBusy[0];
        final double b = lastBusy[1];
        final double c = lastBusy[2];
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** The busy ratio of the latest report. */
    public double busy()
    {
        return busy;
    }

    public double rxPerSecond()
    {
        return rxPerSecond;
    }

    /** Packets lost by the node's fault per second in the latest report (node-blamed drops, rx missed, rx no mbuf). */
    public double lostPerSecond()
    {
        return lostPerSecond;
    }

    /** The highest busy ratio of the last {@link #BUSY_HOLD_MILLIS}: what the manager is told. */
    public double heldBusy()
    {
        final long newest = recent.isEmpty() ? 0 : recent.peekLast().nanos();
        double max = 0;
        for (final Sample sample : recent)
        {
            if (newest - sample.nanos() <= TimeUnit.MILLISECONDS.toNanos(BUSY_HOLD_MILLIS))
            {
                max = Math.max(max, sample.busy());
            }
        }
        return max;
    }

    /** The report of the last {@link #LOSS_HOLD_MILLIS} that lost the largest share (the latest when none lost any). */
    private Sample worstLoss()
    {
        Sample worst = recent.peekLast();
        for (final Sample sample : recent)
        {
            if (sample.lossRatio() > worst.lossRatio())
            {
                worst = sample;
            }
        }
        return worst;
    }

    /** Receive rate the manager is told: the latest, or the worst loss's of the hold time. */
    public double heldRxPerSecond()
    {
        return recent.isEmpty() ? 0 : worstLoss().rxPerSecond();
    }

    /** Loss rate the manager is told (MeshNodeHealth's dropPacketsPerSecond): the worst loss's of the hold time. */
    public double heldLostPerSecond()
    {
        return recent.isEmpty() ? 0 : worstLoss().lostPerSecond();
    }

    /**
     * Packets the node's workers received, sent and dropped (all but policy drops, whoever was to
     * blame) since it started (cumulative counters).
     */
    public long totalRx()
    {
        return totalRx;
    }

    public long totalTx()
    {
        return totalTx;
    }

    public long totalDrops()
    {
        return totalDrops;
    }

    /** Packets lost by the node's own fault since it started: node-blamed drops, rx missed, rx no mbuf. */
    public long totalLost()
    {
        return totalLost;
    }

    public long reports()
    {
        return reports;
    }

    /** The longest time between two reports as read since the start or {@link #clearLongestGap()} (a starved appliance, network or reader shows here). */
    public long longestGapNanos()
    {
        return longestGapNanos;
    }

    public void clearLongestGap()
    {
        longestGapNanos = 0;
    }
}
