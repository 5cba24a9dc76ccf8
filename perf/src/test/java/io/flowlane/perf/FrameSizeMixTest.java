package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameSizeMixTest
{
    @Test
    void simpleImixIsSevenFourOneOf64_594_1518WithItsMean()
    {
        final FrameSizeMix imix = FrameSizeMix.parse(FrameSizeMix.SIMPLE_IMIX);
        assertArrayEquals(new int[] {64, 594, 1518}, imix.sizes());
        assertArrayEquals(new int[] {7, 4, 1}, imix.weights());
        assertEquals(4342.0 / 12, imix.meanSize(), 1e-9);
    }

    @Test
    void sendOrderHasEachSizeAsOftenAsItsWeightAndInterleaves()
    {
        final int[] order = FrameSizeMix.parse("64:7,594:4,1518:1").order();
        assertEquals(12, order.length);
        final int[] counts = new int[3];
        int longestRun = 0;
        int run = 0;
        for (int i = 0; i < order.length; i++)
        {
            counts[order[i]]++;
            run = i > 0 && order[i] == order[i - 1] ? run + 1 : 1;
            longestRun = Math.max(longestRun, run);
        }
        assertArrayEquals(new int[] {7, 4, 1}, counts);
        assertTrue(longestRun <= 2, "64-byte frames are spread between the others, not sent as a run of 7");
    }

    @Test
    void plainListsHaveEqualShares()
    {
        final FrameSizeMix mix = FrameSizeMix.parse("64, 128,1518");
        assertArrayEquals(new int[] {1, 1, 1}, mix.weights());
        assertArrayEquals(new int[] {0, 1, 2}, mix.order());
        assertEquals(64, FrameSizeMix.parse("64").meanSize(), 0);
    }

    @Test
    void badListsAreRefusedWithTheExpectedForm()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> FrameSizeMix.parse("64:x"));
        assertTrue(ex.getMessage().contains("SIZE[:WEIGHT]"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrameSizeMix.parse("64:0"));
        assertThrows(IllegalArgumentException.class, () -> FrameSizeMix.parse("64:1:2"));
    }
}
