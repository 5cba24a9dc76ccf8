package io.flowlane.perf;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.dataplane.ApplianceMain;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.packet.Ipv4Header;

import org.HdrHistogram.Histogram;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Update-to-applied latency of the control channel: starts an appliance (its own process, from
 * {@code --config}, which must have a {@code control:} section), then sends route updates at a
 * fixed rate over Aeron and records, per update, what the data plane measured (send → every
 * worker past a quiescent point after the change: the moment all forwarding uses it) and what
 * the controller saw (send → acknowledgement received). Prints percentiles and a JSON line.
 */
@Command(name = "control-latency", mixinStandardHelpOptions = true,
    description = "Route update-to-applied latency over the control channel (Aeron IPC or UDP).")
public final class ControlLatencyBench implements Callable<Integer>
{
    @Option(names = "--config", required = true, description = "appliance config with a control: section")
    Path config;
    @Option(names = "--aeron-dir", required = true, description = "the appliance's Aeron directory (its control.aeron-dir)")
    String aeronDir;
    @Option(names = "--rate", defaultValue = "10000", description = "updates per second, paced")
    int rate;
    @Option(names = "--updates", defaultValue = "100000", description = "updates measured")
    int updates;
    @Option(names = "--warmup", defaultValue = "20000", description = "updates sent before measuring")
    int warmup;
    @Option(names = "--log", defaultValue = "/tmp/flowlane-control-latency-appliance.log")
    Path log;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ControlLatencyBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final Process appliance = ChildProcesses.java(log, ApplianceMain.class.getName(), config.toString());
        try
        {
            ChildProcesses.awaitLine(appliance, log, "flowlane: forwarding on", 60);
            try (ControlClient client = ControlClient.connect(ControlClient.Config.ipc(aeronDir, null)).awaitConnected(30_000))
            {
                final Histogram applied = new Histogram(60_000_000_000L, 3);
                final Histogram roundTrip = new Histogram(60_000_000_000L, 3);
                run(client, warmup, null, null);
                run(client, updates, applied, roundTrip);
                final String json = String.format(Locale.ROOT,
                    "{\"rate\":%d,\"updates\":%d,\"applied_p50_us\":%.1f,\"applied_p90_us\":%.1f,\"applied_p99_us\":%.1f," +
                    "\"applied_p999_us\":%.1f,\"applied_max_us\":%.1f,\"ack_p50_us\":%.1f,\"ack_p99_us\":%.1f,\"ack_p999_us\":%.1f}",
                    rate, applied.getTotalCount(), us(applied, 50), us(applied, 90), us(applied, 99), us(applied, 99.9),
                    applied.getMaxValue() / 1e3, us(roundTrip, 50), us(roundTrip, 99), us(roundTrip, 99.9));
                System.out.printf(Locale.ROOT, "update-to-applied (data plane: send -> all workers use it), %d updates at %d/s:%n",
                    applied.getTotalCount(), rate);
                System.out.printf(Locale.ROOT, "  p50 %.1f us  p90 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us%n",
                    us(applied, 50), us(applied, 90), us(applied, 99), us(applied, 99.9), applied.getMaxValue() / 1e3);
                System.out.printf(Locale.ROOT, "send -> ack received (controller's view): p50 %.1f us  p99 %.1f us  p99.9 %.1f us%n",
                    us(roundTrip, 50), us(roundTrip, 99), us(roundTrip, 99.9));
                System.out.println(json);
            }
        }
        finally
        {
            ChildProcesses.stop(appliance);
        }
        return 0;
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1e3;
    }

    /** Paced open loop: update i is due at start + i/rate whether or not earlier acks have come back. */
    private void run(final ControlClient client, final int count, final Histogram applied, final Histogram roundTrip)
    {
        final List<NextHop> gateway = List.of(NextHop.viaIpv4(null, Ipv4Header.parse("10.1.0.2"), 1));
        final long base = Ipv4Header.parse("20.0.0.0") & 0xFFFF_FFFFL;
        final long[] sentAt = new long[count];
        final long firstId = client.routeAdd(4, base, 0, 24, gateway);
        final long[] acked = new long[1];
        final long start = System.nanoTime();
        final long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        sentAt[0] = start;
        long sent = 1;
        final java.util.function.Consumer<ControlClient.Ack> onAck = ack ->
        {
            if (!ack.applied())
            {
                throw new IllegalStateException("update rejected: " + ack.field() + ": " + ack.reason());
            }
            final int index = (int)(ack.correlationId() - firstId);
            if (applied != null && index >= 0 && index < count)
            {
                applied.recordValue(Math.max(1, ack.latencyNanos()));
                roundTrip.recordValue(Math.max(1, System.nanoTime() - sentAt[index]));
            }
            acked[0]++;
        };
        while (sent < count)
        {
            final long due = start + sent * interval;
            // Sleep rather than spin while waiting: the controller must not take the CPU the data
            // plane's control thread needs (on a small host they share one), or the scheduler's
            // wake-up granularity (about a millisecond) shows up in the very latency measured.
            for (long now = System.nanoTime(); now < due; now = System.nanoTime())
            {
                if (client.pollAcks(onAck) == 0)
                {
                    LockSupport.parkNanos(Math.min(due - now, 200_000));
                }
            }
            // Alternate add and delete of 4096 /24s so the tables stay small and every update changes them.
            final int slot = (int)(sent % 8192);
            final long prefix = base + ((long)(slot % 4096) << 8);
            sentAt[(int)sent] = System.nanoTime();
            if (slot < 4096)
            {
                client.routeAdd(4, prefix, 0, 24, gateway);
            }
            else
            {
                client.routeDelete(4, prefix, 0, 24);
            }
            sent++;
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acked[0] < count && System.nanoTime() < deadline)
        {
            client.pollAcks(onAck);
        }
        if (acked[0] < count)
        {
            throw new IllegalStateException(acked[0] + " of " + count + " updates acknowledged");
        }
    }
}
