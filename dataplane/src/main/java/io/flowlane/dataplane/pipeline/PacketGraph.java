package io.flowlane.dataplane.pipeline;

import java.lang.foreign.Arena;

/**
 * Runs a burst through the stages: always the lowest-numbered stage with packets waiting (see
 * {@link StageId} for why that is journey order), then transmit, then drop.
 *
 * <p>Stage by stage over the whole burst, as VPP does, rather than each packet to completion:
 * a stage's loop iterations are independent, so the CPU overlaps one packet's cache misses with
 * the next packet's work; run to completion measured 25% slower per packet on the 64-byte
 * forwarding benchmark (perf/src/main/java/io/flowlane/perf/jmh/ForwardingGraphBenchmark.java).
 * The built-in stages are dispatched by a switch on concrete types, so their calls are static
 * (and inlinable) rather than one megamorphic interface call per stage.
 */
public final class PacketGraph
{
    /** More stage visits than any legitimate packet needs (encap, ICMP, decap add a few each). */
    private static final int MAX_VISITS = 48;

    private final EthernetInput ethernetInput = new EthernetInput();
    private final ArpInput arpInput;
    private final Ipv4Input ipv4Input = new Ipv4Input();
    private final Ipv6Input ipv6Input = new Ipv6Input();
    private final Ipv4Lookup ipv4Lookup = new Ipv4Lookup();
    private final Ipv6Lookup ipv6Lookup = new Ipv6Lookup();
    private final Ipv4Local ipv4Local = new Ipv4Local();
    private final Ipv6Local ipv6Local;
    private final Ipv4Fragmenter ipv4Fragmenter;
    private final Ipv4Rewrite ipv4Rewrite;
    private final Ipv6Rewrite ipv6Rewrite = new Ipv6Rewrite();
    private final Icmp4Error icmp4Error;
    private final Icmp6Error icmp6Error;
    private final NeighborDiscovery neighborDiscovery = new NeighborDiscovery();
    /** Stages plugged in by other modules, by id. */
    private final Stage[] plugged = new Stage[StageId.COUNT];
    private final TxStage tx;
    private final DropStage drop;

    /**
     * The forwarding graph of one worker.
     *
     * @param txQueue        the worker's own transmit queue on every port
     * @param txRetries      tx_burst retries before the rest of a burst is dropped
     * @param neighborEvents where ARP/NDP input reports neighbors to the control thread
     * @param icmpLimit      the worker's ICMP error budget
     * @param pool           the mbuf pool IPv4 fragments are cut into (its address)
     */
    public PacketGraph(
        final Arena arena, final int txQueue, final int txRetries, final NeighborEvents neighborEvents,
        final IcmpRateLimiter icmpLimit, final long pool)
    {
        this.ipv4Fragmenter = new Ipv4Fragmenter(arena, pool);
        this.ipv4Rewrite = new Ipv4Rewrite(ipv4Fragmenter);
        this.arpInput = new ArpInput(neighborEvents);
        this.ipv6Local = new Ipv6Local(neighborEvents);
        this.icmp4Error = new Icmp4Error(icmpLimit);
        this.icmp6Error = new Icmp6Error(icmpLimit);
        this.tx = new TxStage(arena, txQueue, txRetries);
        this.drop = new DropStage(arena);
    }

    /** Plugs in a stage of another module (tunnel decap/encap) under its own id. */
    public void add(final Stage stage)
    {
        final int id = stage.id();
        if (id >= StageId.FIRST_DECAP && id <= StageId.LAST_DECAP || id >= StageId.FIRST_ENCAP && id <= StageId.LAST_ENCAP)
        {
            if (plugged[id] != null)
            {
                throw new IllegalArgumentException("stage id " + id + " is taken by " + plugged[id].getClass().getSimpleName());
            }
            plugged[id] = stage;
            return;
        }
        throw new IllegalArgumentException("stage id " + id + " is not a decap (" + StageId.FIRST_DECAP + ".." +
            StageId.LAST_DECAP + ") or encap (" + StageId.FIRST_ENCAP + ".." + StageId.LAST_ENCAP + ") id");
    }

    /** Polices IPv4 packets by traffic class at ipv4-input. */
    public void policer(final io.flowlane.dataplane.policy.ClassPolicer policer)
    {
        ipv4Input.policer(policer);
    }

    /** Lets a packet capture see what this worker sends ({@code flowlane capture}). */
    public void capture(final io.flowlane.dataplane.capture.CaptureTap tap)
    {
        tx.capture(tap);
    }

    /** This worker's IPv4 fragmenter, for stages of other modules (tunnel MTU). */
    public Ipv4Fragmenter ipv4Fragmenter()
    {
        return ipv4Fragmenter;
    }

    public Ipv4Local ipv4Local()
    {
        return ipv4Local;
    }

    public Ipv6Local ipv6Local()
    {
        return ipv6Local;
    }

    public void run(final PacketVector v)
    {
        int visits = 0;
        long waiting;
        while ((waiting = v.pending & ~StageId.TERMINAL) != 0)
        {
            final int id = Long.numberOfTrailingZeros(waiting);
            v.pending &= ~(1L << id);
            if (++visits > MAX_VISITS)
            {
                dropWaiting(v, id);
                continue;
            }
            step(v, id);
        }
        if ((v.pending & (1L << StageId.TX)) != 0)
        {
            tx.flush(v);
        }
        if ((v.pending & (1L << StageId.DROP)) != 0)
        {
            drop.flush(v);
        }
        v.pending = 0;
    }

    /** The packet's journey, in stage id order: rx → parse → classify → decap → route → encap → tx. */
    private void step(final PacketVector v, final int stage)
    {
        switch (stage)
        {
            case StageId.ETHERNET_INPUT -> ethernetInput.process(v);
            case StageId.ARP_INPUT -> arpInput.process(v);
            case StageId.IP4_INPUT -> ipv4Input.process(v);
            case StageId.IP6_INPUT -> ipv6Input.process(v);
            case StageId.IP4_LOOKUP -> ipv4Lookup.process(v);
            case StageId.IP6_LOOKUP -> ipv6Lookup.process(v);
            case StageId.IP4_LOCAL -> ipv4Local.process(v);
            case StageId.IP6_LOCAL -> ipv6Local.process(v);
            case StageId.IP4_REWRITE -> ipv4Rewrite.process(v);
            case StageId.IP6_REWRITE -> ipv6Rewrite.process(v);
            case StageId.ICMP4_ERROR -> icmp4Error.process(v);
            case StageId.ICMP6_ERROR -> icmp6Error.process(v);
            case StageId.NEIGHBOR_DISCOVERY -> neighborDiscovery.process(v);
            default -> plugged(v, stage);
        }
    }

    private void plugged(final PacketVector v, final int stage)
    {
        final Stage plugin = plugged[stage];
        if (plugin == null)
        {
            dropWaiting(v, stage);
            return;
        }
        plugin.process(v);
    }

    private static void dropWaiting(final PacketVector v, final int id)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] == id)
            {
                v.drop(i, DropReason.LOOP);
            }
        }
    }
}
