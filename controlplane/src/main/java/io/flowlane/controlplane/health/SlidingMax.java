package io.flowlane.controlplane.health;

/**
 * The maximum of the last {@code width} values pushed, in O(1) amortised time per push: a
 * monotonic deque of (index, value) in two ring arrays, values decreasing from head to tail.
 */
final class SlidingMax
{
    private final int width;
    private final long[] indices;
    private final double[] values;
    private int head;
    private int size;
    private long next;

    SlidingMax(final int width)
    {
        if (width < 1)
        {
            throw new IllegalArgumentException("width " + width);
        }
        this.width = width;
        // One spare slot: the new value goes in before the oldest one leaves.
        this.indices = new long[width + 1];
        this.values = new double[width + 1];
    }

    /** The maximum of the last {@code width} values pushed; 0 before the first push. */
    double max()
    {
        return size == 0 ? 0.0 : values[head];
    }

    void push(final double value)
    {
        final int capacity = values.length;
        while (size > 0 && values[(head + size - 1) % capacity] <= value)
        {
            size--;
        }
        final int tail = (head + size) % capacity;
        indices[tail] = next;
        values[tail] = value;
        size++;
        next++;
        while (indices[head] < next - width)
        {
            head = (head + 1) % capacity;
            size--;
        }
    }
}
