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
    TX_RETRIES;

    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
