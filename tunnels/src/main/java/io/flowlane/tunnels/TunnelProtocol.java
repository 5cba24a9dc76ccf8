package io.flowlane.tunnels;

/** The encapsulations a {@link Tunnel} can use. */
public enum TunnelProtocol
{
    /** GRE (RFC 2784, RFC 2890 key and sequence number): 24-36 bytes over IPv4, no confidentiality. */
    GRE,
    /** IPsec ESP tunnel mode (RFC 4303) with AES-GCM (RFC 4106): confidentiality and integrity. */
    ESP
}
