package io.flowlane.dataplane.testing;

import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.port.MbufPool;
import io.flowlane.dataplane.port.RingPortPair;
import io.flowlane.dataplane.stats.CounterFile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An appliance running in the test JVM with each of its ports wired (net_ring) to a
 * {@link TestPort} the test drives. The YAML names devices "net_ring_{link}_a"; the harness creates the
 * ring pair for every link first, then starts the appliance from the YAML (with the test EAL).
 */
public final class ApplianceHarness implements AutoCloseable
{
    public final Appliance appliance;
    public final MbufPool testPool;
    private final Map<String, TestPort> links = new LinkedHashMap<>();

    public ApplianceHarness(final String yaml, final int queues, final String... links)
    {
        TestEal.init();
        testPool = MbufPool.create("test_" + Long.toHexString(System.nanoTime()), 8191, 0, MbufPool.DEFAULT_DATA_ROOM, -1);
        for (final String link : links)
        {
            final RingPortPair pair = RingPortPair.create(link, queues, 4096);
            this.links.put(link, TestPort.started(pair.b(), testPool, queues));
        }
        final ApplianceConfig parsed = ConfigLoader.parse("test.yaml", yaml);
        appliance = Appliance.start(parsed.embeddedIn(TestEal.CONFIG));
    }

    public TestPort link(final String name)
    {
        return links.get(name);
    }

    public long drops(final DropReason reason)
    {
        return CounterFile.sum(appliance.counterFile().manager(), "drop " + reason.label());
    }

    /** Every drop reason with a non-zero count, for failure messages. */
    public Map<String, Long> nonZeroDrops()
    {
        final Map<String, Long> drops = new LinkedHashMap<>();
        for (final DropReason reason : DropReason.values())
        {
            final long count = drops(reason);
            if (count != 0)
            {
                drops.put(reason.label(), count);
            }
        }
        return drops;
    }

    public long counter(final String suffix)
    {
        return CounterFile.sum(appliance.counterFile().manager(), suffix);
    }

    /** Waits (up to 5 s) for a counter to reach {@code expected}; returns its last value. */
    public static long await(final LongSupplier counter, final long expected)
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        long value = counter.getAsLong();
        while (value < expected && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
            value = counter.getAsLong();
        }
        return value;
    }

    /**
     * Waits for the test pool to have {@code expected} free mbufs again; returns the last count.
     * Over net_ring every mbuf the appliance sees came from the test pool (the ring PMD passes
     * pointers), so this is the leak check for the appliance's drop and transmit paths.
     */
    public long awaitTestPoolAvailable(final int expected)
    {
        return await(testPool::available, expected);
    }

    @Override
    public void close()
    {
        appliance.close();
    }
}
