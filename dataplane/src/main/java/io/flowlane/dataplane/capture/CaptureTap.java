package io.flowlane.dataplane.capture;

import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * One worker's end of a packet capture ({@code flowlane capture}, like dpdk-dumpcap): while the
 * capture is armed for a port, the worker copies each burst's frames (up to the snap length)
 * into its own single-producer ring, which the control thread drains. The copy is the only cost,
 * and only while a capture runs; otherwise it is one load and compare per burst. When the ring
 * is full the frame is not captured and counted as lost: forwarding never waits for a capture.
 *
 * <p>Record: timestamp (System.nanoTime, 8), original length (4), port (2), direction (1),
 * pad (1), then the first {@code snapLength} bytes of the frame's first segment.
 */
public final class CaptureTap
{
    static final int RECORD_TYPE = 1;
    static final int HEADER_LENGTH = 16;
    private static final int RING_BYTES = 1 << 20;

    private final CaptureControl control;
    private final OneToOneRingBuffer ring;
    private volatile long lost;

    CaptureTap(final CaptureControl control)
    {
        this.control = control;
        this.ring = control == null ? null :
            new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** A tap that never captures, for graphs built without an appliance (tests, benchmarks). */
    public static CaptureTap off()
    {
        return new CaptureTap(null);
    }

    /** After rx_burst: the received frames of {@code port}, at {@code mbufs} (an array of pointers). */
    public void received(final int port, final long mbufs, final int count)
    {
        if (control != null && control.port == port && (control.directions & CaptureControl.RX) != 0)
        {
            copy(port, CaptureControl.RX, mbufs, count);
        }
    }

    /** Before tx_burst: the frames about to be sent on {@code port}. */
    public void sending(final int port, final long mbufs, final int count)
    {
        if (control != null && control.port == port && (control.directions & CaptureControl.TX) != 0)
        {
            copy(port, CaptureControl.TX, mbufs, count);
        }
    }

    private void copy(final int port, final int direction, final long mbufs, final int count)
    {
        final int snapLength = control.snapLength;
        final long now = System.nanoTime();
        final UnsafeBuffer buffer = (UnsafeBuffer)ring.buffer();
        for (int i = 0; i < count; i++)
        {
            final long mbuf = NativeMemory.u64(mbufs + i * 8L);
            final int length = Math.min(Mbuf.dataLength(mbuf), snapLength);
            final int index = ring.tryClaim(RECORD_TYPE, HEADER_LENGTH + length);
            if (index <= 0)
            {
                lost = lost + (count - i);
                return;
            }
            buffer.putLong(index, now);
            buffer.putInt(index + 8, Mbuf.packetLength(mbuf));
            buffer.putShort(index + 12, (short)port);
            buffer.putByte(index + 14, (byte)direction);
            NativeMemory.move(Mbuf.data(mbuf), buffer.addressOffset() + index + HEADER_LENGTH, length);
            ring.commit(index);
        }
    }

    OneToOneRingBuffer ring()
    {
        return ring;
    }

    /** Frames not captured because the ring was full (written by the worker only). */
    long lost()
    {
        return lost;
    }
}
