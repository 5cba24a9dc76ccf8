package io.flowlane.dataplane.port;

import io.flowlane.bindings.FastPath;
import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.dataplane.eal.DpdkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An rte_mempool of packet buffers (rte_pktmbuf_pool_create). */
public final class MbufPool implements AutoCloseable
{
    /** 2 KiB of packet data plus the standard 128-byte headroom: one 1500-byte frame per mbuf. */
    public static final int DEFAULT_DATA_ROOM = 2048 + 128;

    private final String name;
    private final long address;
    private final int size;

    private MbufPool(final String name, final long address, final int size)
    {
        this.name = name;
        this.address = address;
        this.size = size;
    }

    /**
     * @param size      mbufs in the pool (DPDK recommends 2^n - 1)
     * @param cacheSize per-lcore cache (0..512), which keeps alloc/free off the shared ring
     */
    public static MbufPool create(final String name, final int size, final int cacheSize, final int dataRoom, final int socket)
    {
        if (size < 1)
        {
            throw new IllegalArgumentException("mbuf pool '" + name + "': size " + size + " must be positive");
        }
        if (cacheSize < 0 || cacheSize > 512 || cacheSize > size)
        {
            throw new IllegalArgumentException("mbuf pool '" + name + "': cache size " + cacheSize + " is outside 0..min(512, size)");
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment pool = flowlane_shim_h.fl_pktmbuf_pool_create(
                arena.allocateFrom(name), size, cacheSize, (short)0, (short)dataRoom, socket);
            if (pool.address() == 0)
            {
                throw new DpdkException("rte_pktmbuf_pool_create(" + name + ", " + size + " mbufs)",
                    -flowlane_shim_h.fl_errno());
            }
            return new MbufPool(name, pool.address(), size);
        }
    }

    public String name()
    {
        return name;
    }

    public long address()
    {
        return address;
    }

    public MemorySegment segment()
    {
        return MemorySegment.ofAddress(address);
    }

    public int size()
    {
        return size;
    }

    /** Free mbufs, including those sitting in per-lcore caches. */
    public int available()
    {
        return FastPath.mempoolAvailCount(address);
    }

    public int inUse()
    {
        return FastPath.mempoolInUseCount(address);
    }

    @Override
    public void close()
    {
        flowlane_shim_h.fl_mempool_free(MemorySegment.ofAddress(address));
    }
}
