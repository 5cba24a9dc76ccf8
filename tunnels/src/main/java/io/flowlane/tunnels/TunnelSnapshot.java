package io.flowlane.tunnels;

import io.flowlane.tunnels.esp.TrafficSelector;

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
    }

    /** A copy to modify before publishing. */
    TunnelSnapshot copy()
    {
        final TunnelSnapshot c = new TunnelSnapshot(capacity, sealContext.length);
        System.arraycopy(protocol, 0, c.protocol, 0, capacity);
        System.arraycopy(family, 0, c.family, 0, capacity);
        System.arraycopy(localHi, 0, c.localHi, 0, capacity);
        System.arraycopy(localLo, 0, c.localLo, 0, capacity);
        System.arraycopy(remoteHi, 0, c.remoteHi, 0, capacity);
        System.arraycopy(remoteLo, 0, c.remoteLo, 0, capacity);
        System.arraycopy(ttl, 0, c.ttl, 0, capacity);
        System.arraycopy(innerMtu, 0, c.innerMtu, 0, capacity);
        System.arraycopy(rate, 0, c.rate, 0, capacity);
        System.arraycopy(greKey, 0, c.greKey, 0, capacity);
        System.arraycopy(greSequence, 0, c.greSequence, 0, capacity);
        System.arraycopy(greChecksum, 0, c.greChecksum, 0, capacity);
        System.arraycopy(outSpi, 0, c.outSpi, 0, capacity);
        System.arraycopy(outSalt, 0, c.outSalt, 0, capacity);
        System.arraycopy(outEsn, 0, c.outEsn, 0, capacity);
        System.arraycopy(outLifetimePackets, 0, c.outLifetimePackets, 0, capacity);
        System.arraycopy(outLifetimeBytes, 0, c.outLifetimeBytes, 0, capacity);
        System.arraycopy(inSpi, 0, c.inSpi, 0, capacity);
        System.arraycopy(inSalt, 0, c.inSalt, 0, capacity);
        System.arraycopy(inEsn, 0, c.inEsn, 0, capacity);
        System.arraycopy(inWindow, 0, c.inWindow, 0, capacity);
        System.arraycopy(inLifetimePackets, 0, c.inLifetimePackets, 0, capacity);
        System.arraycopy(inLifetimeBytes, 0, c.inLifetimeBytes, 0, capacity);
        System.arraycopy(inState, 0, c.inState, 0, capacity);
        System.arraycopy(selectors, 0, c.selectors, 0, capacity);
        for (int w = 0; w < sealContext.length; w++)
        {
            System.arraycopy(sealContext[w], 0, c.sealContext[w], 0, capacity);
            System.arraycopy(openContext[w], 0, c.openContext[w], 0, capacity);
        }
        return c;
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
