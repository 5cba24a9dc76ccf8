package io.flowlane.dataplane.worker;

import io.flowlane.dataplane.fib.GracePeriods;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Quiescent-state based reclamation (QSBR, as DPDK's rte_rcu_qsbr and the Linux kernel's RCU):
 * each worker announces, once per poll loop, the newest epoch it has seen; a writer that has
 * unlinked something starts a grace period (a new epoch) and may free it once every online
 * worker has announced that epoch or a later one, because a worker holds no table reference
 * across loop iterations. Cost to a worker: one volatile read and one release store per loop.
 */
public final class QuiescentState implements GracePeriods
{
    /** Slots 128 bytes apart so that workers' announcements never share a cache line. */
    private static final int STRIDE = 16;
    private static final long OFFLINE = Long.MAX_VALUE;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final AtomicLong epoch = new AtomicLong(1);
    private final long[] seen;
    private final int workers;

    public QuiescentState(final int workers)
    {
        this.workers = workers;
        seen = new long[(workers + 1) * STRIDE];
        for (int w = 0; w < workers; w++)
        {
            SLOTS.setRelease(seen, slot(w), OFFLINE);
        }
    }

    /** Worker: "I hold no reference obtained before this point." */
    public void quiescent(final int worker)
    {
        // The acquire read orders this worker's later table reads after the writer's unlink,
        // which happened before the epoch was advanced; the release store orders all reads of
        // the previous iteration before the announcement.
        SLOTS.setRelease(seen, slot(worker), epoch.get());
    }

    public void online(final int worker)
    {
        quiescent(worker);
    }

    /** A stopped or parked worker holds nothing and must not hold up writers. */
    public void offline(final int worker)
    {
        SLOTS.setRelease(seen, slot(worker), OFFLINE);
    }

    @Override
    public long start()
    {
        return epoch.incrementAndGet();
    }

    @Override
    public boolean completed(final long token)
    {
        for (int w = 0; w < workers; w++)
        {
            if ((long)SLOTS.getAcquire(seen, slot(w)) < token)
            {
                return false;
            }
        }
        return true;
    }

    /** Blocks the calling (control) thread until a grace period started now has completed. */
    public void synchronize()
    {
        final long token = start();
        while (!completed(token))
        {
            Thread.onSpinWait();
        }
    }

    private static int slot(final int worker)
    {
        return (worker + 1) * STRIDE;
    }
}
