package io.flowlane.dataplane.pipeline;

/**
 * Stage ids, numbered in the order of a packet's journey: the graph runs the lowest-numbered
 * stage with packets waiting first, so a packet flows rx → parse → classify → decap → route →
 * encap → tx in one pass, and only the rare backward edge (an ICMP error or a decapsulated
 * inner packet going back to lookup) costs a second visit.
 */
public final class StageId
{
    public static final byte ETHERNET_INPUT = 0;
    public static final byte ARP_INPUT = 1;
    public static final byte IP4_INPUT = 2;
    public static final byte IP6_INPUT = 3;
    public static final byte IP4_LOOKUP = 4;
    public static final byte IP6_LOOKUP = 5;
    public static final byte IP4_LOCAL = 6;
    public static final byte IP6_LOCAL = 7;
    /** 8..15: decapsulation stages (tunnels module). */
    public static final byte FIRST_DECAP = 8;
    public static final byte LAST_DECAP = 15;
    public static final byte IP4_REWRITE = 16;
    public static final byte IP6_REWRITE = 17;
    /** 18..23: encapsulation stages (tunnels module). */
    public static final byte FIRST_ENCAP = 18;
    public static final byte LAST_ENCAP = 23;
    public static final byte ICMP4_ERROR = 24;
    public static final byte ICMP6_ERROR = 25;
    public static final byte NEIGHBOR_DISCOVERY = 26;
    public static final byte TX = 62;
    public static final byte DROP = 63;

    /** Stages the scheduler does not run itself: the burst ends in them. */
    public static final long TERMINAL = (1L << TX) | (1L << DROP);
    public static final int COUNT = 64;

    private StageId()
    {
    }
}
