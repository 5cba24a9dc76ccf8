package io.flowlane.dataplane.pipeline;

/**
 * Token bucket for ICMP errors (RFC 1812 §4.3.2.8 and RFC 4443 §2.4(f) require a limit, so
 * that a flood of expiring packets cannot turn the router into a flood source). Per worker,
 * so it needs no synchronisation; it reads the clock only when an error is about to be sent.
 */
public final class IcmpRateLimiter
{
    private final long nanosPerToken;
    private final long burst;
    private long tokens;
    private long lastRefillNanos;

    public IcmpRateLimiter(final long perSecond, final long burst)
    {
        if (perSecond <= 0 || burst <= 0)
        {
            throw new IllegalArgumentException("icmp rate limit: per-second and burst must be positive");
        }
        this.nanosPerToken = 1_000_000_000L / perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.lastRefillNanos = System.nanoTime();
    }

    public boolean tryAcquire()
    {
        if (tokens == 0)
        {
            final long now = System.nanoTime();
            final long earned = (now - lastRefillNanos) / nanosPerToken;
            if (earned == 0)
            {
                return false;
            }
            tokens = Math.min(burst, earned);
            lastRefillNanos = now;
        }
        tokens--;
        return true;
    }
}
