package io.flowlane.tunnels;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.pipeline.Ipv4Fragmenter;
import io.flowlane.dataplane.pipeline.PacketVector;
import io.flowlane.tunnels.esp.TrafficSelector;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * One worker's view of the tunnels, shared by its tunnel stages: the snapshot of the current
 * burst, the worker's token buckets and per-tunnel counters, and the shared per-tunnel sequence
 * state. Stages call {@link #refresh()} once per burst (one volatile read) and then read plain
 * arrays.
 */
public final class TunnelStages
{
    public static final byte GRE = TunnelSnapshot.GRE;
    public static final byte ESP = TunnelSnapshot.ESP;
    /** Counters per slot: transmitted packets, bytes, received packets, bytes. */
    static final int COUNTERS = 4;
    static final String[] COUNTER_NAMES = {"tx-packets", "tx-bytes", "rx-packets", "rx-bytes"};

    private final TunnelTable table;
    private final int worker;
    private final TokenBuckets buckets;
    final long[] counters;
    /** Per slot: sampled cycles and samples (one packet in 64 of each tunnel's, through {@link #admit}). */
    final long[] latency;
    private static final long LATENCY_SAMPLE_MASK = 63;
    /** Per slot: packets admitted, so every tunnel gets one sample in 64 of its own packets. */
    private final long[] admitted;
    /** 100 us in TSC cycles: no path we measure takes that long per packet unless the worker was preempted. */
    private final long preemptedCycles = io.flowlane.dataplane.eal.Eal.tscHz() / 10_000;
    private long random = 0x9E3779B97F4A7C15L;
    private TunnelSnapshot s;
    private int identification;

    TunnelStages(final TunnelTable table, final int worker, final int workers, final int capacity)
    {
        this.table = table;
        this.worker = worker;
        this.buckets = new TokenBuckets(capacity, workers);
        this.counters = table.traffic[worker];
        this.latency = table.latency[worker];
        this.admitted = new long[capacity];
        this.s = table.current();
    }

    public void refresh()
    {
        s = table.current();
    }

    /** Copies this worker's counters of every tunnel into the shared counters file (on the worker's thread). */
    void publish()
    {
        final TunnelSnapshot now = table.current();
        final AtomicCounter[][] published = now.published;
        final int from = worker * COUNTERS;
        for (int slot = 0; slot < now.capacity; slot++)
        {
            final AtomicCounter[] shared = published[slot];
            if (shared != null)
            {
                for (int c = 0; c < COUNTERS; c++)
                {
                    shared[from + c].setRelease(counters[slot * COUNTERS + c]);
                }
            }
        }
    }

    public int worker()
    {
        return worker;
    }

    /** The tunnel slot the packet was routed into, or -1 (then dropped) if that tunnel is not there. */
    public int slotOf(final PacketVector v, final int i, final byte protocol)
    {
        final AdjacencyTable adjacencies = v.tables.adjacencies();
        final int slot = adjacencies.tunnel(v.adjacency[i]);
        if (slot < 0 || slot >= s.capacity || s.protocol[slot] != protocol)
        {
            v.drop(i, DropReason.TUNNEL_UNAVAILABLE);
            return -1;
        }
        return slot;
    }

    /**
     * TTL/hop limit, tunnel MTU (fragmenting IPv4 without DF with the graph's fragmenter) and
     * shaping; false if the packet went elsewhere.
     */
    public boolean admit(final PacketVector v, final int i, final int slot, final Ipv4Fragmenter fragmenter)
    {
        if (!TunnelIngress.admit(v, i, s.innerMtu[slot], fragmenter))
        {
            return false;
        }
        if (!buckets.take(slot, s.rate[slot], v.l3Length[i]))
        {
            v.drop(i, DropReason.TUNNEL_SHAPED);
            return false;
        }
        final boolean sampled = (++admitted[slot] & LATENCY_SAMPLE_MASK) == 0;
        final long start = sampled ? FastPath.rdtsc() : 0;
        if (s.faultDelayCycles[slot] != 0 || s.faultDropPpm[slot] != 0)
        {
            if (sufferFault(slot))
            {
                v.drop(i, DropReason.FAULT_INJECTED);
                return false;
            }
        }
        if (sampled)
        {
            // What the tunnel's path costs this packet here (an injected slow-down shows in it).
            // A sample that spans a preemption of the worker measures the scheduler, not the path: skipped.
            final long cycles = FastPath.rdtsc() - start;
            if (cycles < preemptedCycles)
            {
                latency[2 * slot] += cycles;
                latency[2 * slot + 1]++;
            }
        }
        return true;
    }

    /** An injected fault: spins for the delay; true if the packet is to be dropped. */
    private boolean sufferFault(final int slot)
    {
        final long delay = s.faultDelayCycles[slot];
        if (delay != 0)
        {
            final long until = FastPath.rdtsc() + delay;
            while (FastPath.rdtsc() < until)
            {
                Thread.onSpinWait();
            }
        }
        final int dropPpm = s.faultDropPpm[slot];
        if (dropPpm == 0)
        {
            return false;
        }
        // xorshift: a cheap allocation-free draw for the drop probability.
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        return Long.remainderUnsigned(random, 1_000_000) < dropPpm;
    }

    public boolean hasHeadroom(final long mbuf, final long l3, final int overhead)
    {
        return TunnelIngress.hasHeadroom(mbuf, l3, overhead);
    }

    public int family(final int slot)
    {
        return s.family[slot];
    }

    public boolean greChecksum(final int slot)
    {
        return s.greChecksum[slot];
    }

    public long greKey(final int slot)
    {
        return s.greKey[slot];
    }

    public boolean greSequence(final int slot)
    {
        return s.greSequence[slot];
    }

    /** The tunnel's next transmit sequence number (1, 2, ...), shared by all workers. */
    public long nextSequence(final int slot)
    {
        return (long)TunnelTable.LONGS.getAndAdd(table.sequence, slot * TunnelTable.STRIDE, 1L) + 1;
    }

    /** Adds ESP bytes sent to the SA's lifetime count; returns the new total. */
    public long addSentBytes(final int slot, final int bytes)
    {
        return (long)TunnelTable.LONGS.getAndAdd(table.sequence, slot * TunnelTable.STRIDE + 1, (long)bytes) + bytes;
    }

    /**
     * RFC 2890 §2.2: accept only a sequence number newer than the last accepted (serial number
     * arithmetic, RFC 1982, so the counter may wrap). Received GRE of one tunnel arrives on one
     * worker (RSS hashes the outer addresses), so this read-modify-write is not contended.
     */
    public boolean acceptGreSequence(final int slot, final long sequence)
    {
        final int at = slot * TunnelTable.STRIDE + 2;
        final long lastPlusOne = table.sequence[at];
        if (lastPlusOne != 0)
        {
            final long difference = (sequence - (lastPlusOne - 1)) & 0xFFFF_FFFFL;
            if (difference == 0 || difference >= 0x8000_0000L)
            {
                return false;
            }
        }
        table.sequence[at] = sequence + 1;
        return true;
    }

    public int greTunnel(final int family, final long srcHi, final long srcLo, final long dstHi, final long dstLo, final long key)
    {
        return s.greTunnel(family, srcHi, srcLo, dstHi, dstLo, key);
    }

    /** Writes the tunnel's outer IPv4 or IPv6 header at {@code outer} for a payload of {@code payloadLength}. */
    public void writeOuter(final long outer, final int slot, final int dscpEcn, final int payloadLength, final int protocol)
    {
        if (s.family[slot] == 4)
        {
            Ipv4Header.write(outer, dscpEcn, Ipv4Header.MIN_LENGTH + payloadLength, identification++ & 0xFFFF,
                Ipv4Header.FLAG_DF, s.ttl[slot], protocol, (int)s.localHi[slot], (int)s.remoteHi[slot]);
        }
        else
        {
            Ipv6Header.write(outer, payloadLength, protocol, s.ttl[slot], s.localHi[slot], s.localLo[slot],
                s.remoteHi[slot], s.remoteLo[slot]);
            if (dscpEcn != 0)
            {
                io.flowlane.dataplane.packet.NativeMemory.u32be(outer, 0x6000_0000 | dscpEcn << 20);
            }
        }
    }

    public void countTransmit(final int slot, final int bytes)
    {
        counters[slot * COUNTERS]++;
        counters[slot * COUNTERS + 1] += bytes;
    }

    public void countReceive(final int slot, final int bytes)
    {
        counters[slot * COUNTERS + 2]++;
        counters[slot * COUNTERS + 3] += bytes;
    }

    // ---- ESP ----

    public int espTunnel(final long spi, final int family, final long dstHi, final long dstLo)
    {
        return s.espTunnel(spi, family, dstHi, dstLo);
    }

    public long outSpi(final int slot)
    {
        return s.outSpi[slot];
    }

    public int outSalt(final int slot)
    {
        return s.outSalt[slot];
    }

    public boolean outEsn(final int slot)
    {
        return s.outEsn[slot];
    }

    public long outLifetimePackets(final int slot)
    {
        return s.outLifetimePackets[slot];
    }

    public long outLifetimeBytes(final int slot)
    {
        return s.outLifetimeBytes[slot];
    }

    public int inSalt(final int slot)
    {
        return s.inSalt[slot];
    }

    public boolean inEsn(final int slot)
    {
        return s.inEsn[slot];
    }

    public int inWindow(final int slot)
    {
        return s.inWindow[slot];
    }

    public long inLifetimePackets(final int slot)
    {
        return s.inLifetimePackets[slot];
    }

    public long inLifetimeBytes(final int slot)
    {
        return s.inLifetimeBytes[slot];
    }

    public long[] inState(final int slot)
    {
        return s.inState[slot];
    }

    public long sealContext(final int slot)
    {
        return s.sealContext[worker][slot];
    }

    public long openContext(final int slot)
    {
        return s.openContext[worker][slot];
    }

    /** RFC 4301 §5.2 step 4: does the decrypted packet lie within one of the tunnel's selectors? */
    public boolean selectorsAllow(final int slot, final int family, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        final TrafficSelector[] selectors = s.selectors[slot];
        if (selectors == null || selectors.length == 0)
        {
            return true;
        }
        for (final TrafficSelector selector : selectors)
        {
            if (selector.family() == family && selector.matchesInbound(srcHi, srcLo, dstHi, dstLo))
            {
                return true;
            }
        }
        return false;
    }
}
