package io.flowlane.bindings;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * Downcalls made on the packet path, once per burst (never once per packet where avoidable).
 *
 * <p>Two departures from jextract's output, both for speed and both safe here:
 * <ul>
 *   <li>{@link Linker.Option#critical(boolean)}: these functions never block, never call back
 *   into Java and return within microseconds, so the JVM can skip the thread-state transition
 *   around the call (several ns per call saved).</li>
 *   <li>Pointers travel as {@code long} addresses: on x86-64 SysV a pointer and a 64-bit integer
 *   are passed identically, and a {@code long} needs no {@code MemorySegment} object per call,
 *   which keeps the worker loop allocation-free.</li>
 * </ul>
 */
public final class FastPath
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    private static final MethodHandle RX_BURST = critical(
        "fl_rx_burst", FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG, JAVA_SHORT));
    private static final MethodHandle TX_BURST = critical(
        "fl_tx_burst", FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG, JAVA_SHORT));
    private static final MethodHandle FREE_BULK = critical(
        "fl_pktmbuf_free_bulk", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT));
    private static final MethodHandle FREE = critical(
        "fl_pktmbuf_free", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle ALLOC_BULK = critical(
        "fl_pktmbuf_alloc_bulk", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle ALLOC = critical(
        "fl_pktmbuf_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle REFCNT_UPDATE = critical(
        "fl_mbuf_refcnt_update", FunctionDescriptor.of(JAVA_SHORT, JAVA_LONG, JAVA_SHORT));
    private static final MethodHandle RDTSC = critical(
        "fl_rdtsc", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle AVAIL_COUNT = critical(
        "fl_mempool_avail_count", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle IN_USE_COUNT = critical(
        "fl_mempool_in_use_count", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));

    private FastPath()
    {
    }

    private static MethodHandle critical(final String symbol, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(flowlane_shim_h.findOrThrow(symbol), descriptor, CRITICAL);
    }

    /** rte_eth_rx_burst: fills {@code mbufArray} (an array of rte_mbuf pointers) and returns how many. */
    public static int rxBurst(final int port, final int queue, final long mbufArray, final int count)
    {
        try
        {
            return Short.toUnsignedInt((short)RX_BURST.invokeExact((short)port, (short)queue, mbufArray, (short)count));
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** rte_eth_tx_burst: returns how many of the {@code count} mbufs the driver took. */
    public static int txBurst(final int port, final int queue, final long mbufArray, final int count)
    {
        try
        {
            return Short.toUnsignedInt((short)TX_BURST.invokeExact((short)port, (short)queue, mbufArray, (short)count));
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static void freeBulk(final long mbufArray, final int count)
    {
        try
        {
            FREE_BULK.invokeExact(mbufArray, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static void free(final long mbuf)
    {
        try
        {
            FREE.invokeExact(mbuf);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** rte_pktmbuf_alloc_bulk: all or nothing; returns 0 on success. */
    public static int allocBulk(final long pool, final long mbufArray, final int count)
    {
        try
        {
            return (int)ALLOC_BULK.invokeExact(pool, mbufArray, count);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** rte_pktmbuf_alloc: the new mbuf's address, or 0 when the pool is empty. */
    public static long alloc(final long pool)
    {
        try
        {
            return (long)ALLOC.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static int refcntUpdate(final long mbuf, final int delta)
    {
        try
        {
            return Short.toUnsignedInt((short)REFCNT_UPDATE.invokeExact(mbuf, (short)delta));
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static long rdtsc()
    {
        try
        {
            return (long)RDTSC.invokeExact();
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static int mempoolAvailCount(final long pool)
    {
        try
        {
            return (int)AVAIL_COUNT.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    public static int mempoolInUseCount(final long pool)
    {
        try
        {
            return (int)IN_USE_COUNT.invokeExact(pool);
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }
}
