package io.flowlane.dataplane.pipeline;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * Neighbor bindings a worker saw in ARP and NDP traffic, passed to the control thread (the only
 * writer of the neighbor table) through a single-producer ring buffer: the worker claims a slot
 * and writes three or four longs, with no allocation and no lock. When the ring is full the
 * event is dropped and counted; ARP repeats itself, so nothing is lost for long.
 */
public final class NeighborEvents
{
    private static final int TYPE_IPV4 = 1;
    private static final int TYPE_IPV6 = 2;
    private static final int IPV4_LENGTH = 4 + 4 + 8;
    private static final int IPV6_LENGTH = 4 + 8 + 8 + 8;

    private final OneToOneRingBuffer ring;

    public NeighborEvents(final int capacityBytes)
    {
        ring = new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** Worker side: offers an IPv4 binding; false if the ring is full. */
    public boolean offerIpv4(final int interfaceIndex, final int address, final long mac)
    {
        final int index = ring.tryClaim(TYPE_IPV4, IPV4_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final var buffer = ring.buffer();
        buffer.putInt(index, interfaceIndex);
        buffer.putInt(index + 4, address);
        buffer.putLong(index + 8, mac);
        ring.commit(index);
        return true;
    }

    public boolean offerIpv6(final int interfaceIndex, final long hi, final long lo, final long mac)
    {
        final int index = ring.tryClaim(TYPE_IPV6, IPV6_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final var buffer = ring.buffer();
        buffer.putInt(index, interfaceIndex);
        buffer.putLong(index + 4, hi);
        buffer.putLong(index + 12, lo);
        buffer.putLong(index + 20, mac);
        ring.commit(index);
        return true;
    }

    /** Control side: hands every waiting event to {@code sink}; returns how many. */
    public int drain(final Sink sink)
    {
        return ring.read((type, buffer, index, length) ->
        {
            if (type == TYPE_IPV4)
            {
                sink.ipv4(buffer.getInt(index), buffer.getInt(index + 4), buffer.getLong(index + 8));
            }
            else if (type == TYPE_IPV6)
            {
                sink.ipv6(buffer.getInt(index), buffer.getLong(index + 4), buffer.getLong(index + 12), buffer.getLong(index + 20));
            }
        });
    }

    /** Receives drained events on the control thread. */
    public interface Sink
    {
        void ipv4(int interfaceIndex, int address, long mac);

        void ipv6(int interfaceIndex, long hi, long lo, long mac);
    }
}
