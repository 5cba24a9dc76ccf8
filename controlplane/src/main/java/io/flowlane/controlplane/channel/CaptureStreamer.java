package io.flowlane.controlplane.channel;

import io.flowlane.controlplane.sbe.BooleanType;
import io.flowlane.controlplane.sbe.CaptureDirection;
import io.flowlane.controlplane.sbe.CapturedFrameEncoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.dataplane.capture.CaptureControl;
import io.flowlane.dataplane.fib.GracePeriods;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A control-thread duty that streams a running packet capture to whoever asked for it
 * ({@code flowlane capture}): drains the workers' capture rings into {@code CapturedFrame}
 * messages on the capture stream, stops the capture after its frame count or duration (or a
 * {@code CaptureStop}), waits a grace period so no worker is still copying, drains the rest and
 * sends the end record with the number of frames lost. A slow reader loses frames (counted);
 * it never holds up the control thread.
 */
final class CaptureStreamer implements Agent, CaptureControl.FrameHandler
{
    static final int MAX_FRAMES = 10_000_000;
    static final int MAX_DURATION_MILLIS = 600_000;
    private static final int DRAIN_LIMIT = 256;
    private static final int END_OFFER_ATTEMPTS = 100_000;

    private final CaptureControl control;
    private final Publication frames;
    private final GracePeriods gracePeriods;
    private final List<String> portNames;
    private final int[] portIds;
    private final EpochNanoClock wallClock = new SystemEpochNanoClock();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(CaptureControl.MAX_SNAP_LENGTH + 256));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CapturedFrameEncoder frame = new CapturedFrameEncoder();

    private long captureId = -1;
    private long maxFrames;
    private long deadlineNanos;
    private long delivered;
    private long streamLost;
    private long epochMinusNano;
    /** Set once the taps are disarmed: the grace period after which the rings hold everything. */
    private long stopToken = -1;

    CaptureStreamer(final CaptureControl control, final Publication frames, final GracePeriods gracePeriods,
        final List<String> portNames, final int[] portIds)
    {
        this.control = control;
        this.frames = frames;
        this.gracePeriods = gracePeriods;
        this.portNames = List.copyOf(portNames);
        this.portIds = portIds.clone();
    }

    /** CaptureStart, on the control thread; refuses with the field and reason. */
    void start(final long id, final String port, final CaptureDirection direction, final int snapLength, final long maxFrames,
        final long durationMillis)
    {
        final int index = portNames.indexOf(port);
        if (index < 0)
        {
            throw new Rejection("port", "no port named '" + port + "' (ports: " + String.join(", ", portNames) + ")");
        }
        if (direction == CaptureDirection.NULL_VAL)
        {
            throw new Rejection("direction", "not rx, tx or both");
        }
        if (snapLength < CaptureControl.MIN_SNAP_LENGTH || snapLength > CaptureControl.MAX_SNAP_LENGTH)
        {
            throw new Rejection("snapLength", snapLength + " is outside " + CaptureControl.MIN_SNAP_LENGTH + ".." +
                CaptureControl.MAX_SNAP_LENGTH);
        }
        if (MessageHeaderEncoder.ENCODED_LENGTH + CapturedFrameEncoder.BLOCK_LENGTH + 4 + snapLength > frames.maxMessageLength())
        {
            throw new Rejection("snapLength", snapLength + " bytes do not fit the capture stream's largest message (" +
                frames.maxMessageLength() + " bytes)");
        }
        if (maxFrames < 1 || maxFrames > MAX_FRAMES)
        {
            throw new Rejection("maxFrames", maxFrames + " is outside 1.." + MAX_FRAMES);
        }
        if (durationMillis < 1 || durationMillis > MAX_DURATION_MILLIS)
        {
            throw new Rejection("durationMillis", durationMillis + " is outside 1.." + MAX_DURATION_MILLIS);
        }
        if (captureId >= 0)
        {
            throw new Rejection("port", "a capture (" + captureId + ") is running; one at a time");
        }
        captureId = id;
        this.maxFrames = maxFrames;
        delivered = 0;
        streamLost = 0;
        stopToken = -1;
        final long now = System.nanoTime();
        deadlineNanos = now + durationMillis * 1_000_000L;
        epochMinusNano = wallClock.nanoTime() - now;
        control.start(portIds[index], direction.value(), snapLength);
    }

    /** CaptureStop: ends the running capture early (its end record still follows). */
    void stop()
    {
        if (captureId < 0)
        {
            throw new Rejection("correlationId", "no capture is running");
        }
        disarm();
    }

    @Override
    public int doWork()
    {
        if (captureId < 0)
        {
            return 0;
        }
        final int work = control.drain(this, DRAIN_LIMIT);
        if (stopToken < 0 && (delivered >= maxFrames || System.nanoTime() - deadlineNanos >= 0))
        {
            disarm();
        }
        if (stopToken >= 0 && gracePeriods.completed(stopToken))
        {
            while (control.drain(this, DRAIN_LIMIT) > 0)
            {
                // the rest: no worker writes any more
            }
            sendEnd();
            captureId = -1;
            return work + 1;
        }
        return work;
    }

    private void disarm()
    {
        if (stopToken < 0)
        {
            control.stop();
            stopToken = gracePeriods.start();
        }
    }

    @Override
    public void onFrame(final long nanoTime, final int originalLength, final int port, final int direction,
        final DirectBuffer bytes, final int offset, final int length)
    {
        if (delivered >= maxFrames)
        {
            return; // copied after the count was reached, before the taps saw the stop
        }
        frame.wrapAndApplyHeader(buffer, 0, header)
            .captureId(captureId)
            .epochNanos(epochMinusNano + nanoTime)
            .originalLength(originalLength)
            .port(port)
            .direction(CaptureDirection.get((short)direction))
            .end(BooleanType.FALSE)
            .lost(0)
            .putBytes(bytes, offset, length);
        if (frames.offer(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength()) > 0)
        {
            delivered++;
        }
        else
        {
            streamLost++;
        }
    }

    private void sendEnd()
    {
        frame.wrapAndApplyHeader(buffer, 0, header)
            .captureId(captureId)
            .epochNanos(wallClock.nanoTime())
            .originalLength(0)
            .port(0)
            .direction(CaptureDirection.BOTH)
            .end(BooleanType.TRUE)
            .lost(control.lost() + streamLost)
            .putBytes(buffer, 0, 0);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength();
        for (int attempt = 0; attempt < END_OFFER_ATTEMPTS; attempt++)
        {
            final long result = frames.offer(buffer, 0, length);
            if (result > 0 || result == Publication.NOT_CONNECTED || result == Publication.CLOSED)
            {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public String roleName()
    {
        return "capture-streamer";
    }
}
