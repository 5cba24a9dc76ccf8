package io.flowlane.perf.jmh;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.eal.EalConfig;
import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.pipeline.IcmpRateLimiter;
import io.flowlane.dataplane.pipeline.NeighborEvents;
import io.flowlane.dataplane.pipeline.PacketGraph;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.dataplane.pipeline.WorkerStats;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.port.MbufPool;
import io.flowlane.dataplane.port.RingPortPair;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * What the graph benchmarks share: an appliance on two net_ring links (its own worker idles on
 * the empty rings), and a worker graph built the way Appliance builds one (core stages, then every
 * extension's stages) that the benchmark thread runs itself. A burst of {@link #BURST} mbufs
 * goes round: {@link #refill} copies pristine frames in, the graph (or {@link #baseline}) sends
 * them to "east", {@link #reclaim} takes them back from the ring's other end.
 *
 * <p>The config must name its ports {@code west} and {@code east} on the devices
 * {@code net_ring_<westLink>_a} and {@code net_ring_<eastLink>_a}.
 */
final class WorkerGraphRig
{
    static final int BURST = 32;

    final Appliance appliance;
    final PacketGraph graph;
    final PacketVector vector;
    final EthPort east;
    private final EthPort eastPeer;
    private final long scratch;
    private final long[] mbufs = new long[BURST];

    WorkerGraphRig(final Arena arena, final String yaml, final String westLink, final String eastLink)
    {
        // Hugepages as deployed, unless -Dflowlane.noHuge=true (then ordinary 4 KiB pages, as in the tests).
        final boolean noHuge = Boolean.getBoolean("flowlane.noHuge");
        final EalConfig eal = new EalConfig(List.of(), List.of(), noHuge, noHuge ? 512 : 256,
            "flowlane-jmh-" + ProcessHandle.current().pid(), false, "warning", List.of());
        Eal.init(eal);
        final MbufPool peerPool = MbufPool.create("jmh_peer", 1023, 0, MbufPool.DEFAULT_DATA_ROOM, -1);
        final EthPort westPeer = RingPortPair.create(westLink, 1, 1024).b();
        westPeer.configure(1, 1, 1024, 1024, peerPool, false, 0);
        westPeer.start();
        eastPeer = RingPortPair.create(eastLink, 1, 1024).b();
        eastPeer.configure(1, 1, 1024, 1024, peerPool, false, 0);
        eastPeer.start();
        appliance = Appliance.start(ConfigLoader.parse("jmh.yaml", yaml).embeddedIn(eal));
        graph = new PacketGraph(arena, 0, 0, new NeighborEvents(1024), new IcmpRateLimiter(1000, 100), appliance.pool().address());
        for (final ExtensionRuntime extension : appliance.extensions())
        {
            extension.plug(graph, 0);
        }
        vector = new PacketVector(arena, new WorkerStats());
        vector.tables = appliance.tables();
        east = appliance.port("east");
        scratch = arena.allocate(ValueLayout.JAVA_LONG, BURST).address();
        for (int i = 0; i < BURST; i++)
        {
            mbufs[i] = FastPath.alloc(appliance.pool().address());
        }
    }

    /** Puts frame {@code i} of {@code templates} (each {@code length} bytes) back in mbuf {@code i}, for every mbuf of the burst. */
    void refill(final long templates, final int length)
    {
        final long array = vector.rxArrayAddress;
        for (int i = 0; i < BURST; i++)
        {
            final long m = mbufs[i];
            Mbuf.resetHeadroom(m);
            Mbuf.setLength(m, length);
            NativeMemory.move(templates + (long)i * length, Mbuf.data(m), length);
            NativeMemory.u64(array + i * 8L, m);
        }
    }

    /** The data of mbuf {@code i} of the burst (after {@link #refill}: its frame). */
    long frame(final int i)
    {
        return Mbuf.data(mbufs[i]);
    }

    int frameLength(final int i)
    {
        return Mbuf.dataLength(mbufs[i]);
    }

    /** Everything but the graph: the loaded burst straight to the "east" ring. */
    void baseline()
    {
        FastPath.txBurst(east.id(), 0, vector.rxArrayAddress, BURST);
    }

    /**
     * Takes the burst back from the ring it was transmitted into (port "east" → its peer). Every
     * packet must come back: a dropped one would mean the benchmark measured something else.
     */
    int reclaim(final String what)
    {
        final int received = FastPath.rxBurst(eastPeer.id(), 0, scratch, BURST);
        for (int i = 0; i < received; i++)
        {
            mbufs[i] = NativeMemory.u64(scratch + i * 8L);
        }
        if (received != BURST)
        {
            throw new IllegalStateException(what + ": forwarded " + received + " of " + BURST + " packets; drops " +
                Arrays.toString(vector.stats.drops));
        }
        return received;
    }

    void close()
    {
        appliance.close();
    }
}
