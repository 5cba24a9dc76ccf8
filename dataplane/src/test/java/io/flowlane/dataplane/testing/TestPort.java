package io.flowlane.dataplane.testing;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.port.MbufPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's end of a link: sends byte[] frames into a DPDK port and collects what comes back,
 * through the same rx/tx burst calls the workers use. Not for the packet path (it allocates).
 */
public final class TestPort
{
    private final EthPort port;
    private final MbufPool pool;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment array = arena.allocate(JAVA_LONG, 64);

    public TestPort(final EthPort port, final MbufPool pool)
    {
        this.port = port;
        this.pool = pool;
    }

    /** A started port for the test side of a ring pair, with {@code queues} queues. */
    public static TestPort started(final EthPort port, final MbufPool pool, final int queues)
    {
        port.configure(queues, queues, 1024, 1024, pool, false, 0);
        port.start();
        return new TestPort(port, pool);
    }

    public EthPort port()
    {
        return port;
    }

    public int send(final byte[]... frames)
    {
        return send(0, List.of(frames));
    }

    /** Sends frames on a queue; returns how many the port took (the rest are freed). */
    public int send(final int queue, final List<byte[]> frames)
    {
        int sent = 0;
        for (int start = 0; start < frames.size(); start += 32)
        {
            final int n = Math.min(32, frames.size() - start);
            for (int i = 0; i < n; i++)
            {
                final long m = FastPath.alloc(pool.address());
                if (m == 0)
                {
                    throw new IllegalStateException("test pool is empty: " + (start + i) + " of " + frames.size() + " frames built");
                }
                final byte[] frame = frames.get(start + i);
                MemorySegment.copy(frame, 0, NativeMemory.ALL, JAVA_BYTE, Mbuf.data(m), frame.length);
                Mbuf.setLength(m, frame.length);
                array.setAtIndex(JAVA_LONG, i, m);
            }
            final int took = FastPath.txBurst(port.id(), queue, array.address(), n);
            if (took < n)
            {
                FastPath.freeBulk(array.address() + took * 8L, n - took);
            }
            sent += took;
        }
        return sent;
    }

    /** Receives until {@code expected} frames arrived or {@code timeoutMillis} passed. */
    public List<byte[]> receive(final int expected, final long timeoutMillis)
    {
        return receive(0, expected, timeoutMillis);
    }

    public List<byte[]> receive(final int queue, final int expected, final long timeoutMillis)
    {
        final List<byte[]> frames = new ArrayList<>();
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int n;
        do
        {
            n = FastPath.rxBurst(port.id(), queue, array.address(), 32);
            for (int i = 0; i < n; i++)
            {
                final long m = array.getAtIndex(JAVA_LONG, i);
                final byte[] frame = new byte[Mbuf.dataLength(m)];
                MemorySegment.copy(NativeMemory.ALL, JAVA_BYTE, Mbuf.data(m), frame, 0, frame.length);
                frames.add(frame);
            }
            if (n > 0)
            {
                FastPath.freeBulk(array.address(), n);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        // Keep going while packets are waiting (so a zero timeout drains the queue) or until the deadline.
        while (frames.size() < expected && (n > 0 || System.nanoTime() < deadline));
        return frames;
    }

    /** Receives whatever arrives within {@code millis}; for asserting that nothing comes out. */
    public List<byte[]> drain(final long millis)
    {
        return receive(0, Integer.MAX_VALUE, millis);
    }
}
