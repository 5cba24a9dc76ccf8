package io.flowlane.dataplane.pipeline;

/** Things a worker did besides forwarding, one counter each. */
public enum WorkerEvent
{
    ARP_REPLIES_SENT,
    ARP_REQUESTS_SENT,
    NEIGHBOR_ADVERTISEMENTS_SENT,
    NEIGHBOR_SOLICITATIONS_SENT,
    ECHO_REPLIES_SENT,
    ICMP_ERRORS_SENT,
    NEIGHBORS_LEARNED,
    NEIGHBOR_EVENTS_LOST,
    TX_RETRIES,
    /** IPv4 fragments sent (all pieces, the first included) of packets too big for their path. */
    IP4_FRAGMENTS_MADE,
    /**
     * Timed polls that took longer than any burst's work can (250 µs): the thread was descheduled
     * or faulted, which says the core is not isolated, not that the worker is busy.
     */
    TIMED_POLL_STALLS;

    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
