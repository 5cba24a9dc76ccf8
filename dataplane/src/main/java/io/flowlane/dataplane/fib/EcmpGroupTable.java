package io.flowlane.dataplane.fib;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * ECMP next-hop groups: a flow hash picks one of a group's buckets, each bucket names an adjacency.
 *
 * <p>Weights are expressed by how many buckets a member owns. When weights or members change,
 * {@link #set} keeps every bucket whose owner still has quota and reassigns only the surplus, so
 * the share of flows that changes path is exactly the share of weight that moved (the property
 * the traffic steering engine relies on to drain a path gradually). A bucket array is immutable
 * once published; an update publishes a new array with one release store, and the garbage
 * collector reclaims the old one once no worker holds it.
 */
public final class EcmpGroupTable
{
    public static final int DEFAULT_BUCKETS = 256;
    private static final VarHandle GROUPS = MethodHandles.arrayElementVarHandle(int[][].class);

    private final int[][] buckets;
    private final int[][] members;
    private final int[][] weights;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private int highWater;

    public EcmpGroupTable(final int capacity)
    {
        if (capacity < 1 || capacity > RouteTarget.MAX_INDEX + 1)
        {
            throw new IllegalArgumentException("ECMP group capacity " + capacity + " is outside 1.." + (RouteTarget.MAX_INDEX + 1));
        }
        buckets = new int[capacity][];
        members = new int[capacity][];
        weights = new int[capacity][];
    }

    /** The adjacency for a flow hash in a group (packet path). */
    public int select(final int group, final int flowHash)
    {
        final int[] table = (int[])GROUPS.getAcquire(buckets, group);
        return table[flowHash & (table.length - 1)];
    }

    /**
     * The adjacency for a flow hash in a group, avoiding a member whose link is down (packet path).
     * {@code portsDown} is {@link AdjacencyTable#portsDown()} as the caller read it once for its
     * whole burst; while every link is up (0) this is {@link #select} and a test. When the chosen
     * member's port is down, the flow moves to a member whose port is up: first among those
     * carrying a share (weight &gt; 0), then among the backups (weight 0: next hops kept for
     * exactly this), starting at a place the flow hash picks so that the displaced flows spread.
     * This is a loop-free alternate's local repair (RFC 5286): it holds until the control plane
     * installs the route it computes for the failure. With no member up, the chosen one is kept
     * (its packets are dropped at transmit).
     */
    public int selectLive(final int group, final int flowHash, final AdjacencyTable adjacencies, final long portsDown)
    {
        final int[] table = (int[])GROUPS.getAcquire(buckets, group);
        final int chosen = table[flowHash & (table.length - 1)];
        if (portsDown == 0 || !adjacencies.portDown(chosen, portsDown))
        {
            return chosen;
        }
        // Stored before the buckets are released, but a change may land between these reads (or the
        // group be deleted): never trust the two arrays to agree, and keep the chosen one if in doubt.
        final int[] groupMembers = members[group];
        final int[] groupWeights = weights[group];
        if (groupMembers == null || groupWeights == null)
        {
            return chosen;
        }
        final int n = Math.min(groupMembers.length, groupWeights.length);
        final int start = Integer.remainderUnsigned(flowHash >>> 8, Math.max(n, 1));
        for (int pass = 0; pass < 2; pass++)
        {
            for (int k = 0; k < n; k++)
            {
                final int m = (start + k) % n;
                if ((groupWeights[m] > 0) == (pass == 0) && !adjacencies.portDown(groupMembers[m], portsDown))
                {
                    return groupMembers[m];
                }
            }
        }
        return chosen;
    }

    /** Allocates a group with the given members and weights; returns its index. */
    public int create(final int[] adjacencies, final int[] memberWeights, final int bucketCount)
    {
        // Validate before taking a slot, so a rejected group leaks nothing.
        validate(adjacencies, memberWeights, bucketCount);
        final int group;
        if (!free.isEmpty())
        {
            group = free.poll();
        }
        else if (highWater < buckets.length)
        {
            group = highWater++;
        }
        else
        {
            throw new IllegalStateException("ECMP group table is full (" + buckets.length + " groups)");
        }
        set(group, adjacencies, memberWeights, bucketCount);
        return group;
    }

    /**
     * Replaces a group's members and weights, moving as few buckets as possible.
     *
     * @throws IllegalArgumentException naming the field, for empty or mismatched members/weights,
     *                                  negative weights, an all-zero weight, or a bucket count that is
     *                                  not a power of two in 1..65536
     */
    public void set(final int group, final int[] adjacencies, final int[] memberWeights, final int bucketCount)
    {
        validate(adjacencies, memberWeights, bucketCount);
        final int[] previous = buckets[group];
        final int[] quota = quotas(memberWeights, bucketCount);
        final int[] table = new int[bucketCount];
        Arrays.fill(table, -1);

        if (previous != null && previous.length == bucketCount)
        {
            // Keep each bucket with its current owner while that owner has quota left.
            for (int b = 0; b < bucketCount; b++)
            {
                final int member = indexOf(adjacencies, previous[b]);
                if (member >= 0 && quota[member] > 0)
                {
                    table[b] = previous[b];
                    quota[member]--;
                }
            }
        }
        // Hand the remaining buckets to members with quota left, interleaved so that no member's
        // buckets cluster in one range of the hash space.
        int member = 0;
        for (int b = 0; b < bucketCount; b++)
        {
            if (table[b] != -1)
            {
                continue;
            }
            while (quota[member] == 0)
            {
                member = (member + 1) % adjacencies.length;
            }
            table[b] = adjacencies[member];
            quota[member]--;
            member = (member + 1) % adjacencies.length;
        }
        members[group] = adjacencies.clone();
        weights[group] = memberWeights.clone();
        GROUPS.setRelease(buckets, group, table);
    }

    /**
     * Publishes an explicit bucket map: the flows of bucket {@code b} take member
     * {@code memberOfBucket[b]} (an index into the group's members, in their order). Each member's
     * weight becomes the number of buckets it now owns, so a later {@link #set} with those weights
     * moves no bucket, and one with other weights keeps as many in place as it always does.
     *
     * @throws IllegalArgumentException naming the field: "buckets" for a map whose length is not the
     *                                  group's bucket count, "buckets[b]" for a member index out of range
     */
    public void assign(final int group, final int[] memberOfBucket)
    {
        final int[] previous = buckets[group];
        if (previous == null)
        {
            throw new IllegalArgumentException("group: ECMP group " + group + " does not exist");
        }
        if (memberOfBucket.length != previous.length)
        {
            throw new IllegalArgumentException("buckets: " + memberOfBucket.length + " buckets for a group of " + previous.length);
        }
        final int[] adjacencies = members[group];
        final int[] owned = new int[adjacencies.length];
        final int[] table = new int[previous.length];
        for (int b = 0; b < table.length; b++)
        {
            final int member = memberOfBucket[b];
            if (member < 0 || member >= adjacencies.length)
            {
                throw new IllegalArgumentException("buckets[" + b + "]: member " + member + " of a group of " + adjacencies.length);
            }
            table[b] = adjacencies[member];
            owned[member]++;
        }
        weights[group] = owned;
        GROUPS.setRelease(buckets, group, table);
    }

    /** Frees a group; its index may be reused at once because the buckets array itself is not reused. */
    public void delete(final int group)
    {
        if (buckets[group] == null)
        {
            throw new IllegalArgumentException("ECMP group " + group + " does not exist");
        }
        GROUPS.setRelease(buckets, group, (int[])null);
        members[group] = null;
        weights[group] = null;
        free.add(group);
    }

    public int[] members(final int group)
    {
        return members[group] == null ? null : members[group].clone();
    }

    public int[] weights(final int group)
    {
        return weights[group] == null ? null : weights[group].clone();
    }

    /** A copy of the bucket → adjacency map (for tests and `show`). */
    public int[] buckets(final int group)
    {
        final int[] table = (int[])GROUPS.getAcquire(buckets, group);
        return table == null ? null : table.clone();
    }

    public boolean exists(final int group)
    {
        return group >= 0 && group < buckets.length && buckets[group] != null;
    }

    /** Largest-remainder apportionment of buckets to members by weight. */
    static int[] quotas(final int[] memberWeights, final int bucketCount)
    {
        long total = 0;
        for (final int w : memberWeights)
        {
            total += w;
        }
        final int[] quota = new int[memberWeights.length];
        final long[] remainder = new long[memberWeights.length];
        int assigned = 0;
        for (int i = 0; i < memberWeights.length; i++)
        {
            final long exact = (long)memberWeights[i] * bucketCount;
            quota[i] = (int)(exact / total);
            remainder[i] = exact % total;
            assigned += quota[i];
        }
        while (assigned < bucketCount)
        {
            int best = 0;
            for (int i = 1; i < remainder.length; i++)
            {
                if (remainder[i] > remainder[best])
                {
                    best = i;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            assigned++;
        }
        return quota;
    }

    private static void validate(final int[] adjacencies, final int[] memberWeights, final int bucketCount)
    {
        if (adjacencies.length == 0)
        {
            throw new IllegalArgumentException("members: an ECMP group needs at least one member");
        }
        if (adjacencies.length != memberWeights.length)
        {
            throw new IllegalArgumentException("weights: " + memberWeights.length + " weights for " + adjacencies.length + " members");
        }
        if (bucketCount < 1 || bucketCount > 65536 || Integer.bitCount(bucketCount) != 1)
        {
            throw new IllegalArgumentException("buckets: " + bucketCount + " is not a power of two in 1..65536");
        }
        long total = 0;
        for (int i = 0; i < memberWeights.length; i++)
        {
            if (memberWeights[i] < 0)
            {
                throw new IllegalArgumentException("weights[" + i + "]: " + memberWeights[i] + " is negative");
            }
            total += memberWeights[i];
            for (int j = 0; j < i; j++)
            {
                if (adjacencies[i] == adjacencies[j])
                {
                    throw new IllegalArgumentException("members[" + i + "]: adjacency " + adjacencies[i] + " is listed twice");
                }
            }
        }
        if (total == 0)
        {
            throw new IllegalArgumentException("weights: all weights are zero");
        }
    }

    private static int indexOf(final int[] values, final int value)
    {
        for (int i = 0; i < values.length; i++)
        {
            if (values[i] == value)
            {
                return i;
            }
        }
        return -1;
    }
}
