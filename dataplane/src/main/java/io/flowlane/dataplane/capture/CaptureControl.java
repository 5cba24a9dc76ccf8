package io.flowlane.dataplane.capture;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;

/**
 * Arms and disarms packet capture on one port at a time and drains what the workers' taps
 * copied. Every method but the constructor and {@link #tap} runs on the control thread; workers
 * read the three volatile fields once per burst.
 */
public final class CaptureControl
{
    public static final int RX = 1;
    public static final int TX = 2;
    public static final int MIN_SNAP_LENGTH = 64;
    public static final int MAX_SNAP_LENGTH = 9216;

    /** What one captured frame looks like to the reader; the frame bytes are in {@code buffer}. */
    @FunctionalInterface
    public interface FrameHandler
    {
        /**
         * @param nanoTime       when the worker saw the burst (System.nanoTime)
         * @param originalLength the frame's length on the wire (pkt_len)
         * @param direction      {@link #RX} or {@link #TX}
         */
        void onFrame(long nanoTime, int originalLength, int port, int direction, DirectBuffer buffer, int offset, int length);
    }

    volatile int port = -1;
    volatile int directions;
    volatile int snapLength = MIN_SNAP_LENGTH;
    private final CaptureTap[] taps;
    private long lostAtStart;
    private FrameHandler draining;
    private final MessageHandler reader = (type, buffer, index, length) -> draining.onFrame(buffer.getLong(index),
        buffer.getInt(index + 8), buffer.getShort(index + 12) & 0xFFFF, buffer.getByte(index + 14), buffer,
        index + CaptureTap.HEADER_LENGTH, length - CaptureTap.HEADER_LENGTH);

    public CaptureControl(final int workers)
    {
        taps = new CaptureTap[workers];
        for (int w = 0; w < workers; w++)
        {
            taps[w] = new CaptureTap(this);
        }
    }

    /** Worker {@code w}'s tap. */
    public CaptureTap tap(final int w)
    {
        return taps[w];
    }

    /** Starts capturing {@code directions} ({@link #RX}|{@link #TX}) of DPDK port {@code portId}. */
    public void start(final int portId, final int directions, final int snapLength)
    {
        if (this.port >= 0)
        {
            throw new IllegalStateException("a capture of port " + this.port + " is running; one at a time");
        }
        if ((directions & (RX | TX)) == 0 || (directions & ~(RX | TX)) != 0)
        {
            throw new IllegalArgumentException("directions: " + directions + " is not rx, tx or both");
        }
        if (snapLength < MIN_SNAP_LENGTH || snapLength > MAX_SNAP_LENGTH)
        {
            throw new IllegalArgumentException("snapLength: " + snapLength + " is outside " + MIN_SNAP_LENGTH + ".." + MAX_SNAP_LENGTH);
        }
        lostAtStart = totalLost();
        this.snapLength = snapLength;
        this.directions = directions;
        this.port = portId;
    }

    /** Stops the capture; frames already in the rings can still be drained. */
    public void stop()
    {
        port = -1;
    }

    public boolean running()
    {
        return port >= 0;
    }

    /** Frames the taps could not copy since this capture started (rings full). */
    public long lost()
    {
        return totalLost() - lostAtStart;
    }

    private long totalLost()
    {
        long sum = 0;
        for (final CaptureTap tap : taps)
        {
            sum += tap.lost();
        }
        return sum;
    }

    /** Hands at most {@code limit} captured frames per worker to {@code handler}; returns how many. */
    public int drain(final FrameHandler handler, final int limit)
    {
        draining = handler;
        int frames = 0;
        for (final CaptureTap tap : taps)
        {
            frames += tap.ring().read(reader, limit);
        }
        draining = null;
        return frames;
    }
}
