package io.flowlane.perf;

import java.util.Arrays;
import java.util.Locale;

/**
 * The frame sizes a generator run sends and how often each: {@code 64}, {@code 64,512,1518}
 * (equal shares) or {@code 64:7,594:4,1518:1} (weights). Sizes are frames on the wire, FCS
 * included, as RFC 2544 counts them.
 *
 * <p>The frames go out in a fixed interleaved order (smooth weighted round robin: for 7:4:1,
 * 64 594 64 1518 64 594 64 64 594 64 594 64 …) rather than in runs of one size, so any window of
 * a few dozen frames already has the mix's proportions.
 */
public record FrameSizeMix(int[] sizes, int[] weights)
{
    /**
     * The classic "simple IMIX" (7:4:1 of 40-, 576- and 1500-byte IP packets), as Ethernet frames
     * with FCS: 64 (the 40-byte packet padded to the minimum frame), 594 and 1518 bytes; mean
     * frame 4342 / 12 = 361.83 bytes.
     */
    public static final String SIMPLE_IMIX = "64:7,594:4,1518:1";

    /** Weights beyond this would make the send order's table large for no gain in precision. */
    static final int MAX_TOTAL_WEIGHT = 4096;

    public FrameSizeMix
    {
        if (sizes.length == 0 || sizes.length != weights.length)
        {
            throw new IllegalArgumentException("a size mix needs at least one size and one weight per size");
        }
        int total = 0;
        for (int i = 0; i < sizes.length; i++)
        {
            if (weights[i] <= 0)
            {
                throw new IllegalArgumentException("weight " + weights[i] + " of size " + sizes[i] + " must be positive");
            }
            total += weights[i];
        }
        if (total > MAX_TOTAL_WEIGHT)
        {
            throw new IllegalArgumentException("weights add up to " + total + "; at most " + MAX_TOTAL_WEIGHT);
        }
    }

    /** Parses {@code 64}, {@code 64,128} or {@code 64:7,594:4,1518:1}. */
    public static FrameSizeMix parse(final String text)
    {
        final String[] parts = text.trim().split(",");
        final int[] sizes = new int[parts.length];
        final int[] weights = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            final String[] sizeWeight = parts[i].trim().split(":");
            try
            {
                if (sizeWeight.length > 2)
                {
                    throw new NumberFormatException();
                }
                sizes[i] = Integer.parseInt(sizeWeight[0].trim());
                weights[i] = sizeWeight.length == 2 ? Integer.parseInt(sizeWeight[1].trim()) : 1;
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not a size list: expected SIZE[:WEIGHT][,SIZE[:WEIGHT]...], " +
                    "e.g. 64 or 64,1518 or " + SIMPLE_IMIX);
            }
        }
        return new FrameSizeMix(sizes, weights);
    }

    public int totalWeight()
    {
        return Arrays.stream(weights).sum();
    }

    /** Mean frame size on the wire, weighted. */
    public double meanSize()
    {
        long sum = 0;
        for (int i = 0; i < sizes.length; i++)
        {
            sum += (long)sizes[i] * weights[i];
        }
        return (double)sum / totalWeight();
    }

    public int maxSize()
    {
        return Arrays.stream(sizes).max().orElseThrow();
    }

    public int minSize()
    {
        return Arrays.stream(sizes).min().orElseThrow();
    }

    /**
     * The send order: {@link #totalWeight()} indexes into {@link #sizes()}, each index as often as
     * its weight, interleaved by smooth weighted round robin (each step every entry gains its
     * weight, the largest is picked and loses the total).
     */
    public int[] order()
    {
        final int total = totalWeight();
        final int[] order = new int[total];
        final int[] current = new int[sizes.length];
        for (int step = 0; step < total; step++)
        {
            int best = 0;
            for (int i = 0; i < sizes.length; i++)
            {
                current[i] += weights[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }
            current[best] -= total;
            order[step] = best;
        }
        return order;
    }

    /** {@code [{"size":64,"weight":7},...]} */
    public String json()
    {
        final StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < sizes.length; i++)
        {
            out.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"size\":%d,\"weight\":%d}", sizes[i], weights[i]));
        }
        return out.append(']').toString();
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < sizes.length; i++)
        {
            out.append(i == 0 ? "" : ",").append(sizes[i]);
            if (sizes.length > 1)
            {
                out.append(':').append(weights[i]);
            }
        }
        return out.toString();
    }
}
