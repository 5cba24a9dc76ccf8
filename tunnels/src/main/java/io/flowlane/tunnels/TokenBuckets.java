package io.flowlane.tunnels;

import io.flowlane.bindings.FastPath;

/**
 * One worker's token buckets, one per tunnel slot (seed 002's per-tunnel bandwidth). Each worker
 * shapes to rate / workers, so there is no shared counter to contend on; with RSS spreading
 * flows evenly that is the tunnel's rate in total. Tokens are kept in units of
 * bytes x TSC ticks per second so that refilling needs a multiply, not a divide.
 */
final class TokenBuckets
{
    /** Burst: 10 ms at the shaped rate (at least one jumbo frame). */
    private static final long BURST_MILLIS = 10;

    private final long tscHz = io.flowlane.bindings.flowlane_shim_h.fl_tsc_hz();
    private final int workers;
    private final long[] tokens;
    private final long[] lastTsc;

    TokenBuckets(final int capacity, final int workers)
    {
        this.workers = workers;
        tokens = new long[capacity];
        lastTsc = new long[capacity];
    }

    /** Takes {@code bytes} from the tunnel's bucket; false if the packet is over the rate. */
    boolean take(final int slot, final long bytesPerSecond, final int bytes)
    {
        if (bytesPerSecond == 0)
        {
            return true;
        }
        final long rate = Math.max(1, bytesPerSecond / workers);
        final long burst = Math.max(rate * BURST_MILLIS / 1000, 9216) * tscHz;
        final long now = FastPath.rdtsc();
        // Refill; an idle gap longer than 0.1 s cannot overflow: it fills the bucket anyway.
        final long elapsed = Math.min(now - lastTsc[slot], tscHz / 10);
        lastTsc[slot] = now;
        final long available = Math.min(burst, tokens[slot] + elapsed * rate);
        final long cost = bytes * tscHz;
        if (available < cost)
        {
            tokens[slot] = available;
            return false;
        }
        tokens[slot] = available - cost;
        return true;
    }
}
