package io.flowlane.dataplane;

import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.stats.CounterFile;
import io.flowlane.dataplane.worker.Worker;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an appliance from a config file until it is told to stop (SIGINT/SIGTERM), printing the
 * forwarding rate once a second: {@code ApplianceMain <config.yaml> [seconds]}.
 * Exit codes: 0 stopped normally, 2 bad configuration, 1 failed to start.
 */
public final class ApplianceMain
{
    private ApplianceMain()
    {
    }

    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length < 1)
        {
            System.err.println("usage: ApplianceMain <config.yaml> [seconds to run, 0 = until stopped]");
            System.exit(2);
        }
        final ApplianceConfig config;
        try
        {
            config = ConfigLoader.load(Path.of(args[0]));
        }
        catch (final ConfigException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(2);
            return;
        }
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        final Appliance appliance;
        try
        {
            appliance = Appliance.start(config);
        }
        catch (final RuntimeException ex)
        {
            System.err.println("flowlane: cannot start: " + ex.getMessage());
            System.exit(1);
            return;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            stopped.countDown();
            appliance.close();
        }));
        System.out.println("flowlane: forwarding on " + appliance.ports() + " with " + appliance.workers().size() + " worker(s)");
        long lastRx = 0;
        long lastTx = 0;
        long lastDrops = 0;
        long lastBusy = 0;
        long lastTotal = 0;
        for (int elapsed = 1; seconds == 0 || elapsed <= seconds; elapsed++)
        {
            if (stopped.await(1, java.util.concurrent.TimeUnit.SECONDS))
            {
                return;
            }
            final var reader = appliance.counterFile().manager();
            final long rx = sumOverPorts(reader, config, "rx-packets ");
            final long tx = sumOverPorts(reader, config, "tx-packets ");
            long drops = 0;
            for (final DropReason reason : DropReason.values())
            {
                drops += CounterFile.sum(reader, "drop " + reason.label());
            }
            final long busy = CounterFile.sum(reader, "busy-cycles");
            final long total = CounterFile.sum(reader, "total-cycles");
            System.out.printf(Locale.ROOT, "rx %7.3f Mpps  tx %7.3f Mpps  drops %d/s  busy %3.0f%%%n",
                (rx - lastRx) / 1e6, (tx - lastTx) / 1e6, drops - lastDrops,
                total == lastTotal ? 0.0 : 100.0 * (busy - lastBusy) / (total - lastTotal));
            lastRx = rx;
            lastTx = tx;
            lastDrops = drops;
            lastBusy = busy;
            lastTotal = total;
        }
        appliance.close();
        printSummary(appliance);
    }

    private static long sumOverPorts(final org.agrona.concurrent.status.CountersReader reader, final ApplianceConfig config,
        final String what)
    {
        long sum = 0;
        for (final ApplianceConfig.Port port : config.ports())
        {
            sum += CounterFile.sum(reader, what + port.name());
        }
        return sum;
    }

    private static void printSummary(final Appliance appliance)
    {
        for (final Worker worker : appliance.workers())
        {
            final WorkerStats stats = worker.stats();
            System.out.printf(Locale.ROOT, "worker %d: rx %d tx %d drops %d%n", worker.index(), stats.totalRx(),
                stats.totalTx(), stats.totalDrops());
        }
    }
}
