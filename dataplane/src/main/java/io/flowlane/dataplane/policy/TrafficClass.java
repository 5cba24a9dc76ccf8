package io.flowlane.dataplane.policy;

/**
 * One traffic class of the {@code classes:} config: which IPv4 packets it matches (every field
 * optional, all given fields must match), its rate limit and its circuit breaker.
 *
 * @param dscpMask          bit d set: DSCP d matches; 0 = any DSCP
 * @param protocol          IP protocol number, or -1 for any
 * @param source            source prefix (IPv4, network order as an int) and its length (0 = any)
 * @param destination       destination prefix and its length
 * @param portLow           destination port range (TCP/UDP) low end; -1 = any port
 * @param portHigh          its high end
 * @param rateBitsPerSecond policed rate (bits of IP packet per second); 0 = not policed
 * @param burstBytes        how many bytes may pass at once above the rate (token-bucket depth)
 * @param breaker           the circuit breaker, or null
 */
public record TrafficClass(
    String name, int priority, long dscpMask, int protocol, int source, int sourceLength, int destination, int destinationLength,
    int portLow, int portHigh, long rateBitsPerSecond, int burstBytes, Breaker breaker)
{
    /**
     * Opens (drops the whole class) when more than {@code dropRatio} of its packets were policed
     * over {@code windowMillis}; after {@code openMillis} it closes again and policing resumes
     * (and it opens again at once if the excess is still there).
     */
    public record Breaker(double dropRatio, int windowMillis, int openMillis)
    {
    }

    public boolean matchesAny()
    {
        return dscpMask == 0 && protocol < 0 && sourceLength == 0 && destinationLength == 0 && portLow < 0;
    }
}
