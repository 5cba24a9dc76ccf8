package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.fib.ForwardingTables;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One burst of packets and the per-packet scratch state the stages pass along (VPP's frame).
 *
 * <p>Everything here is allocated once per worker. Slot {@code i} describes the packet whose
 * mbuf address is {@code mbuf[i]}; {@code next[i]} is the stage it waits for, and {@link #pending}
 * has one bit per stage with packets waiting, so the graph never scans for idle stages.
 */
public final class PacketVector
{
    /** The most packets one rx_burst may bring. */
    public static final int MAX_BURST = 64;
    /**
     * Slots: a received burst plus the packets stages add to it (IPv4 fragments, see
     * {@link Ipv4Fragmenter}), so a full burst still leaves room for them.
     */
    public static final int CAPACITY = 2 * MAX_BURST;

    /** Native array of rte_mbuf pointers that rx_burst fills. */
    public final MemorySegment rxArray;
    public final long rxArrayAddress;

    public final long[] mbuf = new long[CAPACITY];
    /** Address of the packet's current network-layer header. */
    public final long[] l3 = new long[CAPACITY];
    /** Bytes from {@code l3} to the end of the packet data. */
    public final int[] l3Length = new int[CAPACITY];
    public final int[] rxInterface = new int[CAPACITY];
    public final int[] adjacency = new int[CAPACITY];
    public final int[] txPort = new int[CAPACITY];
    /** ICMP error to send: type << 24 | code << 16 | parameter (an MTU for "too big"). */
    public final int[] icmpError = new int[CAPACITY];
    /**
     * The appliance built this packet's current IP header itself (a tunnel's outer header): the
     * rewrite stage neither decrements its TTL nor answers it with ICMP errors to ourselves.
     */
    public final boolean[] originated = new boolean[CAPACITY];
    public final byte[] next = new byte[CAPACITY];
    public final byte[] dropReason = new byte[CAPACITY];

    public int count;
    public int rxPort;
    public long pending;
    public ForwardingTables tables;
    public final WorkerStats stats;

    public PacketVector(final Arena arena, final WorkerStats stats)
    {
        rxArray = arena.allocate(ValueLayout.ADDRESS, MAX_BURST);
        rxArrayAddress = rxArray.address();
        this.stats = stats;
    }

    /** Takes the {@code count} mbufs rx_burst just wrote into {@link #rxArray}. */
    public void load(final int count, final int port)
    {
        this.count = count;
        this.rxPort = port;
        MemorySegment.copy(rxArray, ValueLayout.JAVA_LONG, 0, mbuf, 0, count);
        for (int i = 0; i < count; i++)
        {
            next[i] = StageId.ETHERNET_INPUT;
            originated[i] = false;
        }
        pending = 1L << StageId.ETHERNET_INPUT;
    }

    /**
     * Adds a packet made from slot {@code from} (a fragment of it): same receive interface,
     * adjacency and origin, waiting for {@code stage}. Returns its slot, or -1 when the vector is
     * full (the caller still owns the mbuf then).
     */
    public int add(final int from, final long newMbuf, final long newL3, final int newL3Length, final byte stage)
    {
        if (count == CAPACITY)
        {
            return -1;
        }
        final int i = count++;
        mbuf[i] = newMbuf;
        l3[i] = newL3;
        l3Length[i] = newL3Length;
        rxInterface[i] = rxInterface[from];
        adjacency[i] = adjacency[from];
        txPort[i] = txPort[from];
        icmpError[i] = 0;
        originated[i] = originated[from];
        to(i, stage);
        return i;
    }

    public void to(final int i, final byte stage)
    {
        next[i] = stage;
        pending |= 1L << stage;
    }

    public void drop(final int i, final DropReason reason)
    {
        next[i] = StageId.DROP;
        dropReason[i] = (byte)reason.ordinal();
        pending |= 1L << StageId.DROP;
    }
}
