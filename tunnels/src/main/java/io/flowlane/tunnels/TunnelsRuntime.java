package io.flowlane.tunnels;

import io.flowlane.dataplane.extension.ExtensionContext;
import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.dataplane.fib.TunnelDirectory;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.pipeline.PacketGraph;
import io.flowlane.tunnels.esp.EspDecrypt;
import io.flowlane.tunnels.esp.EspEncrypt;
import io.flowlane.tunnels.gre.GreDecap;
import io.flowlane.tunnels.gre.GreEncap;

import java.lang.foreign.Arena;

/**
 * The started tunnels module: the tunnel table, and per worker one {@link TunnelStages} with the
 * four stages (gre-encap, gre-decap, esp-encrypt, esp-decrypt). Changes (create, scale, delete)
 * must run on the appliance's control thread, e.g. {@code appliance.apply(c -> runtime.table().create(t))}.
 */
public final class TunnelsRuntime implements ExtensionRuntime
{
    private static final int PROTO_GRE = Ipv4Header.PROTO_GRE;
    private static final int PROTO_ESP = Ipv4Header.PROTO_ESP;

    private final TunnelTable table;
    private final TunnelStages[] workers;
    private final Arena arena;

    TunnelsRuntime(final TunnelsConfig config, final ExtensionContext context)
    {
        this.arena = context.arena();
        this.table = new TunnelTable(config.capacity(), context.workers(), context.gracePeriods(),
            context.control().tables().adjacencies(), context.counters());
        this.workers = new TunnelStages[context.workers()];
        for (int w = 0; w < workers.length; w++)
        {
            workers[w] = new TunnelStages(table, w, workers.length, config.capacity());
        }
        config.tunnels().forEach(table::create);
    }

    public TunnelTable table()
    {
        return table;
    }

    @Override
    public TunnelDirectory tunnels()
    {
        return table;
    }

    @Override
    public void plug(final PacketGraph graph, final int worker)
    {
        final TunnelStages stages = workers[worker];
        graph.add(new GreEncap(stages, graph.ipv4Fragmenter()));
        graph.add(new GreDecap(stages));
        graph.add(new EspEncrypt(stages, graph.ipv4Fragmenter(), arena));
        graph.add(new EspDecrypt(stages, arena));
        graph.ipv4Local().claim(PROTO_GRE, TunnelTable.GRE_DECAP);
        graph.ipv4Local().claim(PROTO_ESP, TunnelTable.ESP_DECRYPT);
        graph.ipv6Local().claim(PROTO_GRE, TunnelTable.GRE_DECAP);
        graph.ipv6Local().claim(PROTO_ESP, TunnelTable.ESP_DECRYPT);
    }

    @Override
    public void publish(final int worker)
    {
        workers[worker].publish();
    }

    /**
     * A tunnel's packet and byte counters summed over workers: tx packets, tx bytes (outer),
     * rx packets, rx bytes (inner). Plain reads of the workers' counters: exact once traffic stops.
     */
    public long[] counters(final String name)
    {
        return sumOverWorkers(name, TunnelStages.COUNTERS, stages -> stages.counters);
    }

    /** A tunnel's sampled transit: {cycles, samples} summed over workers (plain reads; for rates, take deltas). */
    public long[] latencySamples(final String name)
    {
        return sumOverWorkers(name, 2, stages -> stages.latency);
    }

    /** Sums one tunnel's {@code width} values (at slot * width) of a per-worker array over the workers. */
    private long[] sumOverWorkers(final String name, final int width,
        final java.util.function.Function<TunnelStages, long[]> perWorker)
    {
        final int slot = table.index(name);
        if (slot < 0)
        {
            throw new IllegalArgumentException("name: no tunnel named '" + name + "'");
        }
        final long[] sum = new long[width];
        for (final TunnelStages stages : workers)
        {
            final long[] values = perWorker.apply(stages);
            for (int c = 0; c < width; c++)
            {
                sum[c] += values[slot * width + c];
            }
        }
        return sum;
    }

    @Override
    public void close()
    {
        table.close();
    }
}
