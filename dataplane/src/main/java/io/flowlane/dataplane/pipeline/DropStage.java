package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u64;

import io.flowlane.bindings.FastPath;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

/** Counts each dropped packet under its reason and returns all of the burst's drops to the pool in one call. */
public final class DropStage
{
    private final long array;

    public DropStage(final Arena arena)
    {
        array = arena.allocate(ValueLayout.ADDRESS, PacketVector.CAPACITY).address();
    }

    /** Sends (or frees) every packet of the burst that ended here. */
    public void flush(final PacketVector v)
    {
        final long[] drops = v.stats.drops;
        int count = 0;
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.DROP)
            {
                continue;
            }
            drops[v.dropReason[i]]++;
            u64(array + count * 8L, v.mbuf[i]);
            count++;
        }
        if (count > 0)
        {
            FastPath.freeBulk(array, count);
        }
    }
}
