package io.flowlane.dataplane.fib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

class EcmpGroupTableTest
{
    private static Map<Integer, Integer> shares(final int[] buckets)
    {
        final Map<Integer, Integer> shares = new HashMap<>();
        for (final int b : buckets)
        {
            shares.merge(b, 1, Integer::sum);
        }
        return shares;
    }

    @Test
    void splitsBucketsInProportionToWeights()
    {
        final EcmpGroupTable table = new EcmpGroupTable(4);
        final int group = table.create(new int[] {10, 20, 30}, new int[] {1, 1, 2}, 256);
        assertEquals(Map.of(10, 64, 20, 64, 30, 128), shares(table.buckets(group)));
    }

    @Test
    void movesOnlyTheShareOfWeightThatChanged()
    {
        final EcmpGroupTable table = new EcmpGroupTable(4);
        final int group = table.create(new int[] {1, 2}, new int[] {50, 50}, 256);
        final int[] before = table.buckets(group);
        table.set(group, new int[] {1, 2}, new int[] {40, 60}, 256);
        final int[] after = table.buckets(group);
        int moved = 0;
        for (int b = 0; b < 256; b++)
        {
            if (before[b] != after[b])
            {
                moved++;
                assertEquals(1, before[b], "only buckets of the member losing weight move");
                assertEquals(2, after[b]);
            }
        }
        assertEquals(26, moved, "10% of weight moved: 25.6 buckets, rounded by largest remainder");
    }

    @Test
    void drainingAMemberMovesOnlyItsFlows()
    {
        final EcmpGroupTable table = new EcmpGroupTable(4);
        final int group = table.create(new int[] {1, 2, 3}, new int[] {1, 1, 1}, 256);
        final int[] before = table.buckets(group);
        table.set(group, new int[] {1, 2, 3}, new int[] {1, 1, 0}, 256);
        final int[] after = table.buckets(group);
        for (int b = 0; b < 256; b++)
        {
            if (before[b] != 3)
            {
                assertEquals(before[b], after[b], "bucket " + b + " of a healthy member kept its path");
            }
            else
            {
                assertTrue(after[b] == 1 || after[b] == 2);
            }
        }
        assertEquals(128, shares(after).get(1));
    }

    @Test
    void selectUsesTheFlowHashModuloBuckets()
    {
        final EcmpGroupTable table = new EcmpGroupTable(1);
        final int group = table.create(new int[] {7, 9}, new int[] {1, 1}, 2);
        final int[] buckets = table.buckets(group);
        assertEquals(buckets[0], table.select(group, 0x1000));
        assertEquals(buckets[1], table.select(group, 0x1001));
    }

    @Test
    void assignPublishesTheMapAsGivenAndRecordsBucketCountsAsWeights()
    {
        final EcmpGroupTable table = new EcmpGroupTable(2);
        final int group = table.create(new int[] {10, 20, 30}, new int[] {1, 1, 1}, 256);
        final int[] before = table.buckets(group);
        final int[] memberOfBucket = new int[256];
        for (int b = 0; b < 256; b++)
        {
            memberOfBucket[b] = b < 16 ? 0 : b % 7 == 0 ? 2 : 1; // shards: a run of buckets, and a stride
        }
        table.assign(group, memberOfBucket);
        final int[] after = table.buckets(group);
        for (int b = 0; b < 256; b++)
        {
            final int expected = b < 16 ? 10 : b % 7 == 0 ? 30 : 20;
            assertEquals(expected, after[b], "bucket " + b);
            assertEquals(expected, table.select(group, 0x5A00 | b), "select reads the published map");
        }
        final int strided = (int)java.util.stream.IntStream.range(16, 256).filter(b -> b % 7 == 0).count();
        assertArrayEquals(new int[] {16, 240 - strided, strided}, table.weights(group), "weights are bucket counts");
        assertArrayEquals(new int[] {10, 20, 30}, table.members(group));
        assertEquals(shares(before), Map.of(10, 86, 20, 85, 30, 85), "the earlier map is a copy, untouched");
    }

    @Test
    void setAfterAssignKeepsPinnedBucketsWhereTheWeightsAllow()
    {
        final EcmpGroupTable table = new EcmpGroupTable(2);
        final int group = table.create(new int[] {1, 2}, new int[] {1, 1}, 256);
        final int[] memberOfBucket = new int[256];
        for (int b = 0; b < 256; b++)
        {
            memberOfBucket[b] = b >= 200 ? 0 : 1;
        }
        table.assign(group, memberOfBucket);
        final int[] pinned = table.buckets(group);

        table.set(group, new int[] {1, 2}, table.weights(group), 256);
        assertArrayEquals(pinned, table.buckets(group), "the same weights (the bucket counts) move nothing");

        table.set(group, new int[] {1, 2}, new int[] {66, 190}, 256);
        final int[] after = table.buckets(group);
        int moved = 0;
        for (int b = 0; b < 256; b++)
        {
            if (after[b] != pinned[b])
            {
                moved++;
                assertEquals(2, pinned[b], "only buckets of the member losing weight move");
            }
        }
        assertEquals(10, moved, "56 -> 66 buckets for member 0: exactly 10 move");
    }

    @Test
    void assignRejectsAWrongLengthOrAnUnknownMemberAndKeepsTheMap()
    {
        final EcmpGroupTable table = new EcmpGroupTable(2);
        final int group = table.create(new int[] {1, 2}, new int[] {1, 1}, 64);
        final int[] before = table.buckets(group);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.assign(group, new int[256]))
            .getMessage().startsWith("buckets: 256 buckets for a group of 64"));
        final int[] tooFar = new int[64];
        tooFar[9] = 2;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.assign(group, tooFar))
            .getMessage().startsWith("buckets[9]: member 2"));
        assertArrayEquals(before, table.buckets(group));
        assertArrayEquals(new int[] {1, 1}, table.weights(group));
    }

    @Test
    void rejectsBadMembersAndWeightsNamingTheField()
    {
        final EcmpGroupTable table = new EcmpGroupTable(2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.create(new int[0], new int[0], 64))
            .getMessage().startsWith("members"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.create(new int[] {1}, new int[] {-1}, 64))
            .getMessage().startsWith("weights[0]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.create(new int[] {1, 2}, new int[] {0, 0}, 64))
            .getMessage().startsWith("weights"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.create(new int[] {1}, new int[] {1}, 100))
            .getMessage().startsWith("buckets"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.create(new int[] {1, 1}, new int[] {1, 1}, 64))
            .getMessage().startsWith("members[1]"));
    }
}
