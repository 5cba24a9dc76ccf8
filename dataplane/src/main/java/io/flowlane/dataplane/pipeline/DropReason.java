package io.flowlane.dataplane.pipeline;

/**
 * Why a packet left the data plane without being sent, one counter each.
 * Some are not errors ({@link #ARP_CONSUMED}: the frame was for us and has been handled).
 *
 * <p>Each has a {@link DropBlame}: whether the packet, the way on, the node or policy caused it.
 * The borderline ones: {@link #TX_QUEUE_FULL} is the path (the link or the peer stopped taking
 * packets: a dead memif peer fills the ring, and a node that cannot keep up shows as rx missed
 * instead); {@link #ICMP_RATE_LIMITED} is the packet's (it drew an error, the error was not sent);
 * {@link #ESP_SEQUENCE_EXHAUSTED} and {@link #ESP_LIFETIME_EXPIRED} are the path (the SA must be
 * rekeyed before the tunnel carries anything); {@link #LOOP} is the path (tunnels routed into
 * themselves, or a stage not plugged in); {@link #MULTI_SEGMENT} is the input (a frame larger than
 * the node supports, dropped whatever its load).
 */
public enum DropReason
{
    RUNT(DropBlame.INPUT, "frame shorter than its headers"),
    MULTI_SEGMENT(DropBlame.INPUT, "chained mbuf (jumbo frames are not supported)"),
    UNKNOWN_INTERFACE(DropBlame.INPUT, "no interface for the port and VLAN"),
    NOT_FOR_US(DropBlame.INPUT, "unicast destination MAC is not ours"),
    UNKNOWN_ETHERTYPE(DropBlame.INPUT, "ether type is neither IPv4, IPv6 nor ARP"),
    VLAN_UNSUPPORTED(DropBlame.INPUT, "stacked VLAN tags (QinQ)"),
    ARP_MALFORMED(DropBlame.INPUT, "ARP that is not Ethernet/IPv4 or is truncated"),
    ARP_CONSUMED(DropBlame.INPUT, "ARP handled (learned or not for us)"),
    IP4_TRUNCATED(DropBlame.INPUT, "IPv4 header longer than the frame"),
    IP4_BAD_VERSION(DropBlame.INPUT, "IPv4 version field is not 4"),
    IP4_BAD_HEADER_LENGTH(DropBlame.INPUT, "IPv4 IHL below 5 or beyond the frame"),
    IP4_BAD_TOTAL_LENGTH(DropBlame.INPUT, "IPv4 total length below the header or beyond the frame"),
    IP4_BAD_CHECKSUM(DropBlame.INPUT, "IPv4 header checksum does not verify"),
    IP4_MARTIAN_SOURCE(DropBlame.INPUT, "IPv4 source is multicast, broadcast, loopback or zero"),
    IP4_NOT_ROUTABLE(DropBlame.INPUT, "IPv4 destination is multicast or broadcast"),
    IP4_LOCAL_FRAGMENT(DropBlame.INPUT, "fragment addressed to us (no reassembly)"),
    IP6_TRUNCATED(DropBlame.INPUT, "IPv6 header longer than the frame"),
    IP6_BAD_VERSION(DropBlame.INPUT, "IPv6 version field is not 6"),
    IP6_BAD_PAYLOAD_LENGTH(DropBlame.INPUT, "IPv6 payload length beyond the frame"),
    IP6_MARTIAN_SOURCE(DropBlame.INPUT, "IPv6 source is multicast"),
    IP6_NOT_ROUTABLE(DropBlame.INPUT, "IPv6 multicast beyond link-local scope"),
    NO_ROUTE(DropBlame.PATH, "no route to the destination"),
    BLACKHOLE(DropBlame.PATH, "route to a discard next hop"),
    TTL_EXPIRED(DropBlame.INPUT, "TTL or hop limit expired (no ICMP sent)"),
    MTU_EXCEEDED(DropBlame.PATH, "larger than the egress MTU, DF clear, and the MTU leaves no room for fragments (below header + 8)"),
    FRAGMENT_NO_MBUF(DropBlame.NODE, "larger than the egress MTU, DF clear, and no mbufs (or no room in the burst) for its fragments"),
    NEIGHBOR_MISS(DropBlame.PATH, "next hop MAC unknown; a resolution request was sent instead"),
    NEIGHBOR_MISS_THROTTLED(DropBlame.PATH, "next hop MAC unknown; resolution already pending"),
    LOCAL_UNSUPPORTED(DropBlame.INPUT, "addressed to us with a protocol we do not serve"),
    ICMP_MALFORMED(DropBlame.INPUT, "ICMP message truncated or with a bad checksum"),
    ICMP_CONSUMED(DropBlame.INPUT, "ICMP or NDP message handled or ignored"),
    ICMP_SUPPRESSED(DropBlame.INPUT, "ICMP error not sent (about an error, a fragment or a non-unicast source)"),
    ICMP_RATE_LIMITED(DropBlame.INPUT, "ICMP error not sent: rate limit"),
    NO_HEADROOM(DropBlame.NODE, "no room in the buffer to add headers"),
    NO_SOURCE_ADDRESS(DropBlame.PATH, "interface has no address to send from"),
    TX_QUEUE_FULL(DropBlame.PATH, "transmit queue full after retries"),
    TUNNEL_UNAVAILABLE(DropBlame.PATH, "route points at a tunnel that is being deleted or not ready"),
    TUNNEL_SHAPED(DropBlame.PATH, "over the tunnel's bandwidth (token bucket empty)"),
    TUNNEL_MTU(DropBlame.PATH, "larger than the tunnel MTU (or an outer packet than the egress MTU) and not fragmented"),
    GRE_MALFORMED(DropBlame.INPUT, "GRE header truncated, not version 0, or with reserved bits or routing set"),
    GRE_BAD_CHECKSUM(DropBlame.INPUT, "GRE checksum present and wrong"),
    GRE_UNKNOWN_TUNNEL(DropBlame.INPUT, "GRE packet matches no tunnel (endpoints or key)"),
    GRE_UNSUPPORTED_PAYLOAD(DropBlame.INPUT, "GRE payload is neither IPv4 nor IPv6"),
    GRE_OUT_OF_SEQUENCE(DropBlame.INPUT, "GRE sequence number not newer than the last one accepted (RFC 2890)"),
    ESP_MALFORMED(DropBlame.INPUT, "ESP packet too short for header, IV, ICV and trailer, or padding wrong"),
    ESP_UNKNOWN_SPI(DropBlame.INPUT, "no inbound security association for the SPI and destination"),
    ESP_REPLAY(DropBlame.INPUT, "sequence number already seen or left of the anti-replay window"),
    ESP_BAD_ICV(DropBlame.INPUT, "ICV does not verify (forged, corrupted or wrong key)"),
    ESP_SEQUENCE_EXHAUSTED(DropBlame.PATH, "outbound sequence numbers of the SA are used up; rekey needed"),
    ESP_LIFETIME_EXPIRED(DropBlame.PATH, "security association past its byte or packet hard lifetime"),
    ESP_POLICY_MISMATCH(DropBlame.INPUT, "decrypted packet outside the SA's traffic selectors"),
    ESP_CRYPTO_FAILED(DropBlame.NODE, "the cipher library reported an error"),
    NO_TAILROOM(DropBlame.NODE, "no room at the end of the buffer for a trailer"),
    ESP_UNSUPPORTED_PAYLOAD(DropBlame.INPUT, "ESP next header is neither IPv4 nor IPv6 (tunnel mode only)"),
    LOOP(DropBlame.PATH, "packet visited too many stages in one burst"),
    FAULT_INJECTED(DropBlame.NODE, "dropped by a fault injected for testing (control channel FaultInjection)"),
    POLICED(DropBlame.POLICY, "over its traffic class's rate (classes: rate-mbps, burst-kb)"),
    CLASS_BREAKER_OPEN(DropBlame.POLICY, "its traffic class's circuit breaker is open (too much of the class was over its rate)");

    private final DropBlame blame;
    private final String description;

    DropReason(final DropBlame blame, final String description)
    {
        this.blame = blame;
        this.description = description;
    }

    public DropBlame blame()
    {
        return blame;
    }

    public String description()
    {
        return description;
    }

    /** Lower-case, hyphenated name for counters and CLI output ("no-route"). */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static final DropReason[] VALUES = values();

    public static DropReason of(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
