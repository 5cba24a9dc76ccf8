package io.flowlane.dataplane.policy;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

import io.flowlane.dataplane.packet.Ipv4Header;

/**
 * One worker's classifier and policer: finds an IPv4 packet's traffic class (first match in
 * config order) and admits it or not. A worker keeps a little credit per class taken from the
 * class's shared bucket in {@link TrafficClasses#CHUNK_BYTES} chunks, so most packets cost no
 * atomic operation at all. Counters are this worker's (plain longs, summed by the control thread).
 */
public final class ClassPolicer
{
    public static final int ADMITTED = 0;
    public static final int POLICED = 1;
    public static final int BREAKER_OPEN = 2;

    private final TrafficClasses classes;
    private final TrafficClass[] rules;
    private final long[] credit;
    /** Per class: packets matched, bytes matched, packets policed, packets dropped by an open breaker. */
    final long[] matchedPackets;
    final long[] matchedBytes;
    final long[] policedPackets;
    final long[] breakerDrops;

    public ClassPolicer(final TrafficClasses classes)
    {
        this.classes = classes;
        this.rules = classes.classes().toArray(TrafficClass[]::new);
        final int n = rules.length;
        credit = new long[n];
        matchedPackets = new long[n];
        matchedBytes = new long[n];
        policedPackets = new long[n];
        breakerDrops = new long[n];
    }

    /** The class of the IPv4 packet at {@code ip} (header checked by ipv4-input), or -1. */
    public int classify(final long ip, final int headerLength)
    {
        final int dscp = u8(ip + 1) >>> 2;
        final int protocol = Ipv4Header.protocol(ip);
        final int source = Ipv4Header.source(ip);
        final int destination = Ipv4Header.destination(ip);
        final boolean hasPorts = (protocol == 6 || protocol == 17) && !Ipv4Header.isLaterFragment(ip);
        for (int c = 0; c < rules.length; c++)
        {
            final TrafficClass r = rules[c];
            if (r.dscpMask() != 0 && (r.dscpMask() & (1L << dscp)) == 0 ||
                r.protocol() >= 0 && r.protocol() != protocol ||
                r.sourceLength() != 0 && ((source ^ r.source()) & mask(r.sourceLength())) != 0 ||
                r.destinationLength() != 0 && ((destination ^ r.destination()) & mask(r.destinationLength())) != 0)
            {
                continue;
            }
            if (r.portLow() >= 0)
            {
                if (!hasPorts)
                {
                    continue;
                }
                final int port = u16be(ip + headerLength + 2);
                if (port < r.portLow() || port > r.portHigh())
                {
                    continue;
                }
            }
            return c;
        }
        return -1;
    }

    /** {@link #ADMITTED}, {@link #POLICED} or {@link #BREAKER_OPEN} for a packet of class {@code c}. */
    public int admit(final int c, final int bytes, final long now)
    {
        matchedPackets[c]++;
        matchedBytes[c] += bytes;
        if (classes.breakerOpen(c))
        {
            breakerDrops[c]++;
            return BREAKER_OPEN;
        }
        if (classes.unlimited(c))
        {
            return ADMITTED;
        }
        if (credit[c] >= bytes)
        {
            credit[c] -= bytes;
            return ADMITTED;
        }
        // Take a chunk (the packet's bytes included); near the limit, just the packet.
        final long chunk = Math.max(TrafficClasses.CHUNK_BYTES, bytes - credit[c]);
        if (classes.take(c, chunk, now))
        {
            credit[c] += chunk - bytes;
            return ADMITTED;
        }
        if (classes.take(c, bytes - credit[c], now))
        {
            credit[c] = 0;
            return ADMITTED;
        }
        policedPackets[c]++;
        return POLICED;
    }

    public long matchedPackets(final int c)
    {
        return matchedPackets[c];
    }

    public long matchedBytes(final int c)
    {
        return matchedBytes[c];
    }

    public long policedPackets(final int c)
    {
        return policedPackets[c];
    }

    public long breakerDrops(final int c)
    {
        return breakerDrops[c];
    }

    private static int mask(final int length)
    {
        return length == 0 ? 0 : -1 << (32 - length);
    }
}
