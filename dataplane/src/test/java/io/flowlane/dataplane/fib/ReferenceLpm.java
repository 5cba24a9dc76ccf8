package io.flowlane.dataplane.fib;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The obvious longest-prefix match, to check the tables against: one hash map per depth, probed
 * from the longest depth to the shortest. Addresses are 128-bit (hi, lo) numbers, IPv4 left-aligned
 * in hi as in {@link MultibitTrie}.
 */
final class ReferenceLpm
{
    private record Prefix(long hi, long lo)
    {
    }

    private final int addressBits;
    private final List<Map<Prefix, Integer>> byDepth = new ArrayList<>();

    ReferenceLpm(final int addressBits)
    {
        this.addressBits = addressBits;
        for (int depth = 0; depth <= addressBits; depth++)
        {
            byDepth.add(new HashMap<>());
        }
    }

    /** Returns false when the route existed already (its target is replaced). */
    boolean add(final long hi, final long lo, final int depth, final int target)
    {
        return byDepth.get(depth).put(new Prefix(hi, lo), target) == null;
    }

    boolean delete(final long hi, final long lo, final int depth)
    {
        return byDepth.get(depth).remove(new Prefix(hi, lo)) != null;
    }

    boolean contains(final long hi, final long lo, final int depth)
    {
        return byDepth.get(depth).containsKey(new Prefix(hi, lo));
    }

    int lookup(final long hi, final long lo)
    {
        for (int depth = addressBits; depth >= 0; depth--)
        {
            final Map<Prefix, Integer> routes = byDepth.get(depth);
            if (!routes.isEmpty())
            {
                final Integer target = routes.get(new Prefix(hi & maskHi(depth), lo & maskLo(depth)));
                if (target != null)
                {
                    return target;
                }
            }
        }
        return RouteTarget.NONE;
    }

    /** The routes covering an address, longest first, as "depth=target" (for failure messages). */
    String covering(final long hi, final long lo)
    {
        final StringBuilder text = new StringBuilder();
        for (int depth = addressBits; depth >= 0; depth--)
        {
            final Integer target = byDepth.get(depth).get(new Prefix(hi & maskHi(depth), lo & maskLo(depth)));
            if (target != null)
            {
                text.append(text.isEmpty() ? "" : ", ").append('/').append(depth).append('=').append(target);
            }
        }
        return text.isEmpty() ? "none" : text.toString();
    }

    int size()
    {
        int size = 0;
        for (final Map<Prefix, Integer> routes : byDepth)
        {
            size += routes.size();
        }
        return size;
    }

    /** Every route as {hi, lo, depth}, in no particular order. */
    List<long[]> routes()
    {
        final List<long[]> routes = new ArrayList<>();
        for (int depth = 0; depth <= addressBits; depth++)
        {
            for (final Prefix prefix : byDepth.get(depth).keySet())
            {
                routes.add(new long[] {prefix.hi(), prefix.lo(), depth});
            }
        }
        return routes;
    }

    static long maskHi(final int depth)
    {
        return depth >= 64 ? -1L : depth == 0 ? 0 : -1L << (64 - depth);
    }

    static long maskLo(final int depth)
    {
        return depth <= 64 ? 0 : depth == 128 ? -1L : -1L << (128 - depth);
    }

    static int mask4(final int depth)
    {
        return depth == 0 ? 0 : -1 << (32 - depth);
    }
}
