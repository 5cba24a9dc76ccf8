package io.flowlane.dataplane.pipeline;

/**
 * Why a packet left the data plane without being sent, one counter each.
 * Some are not errors ({@link #ARP_CONSUMED}: the frame was for us and has been handled).
 */
public enum DropReason
{
    RUNT("frame shorter than its headers"),
    MULTI_SEGMENT("chained mbuf (jumbo frames are not supported)"),
    UNKNOWN_INTERFACE("no interface for the port and VLAN"),
    NOT_FOR_US("unicast destination MAC is not ours"),
    UNKNOWN_ETHERTYPE("ether type is neither IPv4, IPv6 nor ARP"),
    VLAN_UNSUPPORTED("stacked VLAN tags (QinQ)"),
    ARP_MALFORMED("ARP that is not Ethernet/IPv4 or is truncated"),
    ARP_CONSUMED("ARP handled (learned or not for us)"),
    IP4_TRUNCATED("IPv4 header longer than the frame"),
    IP4_BAD_VERSION("IPv4 version field is not 4"),
    IP4_BAD_HEADER_LENGTH("IPv4 IHL below 5 or beyond the frame"),
    IP4_BAD_TOTAL_LENGTH("IPv4 total length below the header or beyond the frame"),
    IP4_BAD_CHECKSUM("IPv4 header checksum does not verify"),
    IP4_MARTIAN_SOURCE("IPv4 source is multicast, broadcast, loopback or zero"),
    IP4_NOT_ROUTABLE("IPv4 destination is multicast or broadcast"),
    IP4_LOCAL_FRAGMENT("fragment addressed to us (no reassembly)"),
    IP6_TRUNCATED("IPv6 header longer than the frame"),
    IP6_BAD_VERSION("IPv6 version field is not 6"),
    IP6_BAD_PAYLOAD_LENGTH("IPv6 payload length beyond the frame"),
    IP6_MARTIAN_SOURCE("IPv6 source is multicast"),
    IP6_NOT_ROUTABLE("IPv6 multicast beyond link-local scope"),
    NO_ROUTE("no route to the destination"),
    BLACKHOLE("route to a discard next hop"),
    TTL_EXPIRED("TTL or hop limit expired (no ICMP sent)"),
    MTU_EXCEEDED("larger than the egress MTU, DF clear, and fragmenting failed (no mbufs or MTU below header + 8)"),
    NEIGHBOR_MISS("next hop MAC unknown; a resolution request was sent instead"),
    NEIGHBOR_MISS_THROTTLED("next hop MAC unknown; resolution already pending"),
    LOCAL_UNSUPPORTED("addressed to us with a protocol we do not serve"),
    ICMP_MALFORMED("ICMP message truncated or with a bad checksum"),
    ICMP_CONSUMED("ICMP or NDP message handled or ignored"),
    ICMP_SUPPRESSED("ICMP error not sent (about an error, a fragment or a non-unicast source)"),
    ICMP_RATE_LIMITED("ICMP error not sent: rate limit"),
    NO_HEADROOM("no room in the buffer to add headers"),
    NO_SOURCE_ADDRESS("interface has no address to send from"),
    TX_QUEUE_FULL("transmit queue full after retries"),
    TUNNEL_UNAVAILABLE("route points at a tunnel that is being deleted or not ready"),
    TUNNEL_SHAPED("over the tunnel's bandwidth (token bucket empty)"),
    TUNNEL_MTU("larger than the tunnel MTU (or an outer packet than the egress MTU) and not fragmented"),
    GRE_MALFORMED("GRE header truncated, not version 0, or with reserved bits or routing set"),
    GRE_BAD_CHECKSUM("GRE checksum present and wrong"),
    GRE_UNKNOWN_TUNNEL("GRE packet matches no tunnel (endpoints or key)"),
    GRE_UNSUPPORTED_PAYLOAD("GRE payload is neither IPv4 nor IPv6"),
    GRE_OUT_OF_SEQUENCE("GRE sequence number not newer than the last one accepted (RFC 2890)"),
    ESP_MALFORMED("ESP packet too short for header, IV, ICV and trailer, or padding wrong"),
    ESP_UNKNOWN_SPI("no inbound security association for the SPI and destination"),
    ESP_REPLAY("sequence number already seen or left of the anti-replay window"),
    ESP_BAD_ICV("ICV does not verify (forged, corrupted or wrong key)"),
    ESP_SEQUENCE_EXHAUSTED("outbound sequence numbers of the SA are used up; rekey needed"),
    ESP_LIFETIME_EXPIRED("security association past its byte or packet hard lifetime"),
    ESP_POLICY_MISMATCH("decrypted packet outside the SA's traffic selectors"),
    ESP_CRYPTO_FAILED("the cipher library reported an error"),
    NO_TAILROOM("no room at the end of the buffer for a trailer"),
    ESP_UNSUPPORTED_PAYLOAD("ESP next header is neither IPv4 nor IPv6 (tunnel mode only)"),
    LOOP("packet visited too many stages in one burst"),
    FAULT_INJECTED("dropped by a fault injected for testing (control channel FaultInjection)"),
    POLICED("over its traffic class's rate (classes: rate-mbps, burst-kb)"),
    CLASS_BREAKER_OPEN("its traffic class's circuit breaker is open (too much of the class was over its rate)");

    private final String description;

    DropReason(final String description)
    {
        this.description = description;
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
