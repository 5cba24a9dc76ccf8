package io.flowlane.tunnels;

import io.flowlane.tunnels.esp.TrafficSelector;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The tunnels as the workers read them: flat arrays indexed by tunnel slot, never changed after
 * publication (the control thread builds a new snapshot and publishes it with one volatile
 * write, as RCU). The per-tunnel state that does change on the packet path (sequence numbers,
 * replay windows, lifetimes) lives in arrays that successive snapshots share.
 */
final class TunnelSnapshot
{
    static final byte NONE = 0;
    static final byte GRE = 1;
    static final byte ESP = 2;

    final int capacity;
    final byte[] protocol;
    final byte[] family;
    final long[] localHi;
    final long[] localLo;
    final long[] remoteHi;
    final long[] remoteLo;
    final int[] ttl;
    final int[] innerMtu;
    /** Shaped rate in bytes per second, 0 = unshaped. */
    final long[] rate;
    /** Injected faults (tests and drills only): TSC cycles of delay per packet, drop probability in parts per million. */
    final long[] faultDelayCycles;
    final int[] faultDropPpm;

    // GRE
    final long[] greKey;
    final boolean[] greSequence;
    final boolean[] greChecksum;

    // ESP: outbound SA, inbound SA, selectors, per-worker cipher contexts
    final long[] outSpi;
    final int[] outSalt;
    final boolean[] outEsn;
    final long[] outLifetimePackets;
    final long[] outLifetimeBytes;
    final long[] inSpi;
    final int[] inSalt;
    final boolean[] inEsn;
    final int[] inWindow;
    final long[] inLifetimePackets;
    final long[] inLifetimeBytes;
    /** Per slot: the inbound replay window and counters (see {@link io.flowlane.tunnels.esp.ReplayWindow}). */
    final long[][] inState;
    final TrafficSelector[][] selectors;
    /** [worker][slot] OpenSSL contexts, 0 where none. */
    final long[][] sealContext;
    final long[][] openContext;
    /** Per slot: the tunnel's counters in the shared counters file, {@link TunnelStages#COUNTERS} per worker; null where none. */
    final AtomicCounter[][] published;

    private SlotIndex greIndex = new SlotIndex(new long[0], new int[0], 0);
    private SlotIndex spiIndex = new SlotIndex(new long[0], new int[0], 0);

    TunnelSnapshot(final int capacity, final int workers)
    {
        this.capacity = capacity;
        protocol = new byte[capacity];
        family = new byte[capacity];
        localHi = new long[capacity];
        localLo = new long[capacity];
        remoteHi = new long[capacity];
        remoteLo = new long[capacity];
        ttl = new int[capacity];
        innerMtu = new int[capacity];
        rate = new long[capacity];
        faultDelayCycles = new long[capacity];
        faultDropPpm = new int[capacity];
        greKey = new long[capacity];
        greSequence = new boolean[capacity];
        greChecksum = new boolean[capacity];
        outSpi = new long[capacity];
        outSalt = new int[capacity];
        outEsn = new boolean[capacity];
        outLifetimePackets = new long[capacity];
        outLifetimeBytes = new long[capacity];
        inSpi = new long[capacity];
        inSalt = new int[capacity];
        inEsn = new boolean[capacity];
        inWindow = new int[capacity];
        inLifetimePackets = new long[capacity];
        inLifetimeBytes = new long[capacity];
        inState = new long[capacity][];
        selectors = new TrafficSelector[capacity][];
        sealContext = new long[workers][capacity];
        openContext = new long[workers][capacity];
        published = new AtomicCounter[capacity][];
    }

    /** A copy to modify before publishing (the inner arrays of inState and selectors are shared: they are per tunnel). */
    TunnelSnapshot copy()
    {
        return new TunnelSnapshot(this);
    }

    private TunnelSnapshot(final TunnelSnapshot o)
    {
        capacity = o.capacity;
        protocol = o.protocol.clone();
        family = o.family.clone();
        localHi = o.localHi.clone();
        localLo = o.localLo.clone();
        remoteHi = o.remoteHi.clone();
        remoteLo = o.remoteLo.clone();
        ttl = o.ttl.clone();
        innerMtu = o.innerMtu.clone();
        rate = o.rate.clone();
        faultDelayCycles = o.faultDelayCycles.clone();
        faultDropPpm = o.faultDropPpm.clone();
        greKey = o.greKey.clone();
        greSequence = o.greSequence.clone();
        greChecksum = o.greChecksum.clone();
        outSpi = o.outSpi.clone();
        outSalt = o.outSalt.clone();
        outEsn = o.outEsn.clone();
        outLifetimePackets = o.outLifetimePackets.clone();
        outLifetimeBytes = o.outLifetimeBytes.clone();
        inSpi = o.inSpi.clone();
        inSalt = o.inSalt.clone();
        inEsn = o.inEsn.clone();
        inWindow = o.inWindow.clone();
        inLifetimePackets = o.inLifetimePackets.clone();
        inLifetimeBytes = o.inLifetimeBytes.clone();
        inState = o.inState.clone();
        selectors = o.selectors.clone();
        published = o.published.clone();
        sealContext = new long[o.sealContext.length][];
        openContext = new long[o.openContext.length][];
        for (int w = 0; w < sealContext.length; w++)
        {
            sealContext[w] = o.sealContext[w].clone();
            openContext[w] = o.openContext[w].clone();
        }
        // Immutable, so shared: a copy that changes no slot's addresses, key or SPI (scale) needs no reindex.
        greIndex = o.greIndex;
        spiIndex = o.spiIndex;
    }

    /** Rebuilds the lookup indexes after slots changed. */
    void reindex()
    {
        final long[] greHashes = new long[capacity];
        final int[] greSlots = new int[capacity];
        final long[] spiHashes = new long[capacity];
        final int[] spiSlots = new int[capacity];
        int gre = 0;
        int esp = 0;
        for (int s = 0; s < capacity; s++)
        {
            if (protocol[s] == GRE)
            {
                greHashes[gre] = greHash(remoteHi[s], remoteLo[s], localHi[s], localLo[s], greKey[s]);
                greSlots[gre++] = s;
            }
            else if (protocol[s] == ESP)
            {
                spiHashes[esp] = inSpi[s];
                spiSlots[esp++] = s;
            }
        }
        greIndex = new SlotIndex(greHashes, greSlots, gre);
        spiIndex = new SlotIndex(spiHashes, spiSlots, esp);
    }

    /** The GRE tunnel a packet from {@code src} to {@code dst} with {@code key} (-1: none) belongs to, or -1. */
    int greTunnel(final int fam, final long srcHi, final long srcLo, final long dstHi, final long dstLo, final long key)
    {
        final long hash = greHash(srcHi, srcLo, dstHi, dstLo, key);
        for (int at = greIndex.start(hash); ; at = greIndex.next(at))
        {
            final int slot = greIndex.slotAt(at, hash);
            if (slot == -1)
            {
                return -1;
            }
            if (slot >= 0 && family[slot] == fam && remoteHi[slot] == srcHi && remoteLo[slot] == srcLo &&
                localHi[slot] == dstHi && localLo[slot] == dstLo && greKey[slot] == key)
            {
                return slot;
            }
        }
    }

    /** The ESP tunnel whose inbound SA has {@code spi} and whose local address is {@code dst}, or -1. */
    int espTunnel(final long spi, final int fam, final long dstHi, final long dstLo)
    {
        for (int at = spiIndex.start(spi); ; at = spiIndex.next(at))
        {
            final int slot = spiIndex.slotAt(at, spi);
            if (slot == -1)
            {
                return -1;
            }
            if (slot >= 0 && inSpi[slot] == spi && family[slot] == fam && localHi[slot] == dstHi && localLo[slot] == dstLo)
            {
                return slot;
            }
        }
    }

    private static long greHash(final long srcHi, final long srcLo, final long dstHi, final long dstLo, final long key)
    {
        return ((srcHi * 31 + srcLo) * 31 + dstHi) * 31 + dstLo + key * 0x1000_0001L;
    }
}
