package io.flowlane.dataplane.policy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The appliance's traffic classes and their shared policing state: one GCRA (virtual scheduling,
 * ITU-T I.371) "theoretical arrival time" per class, which every worker advances with one CAS when
 * it takes a chunk of credit. So a class's rate is its rate across all workers (as an operator
 * means it), with one atomic operation per chunk of bytes rather than per packet, and no lock.
 *
 * <p>Rates change at run time ({@link #setRate}, the control thread); the breaker's open flag is
 * set by {@link CircuitBreakers} on the control thread. Workers read both per packet as plain
 * volatile loads.
 */
public final class TrafficClasses
{
    public static final int MAX_CLASSES = 64;
    /** Bytes a worker takes from the shared bucket at a time (or the packet, if larger). */
    static final int CHUNK_BYTES = 4096;
    private static final int PAD = 16; // longs between hot slots: one class per 128-byte line pair
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final List<TrafficClass> classes;
    private final int workers;
    /** Per class, padded: the theoretical arrival time in ns. */
    private final long[] arrival;
    /** Per class: ns per byte in 16.16 fixed point (0 = unlimited), and the burst tolerance in ns. */
    private final long[] nanosPerByte;
    private final long[] tolerance;
    private final long[] rate;
    private final int[] burst;
    private final int[] breakerOpen;

    public TrafficClasses(final List<TrafficClass> classes, final int workers)
    {
        if (classes.size() > MAX_CLASSES)
        {
            throw new IllegalArgumentException("classes: " + classes.size() + "; at most " + MAX_CLASSES);
        }
        this.classes = List.copyOf(classes);
        this.workers = workers;
        final int n = classes.size();
        arrival = new long[(n + 1) * PAD];
        nanosPerByte = new long[n];
        tolerance = new long[n];
        rate = new long[n];
        burst = new int[n];
        breakerOpen = new int[n];
        for (int c = 0; c < n; c++)
        {
            setRate(c, classes.get(c).rateBitsPerSecond(), classes.get(c).burstBytes());
        }
    }

    public List<TrafficClass> classes()
    {
        return classes;
    }

    public int count()
    {
        return classes.size();
    }

    public int index(final String name)
    {
        for (int c = 0; c < classes.size(); c++)
        {
            if (classes.get(c).name().equals(name))
            {
                return c;
            }
        }
        return -1;
    }

    int workers()
    {
        return workers;
    }

    /** Control thread: a new rate (0 = unlimited) and burst for class {@code c}. */
    public void setRate(final int c, final long bitsPerSecond, final int burstBytes)
    {
        if (bitsPerSecond < 0 || bitsPerSecond > 1_000_000_000_000L)
        {
            throw new IllegalArgumentException("rate: " + bitsPerSecond + " bit/s is outside 0..1 Tbit/s");
        }
        if (burstBytes < 1500 || burstBytes > 64 << 20)
        {
            throw new IllegalArgumentException("burst: " + burstBytes + " bytes is outside 1500..64 MiB");
        }
        final long perByte = bitsPerSecond == 0 ? 0 : Math.max(1, (8_000_000_000L << 16) / bitsPerSecond);
        rate[c] = bitsPerSecond;
        burst[c] = burstBytes;
        LONGS.setVolatile(tolerance, c, (perByte * burstBytes) >>> 16);
        LONGS.setVolatile(nanosPerByte, c, perByte);
    }

    public long rate(final int c)
    {
        return rate[c];
    }

    public int burst(final int c)
    {
        return burst[c];
    }

    /**
     * Takes {@code bytes} of credit from class {@code c}'s shared bucket at time {@code now};
     * false if that would exceed the rate plus burst. Lock-free: retried only when another worker
     * took credit between our read and our CAS.
     */
    boolean take(final int c, final long bytes, final long now)
    {
        final long perByte = (long)LONGS.getVolatile(nanosPerByte, c);
        if (perByte == 0)
        {
            return true;
        }
        final long limit = (long)LONGS.getVolatile(tolerance, c);
        final long cost = (bytes * perByte) >>> 16;
        final int slot = (c + 1) * PAD;
        while (true)
        {
            final long tat = (long)LONGS.getVolatile(arrival, slot);
            final long start = Math.max(tat, now);
            final long next = start + cost;
            if (next - now > limit)
            {
                return false;
            }
            if (LONGS.compareAndSet(arrival, slot, tat, next))
            {
                return true;
            }
        }
    }

    boolean unlimited(final int c)
    {
        return (long)LONGS.getVolatile(nanosPerByte, c) == 0;
    }

    public boolean breakerOpen(final int c)
    {
        return (int)INTS.getVolatile(breakerOpen, c) != 0;
    }

    void breakerOpen(final int c, final boolean open)
    {
        INTS.setVolatile(breakerOpen, c, open ? 1 : 0);
    }
}
