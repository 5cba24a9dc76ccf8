// Generated in jextract's shape from native/include/flowlane_shim.h: do not edit.
// Regenerate with bindings/regenerate.sh (uses jextract when it is on PATH).
package io.flowlane.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

@SuppressWarnings({"unused", "checkstyle:all"})
public final class flowlane_shim_h
{
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private flowlane_shim_h()
    {
    }

    static MemorySegment findOrThrow(final String symbol)
    {
        return ShimLibrary.lookup().find(symbol)
            .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    private static final class fl_eal_init
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_eal_init"), DESC);
    }

    public static int fl_eal_init(int argc, MemorySegment argv)
    {
        final MethodHandle mh$ = fl_eal_init.HANDLE;
        try
        {
            return (int) mh$.invokeExact(argc, argv);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_eal_cleanup
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_eal_cleanup"), DESC);
    }

    public static int fl_eal_cleanup()
    {
        final MethodHandle mh$ = fl_eal_cleanup.HANDLE;
        try
        {
            return (int) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_errno
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_errno"), DESC);
    }

    public static int fl_errno()
    {
        final MethodHandle mh$ = fl_errno.HANDLE;
        try
        {
            return (int) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_strerror
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_strerror"), DESC);
    }

    public static MemorySegment fl_strerror(int err)
    {
        final MethodHandle mh$ = fl_strerror.HANDLE;
        try
        {
            return (MemorySegment) mh$.invokeExact(err);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_thread_register
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_thread_register"), DESC);
    }

    public static int fl_thread_register()
    {
        final MethodHandle mh$ = fl_thread_register.HANDLE;
        try
        {
            return (int) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_thread_unregister
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid();
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_thread_unregister"), DESC);
    }

    public static void fl_thread_unregister()
    {
        final MethodHandle mh$ = fl_thread_unregister.HANDLE;
        try
        {
            mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_lcore_id
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_lcore_id"), DESC);
    }

    public static int fl_lcore_id()
    {
        final MethodHandle mh$ = fl_lcore_id.HANDLE;
        try
        {
            return (int) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_vdev_init
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_vdev_init"), DESC);
    }

    public static int fl_vdev_init(MemorySegment name, MemorySegment args)
    {
        final MethodHandle mh$ = fl_vdev_init.HANDLE;
        try
        {
            return (int) mh$.invokeExact(name, args);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_vdev_uninit
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_vdev_uninit"), DESC);
    }

    public static int fl_vdev_uninit(MemorySegment name)
    {
        final MethodHandle mh$ = fl_vdev_uninit.HANDLE;
        try
        {
            return (int) mh$.invokeExact(name);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_rdtsc
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_rdtsc"), DESC);
    }

    public static long fl_rdtsc()
    {
        final MethodHandle mh$ = fl_rdtsc.HANDLE;
        try
        {
            return (long) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_tsc_hz
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_tsc_hz"), DESC);
    }

    public static long fl_tsc_hz()
    {
        final MethodHandle mh$ = fl_tsc_hz.HANDLE;
        try
        {
            return (long) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_pool_create
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_INT, C_INT, C_SHORT, C_SHORT, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_pool_create"), DESC);
    }

    public static MemorySegment fl_pktmbuf_pool_create(MemorySegment name, int n, int cache_size, short priv_size, short data_room, int socket)
    {
        final MethodHandle mh$ = fl_pktmbuf_pool_create.HANDLE;
        try
        {
            return (MemorySegment) mh$.invokeExact(name, n, cache_size, priv_size, data_room, socket);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_mempool_free
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_mempool_free"), DESC);
    }

    public static void fl_mempool_free(MemorySegment mp)
    {
        final MethodHandle mh$ = fl_mempool_free.HANDLE;
        try
        {
            mh$.invokeExact(mp);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_mempool_avail_count
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_mempool_avail_count"), DESC);
    }

    public static int fl_mempool_avail_count(MemorySegment mp)
    {
        final MethodHandle mh$ = fl_mempool_avail_count.HANDLE;
        try
        {
            return (int) mh$.invokeExact(mp);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_mempool_in_use_count
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_mempool_in_use_count"), DESC);
    }

    public static int fl_mempool_in_use_count(MemorySegment mp)
    {
        final MethodHandle mh$ = fl_mempool_in_use_count.HANDLE;
        try
        {
            return (int) mh$.invokeExact(mp);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_alloc
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_alloc"), DESC);
    }

    public static MemorySegment fl_pktmbuf_alloc(MemorySegment mp)
    {
        final MethodHandle mh$ = fl_pktmbuf_alloc.HANDLE;
        try
        {
            return (MemorySegment) mh$.invokeExact(mp);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_alloc_bulk
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_alloc_bulk"), DESC);
    }

    public static int fl_pktmbuf_alloc_bulk(MemorySegment mp, MemorySegment mbufs, int count)
    {
        final MethodHandle mh$ = fl_pktmbuf_alloc_bulk.HANDLE;
        try
        {
            return (int) mh$.invokeExact(mp, mbufs, count);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_free
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_free"), DESC);
    }

    public static void fl_pktmbuf_free(MemorySegment m)
    {
        final MethodHandle mh$ = fl_pktmbuf_free.HANDLE;
        try
        {
            mh$.invokeExact(m);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_free_bulk
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_free_bulk"), DESC);
    }

    public static void fl_pktmbuf_free_bulk(MemorySegment mbufs, int count)
    {
        final MethodHandle mh$ = fl_pktmbuf_free_bulk.HANDLE;
        try
        {
            mh$.invokeExact(mbufs, count);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_mbuf_refcnt_update
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_SHORT, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_mbuf_refcnt_update"), DESC);
    }

    public static short fl_mbuf_refcnt_update(MemorySegment m, short delta)
    {
        final MethodHandle mh$ = fl_mbuf_refcnt_update.HANDLE;
        try
        {
            return (short) mh$.invokeExact(m, delta);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_prepend
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_prepend"), DESC);
    }

    public static MemorySegment fl_pktmbuf_prepend(MemorySegment m, short len)
    {
        final MethodHandle mh$ = fl_pktmbuf_prepend.HANDLE;
        try
        {
            return (MemorySegment) mh$.invokeExact(m, len);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_append
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_append"), DESC);
    }

    public static MemorySegment fl_pktmbuf_append(MemorySegment m, short len)
    {
        final MethodHandle mh$ = fl_pktmbuf_append.HANDLE;
        try
        {
            return (MemorySegment) mh$.invokeExact(m, len);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_adj
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_adj"), DESC);
    }

    public static MemorySegment fl_pktmbuf_adj(MemorySegment m, short len)
    {
        final MethodHandle mh$ = fl_pktmbuf_adj.HANDLE;
        try
        {
            return (MemorySegment) mh$.invokeExact(m, len);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_pktmbuf_trim
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_pktmbuf_trim"), DESC);
    }

    public static int fl_pktmbuf_trim(MemorySegment m, short len)
    {
        final MethodHandle mh$ = fl_pktmbuf_trim.HANDLE;
        try
        {
            return (int) mh$.invokeExact(m, len);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_mbuf_layout
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_mbuf_layout"), DESC);
    }

    public static int fl_mbuf_layout(MemorySegment out, int capacity)
    {
        final MethodHandle mh$ = fl_mbuf_layout.HANDLE;
        try
        {
            return (int) mh$.invokeExact(out, capacity);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_rx_burst
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_SHORT, C_SHORT, C_SHORT, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_rx_burst"), DESC);
    }

    public static short fl_rx_burst(short port, short queue, MemorySegment mbufs, short count)
    {
        final MethodHandle mh$ = fl_rx_burst.HANDLE;
        try
        {
            return (short) mh$.invokeExact(port, queue, mbufs, count);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_tx_burst
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_SHORT, C_SHORT, C_SHORT, C_POINTER, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_tx_burst"), DESC);
    }

    public static short fl_tx_burst(short port, short queue, MemorySegment mbufs, short count)
    {
        final MethodHandle mh$ = fl_tx_burst.HANDLE;
        try
        {
            return (short) mh$.invokeExact(port, queue, mbufs, count);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_count
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_count"), DESC);
    }

    public static short fl_port_count()
    {
        final MethodHandle mh$ = fl_port_count.HANDLE;
        try
        {
            return (short) mh$.invokeExact();
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_by_name
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_by_name"), DESC);
    }

    public static int fl_port_by_name(MemorySegment name, MemorySegment port)
    {
        final MethodHandle mh$ = fl_port_by_name.HANDLE;
        try
        {
            return (int) mh$.invokeExact(name, port);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_name
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_name"), DESC);
    }

    public static int fl_port_name(short port, MemorySegment out, int capacity)
    {
        final MethodHandle mh$ = fl_port_name.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, out, capacity);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_info
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_POINTER, C_INT, C_POINTER, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_info"), DESC);
    }

    public static int fl_port_info(short port, MemorySegment out, int capacity, MemorySegment driver, int driver_capacity)
    {
        final MethodHandle mh$ = fl_port_info.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, out, capacity, driver, driver_capacity);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_configure
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_SHORT, C_SHORT, C_SHORT, C_SHORT, C_POINTER, C_INT, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_configure"), DESC);
    }

    public static int fl_port_configure(short port, short rx_queues, short tx_queues, short rx_descriptors, short tx_descriptors, MemorySegment mp, int want_rss, short mtu)
    {
        final MethodHandle mh$ = fl_port_configure.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, rx_queues, tx_queues, rx_descriptors, tx_descriptors, mp, want_rss, mtu);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_start
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_start"), DESC);
    }

    public static int fl_port_start(short port)
    {
        final MethodHandle mh$ = fl_port_start.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_stop
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_stop"), DESC);
    }

    public static int fl_port_stop(short port)
    {
        final MethodHandle mh$ = fl_port_stop.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_close
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_close"), DESC);
    }

    public static int fl_port_close(short port)
    {
        final MethodHandle mh$ = fl_port_close.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_promiscuous
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_promiscuous"), DESC);
    }

    public static int fl_port_promiscuous(short port, int on)
    {
        final MethodHandle mh$ = fl_port_promiscuous.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, on);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_mac
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_mac"), DESC);
    }

    public static int fl_port_mac(short port, MemorySegment out6)
    {
        final MethodHandle mh$ = fl_port_mac.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, out6);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_link
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_link"), DESC);
    }

    public static int fl_port_link(short port, MemorySegment speed_mbps, MemorySegment up)
    {
        final MethodHandle mh$ = fl_port_link.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, speed_mbps, up);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_set_link
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_INT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_set_link"), DESC);
    }

    public static int fl_port_set_link(short port, int up)
    {
        final MethodHandle mh$ = fl_port_set_link.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, up);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_stats
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_stats"), DESC);
    }

    public static int fl_port_stats(short port, MemorySegment out8)
    {
        final MethodHandle mh$ = fl_port_stats.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port, out8);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_port_stats_reset
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_SHORT);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_port_stats_reset"), DESC);
    }

    public static int fl_port_stats_reset(short port)
    {
        final MethodHandle mh$ = fl_port_stats_reset.HANDLE;
        try
        {
            return (int) mh$.invokeExact(port);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class fl_ring_port_pair
    {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_POINTER, C_POINTER);
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(findOrThrow("fl_ring_port_pair"), DESC);
    }

    public static int fl_ring_port_pair(MemorySegment name, int queues, int ring_size, int socket, MemorySegment port_a, MemorySegment port_b)
    {
        final MethodHandle mh$ = fl_ring_port_pair.HANDLE;
        try
        {
            return (int) mh$.invokeExact(name, queues, ring_size, socket, port_a, port_b);
        }
        catch (final Throwable ex$)
        {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
