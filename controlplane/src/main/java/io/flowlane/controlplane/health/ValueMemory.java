package io.flowlane.controlplane.health;

import java.util.Arrays;

/**
 * The values a metric has taken so far, kept as prototypes at least {@code radius} of the range
 * apart, and how far a new value lies from all of them. This is the detector's notion of
 * novelty: a value near one seen before is known, however rare; a value in a region never visited
 * (beyond the extremes, or in a gap between visited regions) is novel, by its distance to the
 * nearest prototype in units of the range seen so far. Nothing is forgotten, so a burst that
 * happened once during learning is never novel again, which is what stops periodic spikes from
 * raising an alarm on every occurrence.
 * <p>
 * Memory is bounded: at most {@code capacity} prototypes (a metric that keeps setting records past
 * that still gets novelty scores, it just stops adding prototypes). Lookup is a binary search.
 */
final class ValueMemory
{
    private final double radius;
    private final double[] prototypes;
    private int count;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    ValueMemory(final double radius, final int capacity)
    {
        this.radius = radius;
        this.prototypes = new double[capacity];
    }

    /**
     * Learns {@code value} and returns its novelty: the distance to the nearest prototype seen
     * before, divided by the range including {@code value}, when that exceeds the radius; else 0.
     * The first value is never novel. The result is in [0, 1].
     */
    double observe(final double value)
    {
        if (count == 0)
        {
            min = value;
            max = value;
            prototypes[count++] = value;
            return 0.0;
        }
        final int at = Arrays.binarySearch(prototypes, 0, count, value);
        final int insertion = at >= 0 ? at : -at - 1;
        double nearest = Double.POSITIVE_INFINITY;
        if (insertion < count)
        {
            nearest = prototypes[insertion] - value;
        }
        if (insertion > 0)
        {
            nearest = Math.min(nearest, value - prototypes[insertion - 1]);
        }
        min = Math.min(min, value);
        max = Math.max(max, value);
        // Zero range (a flat line so far): any new value is as far as it can be, but the
        // arithmetic stays finite; NAB's art_flatline must not divide by zero.
        final double range = Math.max(max - min, 1e-9);
        final double novelty = nearest / range;
        if (novelty <= radius)
        {
            return 0.0;
        }
        if (count < prototypes.length)
        {
            System.arraycopy(prototypes, insertion, prototypes, insertion + 1, count - insertion);
            prototypes[insertion] = value;
            count++;
        }
        return novelty;
    }

    int size()
    {
        return count;
    }
}
