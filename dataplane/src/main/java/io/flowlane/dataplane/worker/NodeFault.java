package io.flowlane.dataplane.worker;

/**
 * A fault injected into the whole node, for mesh drills (control channel {@code FaultInjection}
 * with target NODE, refused unless the appliance allows fault injection): every worker
 *
 * <ul>
 *   <li>stalls {@code stallMicrosPerMilli} of every millisecond: in each window of
 *       {@link #WINDOW_MICROS} the worker is unavailable for that share, at the window's start;
 *       when it finds itself in that part of a window it parks until the part ends instead of
 *       polling, as a worker whose core is taken by something else would. The stalled time is
 *       counted as busy, window by window on the TSC, whether the worker was parked, idle or
 *       descheduled meanwhile, so the node's busy ratio reads the share exactly (plus its real
 *       work) however loaded the host is, and whether it carries traffic or not: that is what a
 *       degraded node looks like to the mesh manager. Packets wait in the receive ring meanwhile,
 *       at most one stalled part of a window;</li>
 *   <li>spins {@code delayNanos} per packet received, as a slow engine would;</li>
 *   <li>drops a received packet with probability {@code dropPartsPerMillion} (drop reason
 *       {@code fault-injected}).</li>
 * </ul>
 *
 * The control thread writes new settings (one volatile write, an immutable object); workers read
 * them once per poll and allocate nothing for them.
 */
public final class NodeFault
{
    /** Above this a per-packet delay would read as a preempted worker (TIMED_POLL_STALLS), as for tunnels. */
    public static final long MAX_DELAY_NANOS = 50_000;
    public static final int PER_MILLE = 1_000;
    /** The stall's window: long enough for parks to be exact to a few per cent, short enough to keep packets waiting 10 ms at most. */
    public static final long WINDOW_MICROS = 10_000;

    /**
     * What the workers do; {@link #NONE} when no fault is injected (the workers test for that instance).
     *
     * @param stallCycles  the stalled part of each window, in TSC cycles (0: no stall)
     * @param windowCycles the window in TSC cycles
     * @param cyclesPerMicro TSC cycles per microsecond (parks are in nanoseconds)
     */
    public record Settings(long delayCycles, int dropPpm, long stallCycles, long windowCycles, long cyclesPerMicro)
    {
        /** Stalled cycles from the fault's origin to {@code t} cycles after it: whole windows, then the part of the current one. */
        public long stalledUntil(final long t)
        {
            return t / windowCycles * stallCycles + Math.min(t % windowCycles, stallCycles);
        }
    }

    public static final Settings NONE = new Settings(0, 0, 0, 1, 1);

    private volatile Settings settings = NONE;

    public Settings settings()
    {
        return settings;
    }

    /**
     * Injects the fault (all zero removes it). Called on the control thread.
     *
     * @throws IllegalArgumentException naming the field, for a value out of range
     */
    public void inject(final long delayNanos, final int dropPartsPerMillion, final int stallMicrosPerMilli, final long tscHz)
    {
        if (delayNanos < 0 || delayNanos > MAX_DELAY_NANOS)
        {
            throw new IllegalArgumentException("delayNanos: " + delayNanos + " is outside 0.." + MAX_DELAY_NANOS);
        }
        if (dropPartsPerMillion < 0 || dropPartsPerMillion > 1_000_000)
        {
            throw new IllegalArgumentException("dropPartsPerMillion: " + dropPartsPerMillion + " is outside 0..1000000");
        }
        if (stallMicrosPerMilli < 0 || stallMicrosPerMilli > PER_MILLE)
        {
            throw new IllegalArgumentException("stallMicrosPerMilli: " + stallMicrosPerMilli + " is outside 0.." + PER_MILLE);
        }
        final long cyclesPerMicro = Math.max(1, tscHz / 1_000_000L);
        settings = delayNanos == 0 && dropPartsPerMillion == 0 && stallMicrosPerMilli == 0 ? NONE :
            new Settings(delayNanos * tscHz / 1_000_000_000L, dropPartsPerMillion,
                WINDOW_MICROS * stallMicrosPerMilli / PER_MILLE * cyclesPerMicro, WINDOW_MICROS * cyclesPerMicro, cyclesPerMicro);
    }
}
