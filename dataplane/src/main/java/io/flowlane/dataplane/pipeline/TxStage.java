package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u64;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.capture.CaptureTap;
import io.flowlane.dataplane.port.InterfaceTable;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

/**
 * Gathers the burst's outgoing packets per port and sends each group with one tx_burst on this
 * worker's own queue of that port (queues are never shared, so no lock). A short ring is retried
 * a few times, as testpmd's --tx-retry does; what still does not fit is freed and counted.
 */
public final class TxStage
{
    private final int txQueue;
    private final int retries;
    private final long arrays;
    private final int[] counts = new int[InterfaceTable.MAX_PORTS];
    private final int[] touched = new int[InterfaceTable.MAX_PORTS];
    private int touchedCount;
    private CaptureTap capture = CaptureTap.off();

    public TxStage(final Arena arena, final int txQueue, final int retries)
    {
        this.txQueue = txQueue;
        this.retries = retries;
        this.arrays = arena.allocate(ValueLayout.ADDRESS, (long)InterfaceTable.MAX_PORTS * PacketVector.CAPACITY).address();
    }

    /** Where frames about to be sent are copied while a capture runs. */
    void capture(final CaptureTap tap)
    {
        capture = tap;
    }

    /** Sends (or frees) every packet of the burst that ended here. */
    public void flush(final PacketVector v)
    {
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.TX)
            {
                continue;
            }
            final int port = v.txPort[i];
            final int count = counts[port];
            if (count == 0)
            {
                touched[touchedCount++] = port;
            }
            u64(arrays + ((long)port * PacketVector.CAPACITY + count) * 8, v.mbuf[i]);
            counts[port] = count + 1;
        }
        final WorkerStats stats = v.stats;
        for (int t = 0; t < touchedCount; t++)
        {
            final int port = touched[t];
            final int count = counts[port];
            final long array = arrays + (long)port * PacketVector.CAPACITY * 8;
            capture.sending(port, array, count);
            int sent = FastPath.txBurst(port, txQueue, array, count);
            for (int attempt = 0; sent < count && attempt < retries; attempt++)
            {
                stats.event(WorkerEvent.TX_RETRIES);
                sent += FastPath.txBurst(port, txQueue, array + sent * 8L, count - sent);
            }
            if (sent < count)
            {
                FastPath.freeBulk(array + sent * 8L, count - sent);
                stats.drops[DropReason.TX_QUEUE_FULL.ordinal()] += count - sent;
            }
            stats.txPackets[port] += sent;
            counts[port] = 0;
        }
        touchedCount = 0;
    }
}
