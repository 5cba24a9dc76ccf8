package io.flowlane.dataplane.fib;

/**
 * What a route resolves to, packed in 22 bits so that it fits beside the valid/extended/depth
 * bits of an LPM table entry: either one adjacency (a next hop on a port) or an ECMP group of
 * adjacencies chosen per flow.
 *
 * <pre>
 *   bit 21     1 = ECMP group, 0 = adjacency
 *   bits 0-20  the adjacency or group index
 * </pre>
 */
public final class RouteTarget
{
    public static final int BITS = 22;
    public static final int MASK = (1 << BITS) - 1;
    public static final int GROUP_FLAG = 1 << (BITS - 1);
    public static final int MAX_INDEX = GROUP_FLAG - 1;
    /** What a lookup returns when no prefix covers the address. */
    public static final int NONE = -1;

    private RouteTarget()
    {
    }

    public static int adjacency(final int index)
    {
        checkIndex(index);
        return index;
    }

    public static int group(final int index)
    {
        checkIndex(index);
        return GROUP_FLAG | index;
    }

    public static boolean isGroup(final int target)
    {
        return (target & GROUP_FLAG) != 0;
    }

    public static int index(final int target)
    {
        return target & MAX_INDEX;
    }

    public static boolean isValid(final int target)
    {
        return target >= 0 && target <= MASK;
    }

    public static String toString(final int target)
    {
        if (target == NONE)
        {
            return "none";
        }
        return (isGroup(target) ? "group " : "adjacency ") + index(target);
    }

    private static void checkIndex(final int index)
    {
        if (index < 0 || index > MAX_INDEX)
        {
            throw new IllegalArgumentException("route target index " + index + " is outside 0.." + MAX_INDEX);
        }
    }
}
