package io.flowlane.dataplane.worker;

/**
 * A fault injected into the whole node, for mesh drills (control channel {@code FaultInjection}
 * with target NODE, refused unless the appliance allows fault injection): every worker
 *
 * <ul>
 *   <li>stalls {@code stallMicrosPerMilli} of every millisecond: it parks instead of polling, as a
 *       worker whose core is taken by something else would, and counts that time as busy (it could
 *       not forward then). This shows in the node's busy ratio whether it carries traffic or not,
 *       which is what a degraded node looks like to the mesh manager. The stall is owed in
 *       proportion to the time the worker ran (or idled) since its last one, so the share holds
 *       whatever the idle strategy does, and one stall lasts at most {@link #MAX_STALL_MICROS}
 *       (packets wait in the receive ring meanwhile);</li>
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
    public static final int PERIOD_MICROS = 1_000;
    /** The longest single stall: a stalled worker still polls at least this often. */
    public static final long MAX_STALL_MICROS = 10_000;
    /** Shorter stalls are put off and added up: a park shorter than the kernel's timer slack (50 µs) overshoots. */
    public static final long MIN_STALL_MICROS = 100;

    /**
     * What the workers do; {@link #NONE} when no fault is injected (the workers test for that instance).
     *
     * @param stallPerMille  share of the worker's time it stalls, 0..1000
     * @param cyclesPerMicro TSC cycles per microsecond (stalls are parked in nanoseconds)
     */
    public record Settings(long delayCycles, int dropPpm, int stallPerMille, long cyclesPerMicro)
    {
        /** The stall owed after the worker ran {@code ranCycles} since its last stall ended; capped at the longest. */
        public long owedStallCycles(final long ranCycles)
        {
            return stallPerMille >= PERIOD_MICROS ? MAX_STALL_MICROS * cyclesPerMicro :
                Math.min(MAX_STALL_MICROS * cyclesPerMicro, ranCycles * stallPerMille / (PERIOD_MICROS - stallPerMille));
        }

        public long minStallCycles()
        {
            return MIN_STALL_MICROS * cyclesPerMicro;
        }
    }

    public static final Settings NONE = new Settings(0, 0, 0, 1);

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
        if (stallMicrosPerMilli < 0 || stallMicrosPerMilli > PERIOD_MICROS)
        {
            throw new IllegalArgumentException("stallMicrosPerMilli: " + stallMicrosPerMilli + " is outside 0.." + PERIOD_MICROS);
        }
        settings = delayNanos == 0 && dropPartsPerMillion == 0 && stallMicrosPerMilli == 0 ? NONE :
            new Settings(delayNanos * tscHz / 1_000_000_000L, dropPartsPerMillion, stallMicrosPerMilli, Math.max(1, tscHz / 1_000_000L));
    }
}
