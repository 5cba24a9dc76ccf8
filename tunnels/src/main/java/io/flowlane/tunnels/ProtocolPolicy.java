package io.flowlane.tunnels;

/**
 * Chooses a tunnel's protocol when the operator states a need instead of a protocol (seed 002's
 * TPAL "select the most appropriate protocol"): confidentiality needs ESP; otherwise GRE, whose
 * header is 8-16 bytes smaller than ESP's 39-42 and which costs no cryptography per packet
 * (docs/tunnels.md has the measured rates).
 */
public final class ProtocolPolicy
{
    public enum Security
    {
        /** Anything goes: pick the cheapest. */
        NONE,
        /** The traffic must be encrypted and authenticated. */
        CONFIDENTIAL
    }

    private ProtocolPolicy()
    {
    }

    public static TunnelProtocol choose(final Security security)
    {
        return security == Security.CONFIDENTIAL ? TunnelProtocol.ESP : TunnelProtocol.GRE;
    }
}
