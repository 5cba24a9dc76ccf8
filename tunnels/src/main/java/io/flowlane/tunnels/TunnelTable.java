package io.flowlane.tunnels;

import io.flowlane.bindings.AesGcm;
import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.dataplane.fib.TunnelDirectory;
import io.flowlane.dataplane.pipeline.StageId;
import io.flowlane.tunnels.esp.ReplayWindow;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import io.flowlane.dataplane.stats.CounterType;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The tunnels of one appliance: created, scaled and deleted by the control thread (the single
 * writer), read by the workers through the published {@link TunnelSnapshot}.
 *
 * <p>A tunnel keeps its slot for life; a deleted tunnel's slot and cipher contexts are freed only
 * after every worker has passed a quiescent point, so a worker that read the old snapshot never
 * sees the slot reused. A tunnel that routes still point at cannot be deleted.
 */
public final class TunnelTable implements TunnelDirectory
{
    public static final byte GRE_ENCAP = StageId.FIRST_ENCAP;
    /** Largest injected per-packet delay: half the 100 us beyond which a transit sample counts as a preemption. */
    public static final long MAX_FAULT_DELAY_NANOS = 50_000;
    public static final byte ESP_ENCRYPT = StageId.FIRST_ENCAP + 1;
    public static final byte GRE_DECAP = StageId.FIRST_DECAP;
    public static final byte ESP_DECRYPT = StageId.FIRST_DECAP + 1;

    /** Longs per slot in the shared mutable arrays: one cache line, so tunnels never share one. */
    static final int STRIDE = 8;
    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final int workers;
    private final GracePeriods gracePeriods;
    private final AdjacencyTable adjacencies;
    private final Tunnel[] tunnels;
    private final Map<String, Integer> byName = new LinkedHashMap<>();
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final ArrayDeque<long[]> retired = new ArrayDeque<>();
    private volatile TunnelSnapshot current;

    /** Per slot, shared by workers: [0] GRE/ESP transmit sequence number, [1] ESP bytes sent, [2] last GRE sequence received + 1. */
    final long[] sequence;
    /**
     * [worker] → per slot {@link TunnelStages#COUNTERS} plain counters, each written only by its
     * worker; zeroed here when a slot is taken again (after the grace period, no worker touches it).
     */
    final long[][] traffic;
    /** Per worker: per slot the sampled transit cycles and the number of samples (see {@link TunnelStages#admit}). */
    final long[][] latency;
    private final CountersManager counters;
    /** [slot] the shared-file counters of a tunnel, kept until its slot is reclaimed. */
    private final AtomicCounter[][] published;

    /**
     * @param counters the shared counters file where each tunnel gets its per-worker counters
     *                 (null: none, as for checking a config)
     */
    public TunnelTable(final int capacity, final int workers, final GracePeriods gracePeriods, final AdjacencyTable adjacencies,
        final CountersManager counters)
    {
        if (capacity < 1 || capacity > 1 << 20)
        {
            throw new IllegalArgumentException("tunnel capacity " + capacity + " is outside 1..1048576");
        }
        this.workers = workers;
        this.gracePeriods = gracePeriods;
        this.adjacencies = adjacencies;
        this.tunnels = new Tunnel[capacity];
        this.sequence = new long[capacity * STRIDE];
        this.traffic = new long[workers][capacity * TunnelStages.COUNTERS];
        this.latency = new long[workers][capacity * 2];
        this.counters = counters;
        this.published = new AtomicCounter[capacity][];
        for (int s = 0; s < capacity; s++)
        {
            free.add(s);
        }
        final TunnelSnapshot empty = new TunnelSnapshot(capacity, workers);
        empty.reindex();
        current = empty;
    }

    TunnelSnapshot current()
    {
        return current;
    }

    // ---- TunnelDirectory (routes) ----

    @Override
    public int index(final String name)
    {
        final Integer slot = byName.get(name);
        return slot == null ? -1 : slot;
    }

    @Override
    public byte encapStage(final int index)
    {
        return switch (tunnels[index].protocol())
        {
            case GRE -> GRE_ENCAP;
            case ESP -> ESP_ENCRYPT;
        };
    }

    // ---- control thread ----

    public Tunnel get(final String name)
    {
        final Integer slot = byName.get(name);
        return slot == null ? null : tunnels[slot];
    }

    public List<Tunnel> all()
    {
        final List<Tunnel> all = new ArrayList<>();
        byName.values().forEach(slot -> all.add(tunnels[slot]));
        return all;
    }

    /** Adds a tunnel; its name and (for GRE) endpoints+key or (for ESP) inbound SPI must be unique. */
    public int create(final Tunnel tunnel)
    {
        if (byName.containsKey(tunnel.name()))
        {
            throw new IllegalArgumentException("name: a tunnel named '" + tunnel.name() + "' exists");
        }
        checkUnique(tunnel);
        reclaim();
        if (free.isEmpty())
        {
            throw new IllegalStateException("tunnel table is full (" + tunnels.length + " tunnels)");
        }
        final int slot = free.peekFirst();
        final AtomicCounter[] shared = newCounters(tunnel.name());
        final TunnelSnapshot next = current.copy();
        fill(next, slot, tunnel);
        // Fresh state for the slot: sequence numbers start at 1, windows empty, counters at 0.
        for (int i = 0; i < STRIDE; i++)
        {
            sequence[slot * STRIDE + i] = 0;
        }
        for (final long[] worker : traffic)
        {
            java.util.Arrays.fill(worker, slot * TunnelStages.COUNTERS, (slot + 1) * TunnelStages.COUNTERS, 0L);
        }
        for (final long[] worker : latency)
        {
            worker[2 * slot] = 0;
            worker[2 * slot + 1] = 0;
        }
        published[slot] = shared;
        next.published[slot] = shared;
        if (tunnel instanceof EspTunnel esp)
        {
            for (int w = 0; w < workers; w++)
            {
                next.sealContext[w][slot] = AesGcm.newContext(esp.outbound().key(), true);
                next.openContext[w][slot] = AesGcm.newContext(esp.inbound().key(), false);
            }
        }
        next.reindex();
        free.pollFirst();
        tunnels[slot] = tunnel;
        byName.put(tunnel.name(), slot);
        current = next;
        return slot;
    }

    /** Changes a tunnel's shaped rate (seed 002's scaling); takes effect at the workers' next burst. */
    public void scale(final String name, final long bitsPerSecond)
    {
        final int slot = slotOf(name);
        final Tunnel scaled = tunnels[slot].withBandwidth(bitsPerSecond);
        final TunnelSnapshot next = current.copy();
        next.rate[slot] = bitsPerSecond / 8;
        tunnels[slot] = scaled;
        current = next;
    }

    /**
     * Injects a fault into a tunnel, for failover tests and drills: every packet entering it is
     * delayed by {@code delayNanos} (the worker spins, as a slow engine would) and dropped with
     * probability {@code dropPpm} parts per million. Zero and zero removes it.
     */
    public void injectFault(final String name, final long delayNanos, final int dropPpm, final long tscHz)
    {
        if (delayNanos < 0 || delayNanos > MAX_FAULT_DELAY_NANOS)
        {
            // Above this a sample would look like a preempted worker and be left out of the transit cost.
            throw new IllegalArgumentException("delayNanos: " + delayNanos + " is outside 0.." + MAX_FAULT_DELAY_NANOS);
        }
        if (dropPpm < 0 || dropPpm > 1_000_000)
        {
            throw new IllegalArgumentException("dropPartsPerMillion: " + dropPpm + " is outside 0..1000000");
        }
        final int slot = slotOf(name);
        final TunnelSnapshot next = current.copy();
        next.faultDelayCycles[slot] = delayNanos * tscHz / 1_000_000_000L;
        next.faultDropPpm[slot] = dropPpm;
        current = next;
    }

    /** Removes a tunnel no route points at; its slot is reused after a grace period. */
    public void delete(final String name)
    {
        final int slot = slotOf(name);
        final int routes = adjacencies.tunnelReferences(slot, encapStage(slot));
        if (routes > 0)
        {
            throw new IllegalStateException("tunnel '" + name + "' is still the next hop of " + routes +
                " route(s); delete or change those routes first");
        }
        final TunnelSnapshot next = current.copy();
        final long[] contexts = new long[2 * workers];
        for (int w = 0; w < workers; w++)
        {
            contexts[2 * w] = next.sealContext[w][slot];
            contexts[2 * w + 1] = next.openContext[w][slot];
            next.sealContext[w][slot] = 0;
            next.openContext[w][slot] = 0;
        }
        next.protocol[slot] = TunnelSnapshot.NONE;
        next.published[slot] = null;
        next.inState[slot] = null;
        next.selectors[slot] = null;
        next.reindex();
        current = next;
        tunnels[slot] = null;
        byName.remove(name);
        final long[] retirement = new long[2 + contexts.length];
        retirement[0] = slot;
        retirement[1] = gracePeriods.start();
        System.arraycopy(contexts, 0, retirement, 2, contexts.length);
        retired.add(retirement);
    }

    /** Frees what deleted tunnels held once no worker can still use it. */
    public void reclaim()
    {
        while (!retired.isEmpty() && gracePeriods.completed(retired.peekFirst()[1]))
        {
            final long[] retirement = retired.pollFirst();
            freeContexts(retirement, 2);
            closeCounters((int)retirement[0]);
            free.addLast((int)retirement[0]);
        }
    }

    /** Frees every cipher context (the appliance has stopped: no worker runs). */
    public void close()
    {
        final TunnelSnapshot last = current;
        for (int w = 0; w < workers; w++)
        {
            freeContexts(last.sealContext[w], 0);
            freeContexts(last.openContext[w], 0);
        }
        while (!retired.isEmpty())
        {
            freeContexts(retired.pollFirst(), 2);
        }
        for (int slot = 0; slot < published.length; slot++)
        {
            closeCounters(slot);
        }
    }

    /** Counters "worker W: tunnel NAME tx-packets" (tx-bytes, rx-packets, rx-bytes) for every worker. */
    private AtomicCounter[] newCounters(final String name)
    {
        if (counters == null)
        {
            return null;
        }
        final AtomicCounter[] shared = new AtomicCounter[workers * TunnelStages.COUNTERS];
        try
        {
            for (int w = 0; w < workers; w++)
            {
                for (int c = 0; c < TunnelStages.COUNTERS; c++)
                {
                    shared[w * TunnelStages.COUNTERS + c] = counters.newCounter(
                        "worker " + w + ": tunnel " + name + " " + TunnelStages.COUNTER_NAMES[c], CounterType.TUNNEL);
                }
            }
            return shared;
        }
        catch (final IllegalStateException full)
        {
            closeAll(shared);
            throw new IllegalStateException("the counters file is full: no room for tunnel '" + name + "''s counters", full);
        }
    }

    private void closeCounters(final int slot)
    {
        closeAll(published[slot]);
        published[slot] = null;
    }

    private static void closeAll(final AtomicCounter[] shared)
    {
        if (shared != null)
        {
            for (final AtomicCounter counter : shared)
            {
                if (counter != null)
                {
                    counter.close();
                }
            }
        }
    }

    /** Frees the non-zero cipher contexts in {@code contexts} from index {@code from} on. */
    private static void freeContexts(final long[] contexts, final int from)
    {
        for (int i = from; i < contexts.length; i++)
        {
            if (contexts[i] != 0)
            {
                AesGcm.freeContext(contexts[i]);
            }
        }
    }

    /** The last outbound sequence number used by a tunnel (GRE or ESP). */
    public long transmitSequence(final String name)
    {
        return (long)LONGS.getVolatile(sequence, slotOf(name) * STRIDE);
    }

    /** The highest authenticated inbound ESP sequence number of a tunnel. */
    public long receiveSequence(final String name)
    {
        final long[] state = current.inState[slotOf(name)];
        return state == null ? 0 : state[0];
    }

    private int slotOf(final String name)
    {
        final Integer slot = byName.get(name);
        if (slot == null)
        {
            throw new IllegalArgumentException("name: no tunnel named '" + name + "'");
        }
        return slot;
    }

    private void checkUnique(final Tunnel tunnel)
    {
        for (final Tunnel other : tunnels)
        {
            if (other == null || other.protocol() != tunnel.protocol())
            {
                continue;
            }
            if (tunnel instanceof GreTunnel gre && other instanceof GreTunnel o && sameAddresses(gre.endpoints(), o.endpoints()) &&
                gre.key() == o.key())
            {
                throw new IllegalArgumentException("key: tunnel '" + other.name() + "' has the same endpoints and key; " +
                    "received packets could not be told apart");
            }
            if (tunnel instanceof EspTunnel esp && other instanceof EspTunnel o && esp.inbound().spi() == o.inbound().spi())
            {
                throw new IllegalArgumentException("inbound-sa.spi: 0x" + Long.toHexString(esp.inbound().spi()) +
                    " is already the inbound SPI of tunnel '" + other.name() + "'");
            }
        }
    }

    private static boolean sameAddresses(final Endpoints a, final Endpoints b)
    {
        return a.family() == b.family() && a.localHi() == b.localHi() && a.localLo() == b.localLo() &&
            a.remoteHi() == b.remoteHi() && a.remoteLo() == b.remoteLo();
    }

    private static void fill(final TunnelSnapshot s, final int slot, final Tunnel tunnel)
    {
        final Endpoints e = tunnel.endpoints();
        s.family[slot] = (byte)e.family();
        s.localHi[slot] = e.localHi();
        s.localLo[slot] = e.localLo();
        s.remoteHi[slot] = e.remoteHi();
        s.remoteLo[slot] = e.remoteLo();
        s.ttl[slot] = e.ttl();
        s.innerMtu[slot] = tunnel.innerMtu();
        s.rate[slot] = tunnel.bandwidth() / 8;
        s.faultDelayCycles[slot] = 0;
        s.faultDropPpm[slot] = 0;
        switch (tunnel)
        {
            case GreTunnel gre ->
            {
                s.protocol[slot] = TunnelSnapshot.GRE;
                s.greKey[slot] = gre.key();
                s.greSequence[slot] = gre.sequence();
                s.greChecksum[slot] = gre.checksum();
            }
            case EspTunnel esp ->
            {
                s.protocol[slot] = TunnelSnapshot.ESP;
                final SecurityAssociation out = esp.outbound();
                final SecurityAssociation in = esp.inbound();
                s.outSpi[slot] = out.spi();
                s.outSalt[slot] = out.salt();
                s.outEsn[slot] = out.extendedSequence();
                s.outLifetimePackets[slot] = out.lifetimePackets();
                s.outLifetimeBytes[slot] = out.lifetimeBytes();
                s.inSpi[slot] = in.spi();
                s.inSalt[slot] = in.salt();
                s.inEsn[slot] = in.extendedSequence();
                s.inWindow[slot] = in.replayWindow();
                s.inLifetimePackets[slot] = in.lifetimePackets();
                s.inLifetimeBytes[slot] = in.lifetimeBytes();
                // Window words, then packets and bytes received.
                s.inState[slot] = new long[ReplayWindow.words(in.replayWindow()) + 2];
                s.selectors[slot] = esp.selectors().toArray(new TrafficSelector[0]);
            }
        }
    }
}
