package io.flowlane.tunnels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.tunnels.esp.ReplayWindow;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.Random;

/** RFC 4303 §3.4.3 anti-replay and Appendix A extended sequence numbers. */
class ReplayWindowTest
{
    static final int WINDOW = 1024;

    @Test
    void acceptsEachSequenceNumberOnceAndRejectsWhatFellOutOfTheWindow()
    {
        final long[] state = new long[ReplayWindow.words(WINDOW)];
        assertEquals(ReplayWindow.REJECT, ReplayWindow.check(state, 0, WINDOW, false, 0), "0 is never sent");
        assertTrue(accept(state, false, 1));
        assertFalse(accept(state, false, 1), "replay");
        assertTrue(accept(state, false, 3000));
        assertFalse(accept(state, false, 3000 - WINDOW), "just left of the window");
        assertTrue(accept(state, false, 3000 - WINDOW + 1), "the window's oldest slot");
        assertFalse(accept(state, false, 3000 - WINDOW + 1), "and only once");
        assertTrue(accept(state, false, 2999), "late but inside");
    }

    @Test
    void agreesWithABitSetModelOverRandomTraffic()
    {
        final long[] state = new long[ReplayWindow.words(WINDOW)];
        final BitSet seen = new BitSet();
        final Random random = new Random(42);
        long top = 0;
        for (int n = 0; n < 200_000; n++)
        {
            // Mostly forward, some reordering and duplicates, now and then a jump.
            final long seq = Math.max(1, top + random.nextInt(64) - 48 + (random.nextInt(1000) == 0 ? 5000 : 0));
            final boolean expected = seq > top - WINDOW && !seen.get((int)seq);
            assertEquals(expected, accept(state, false, seq), "seq " + seq + " with top " + top);
            if (expected)
            {
                seen.set((int)seq);
                top = Math.max(top, seq);
            }
        }
    }

    @Test
    void infersTheHighHalfOfExtendedSequenceNumbersAcrossA32BitWrap()
    {
        final long[] state = new long[ReplayWindow.words(WINDOW)];
        final long nearWrap = 0xFFFF_FF00L;
        // As if the SA had received up to just below nearWrap (4 billion packets are too many for a test).
        state[0] = nearWrap - 1;
        assertTrue(accept(state, true, nearWrap));
        // Low half 5: right of the window in the next subspace (case A of Appendix A2.2).
        assertEquals((1L << 32) + 5, ReplayWindow.check(state, 0, WINDOW, true, 5));
        assertTrue(accept(state, true, (1L << 32) + 5));
        // Now the window straddles the wrap (case B): 0xFFFFFFF0 belongs to subspace 0 and is new.
        assertEquals(0xFFFF_FFF0L, ReplayWindow.check(state, 0, WINDOW, true, 0xFFFF_FFF0L));
        assertTrue(accept(state, true, 0xFFFF_FFF0L));
        assertEquals(ReplayWindow.REJECT, ReplayWindow.check(state, 0, WINDOW, true, 0xFFFF_FF00L), "replay across the wrap");
        assertEquals(ReplayWindow.REJECT, ReplayWindow.check(state, 0, WINDOW, true, 5), "replay in the new subspace");
    }

    private static boolean accept(final long[] state, final boolean esn, final long seq)
    {
        final long full = ReplayWindow.check(state, 0, WINDOW, esn, seq & 0xFFFF_FFFFL);
        return full != ReplayWindow.REJECT && full == seq && ReplayWindow.accept(state, 0, WINDOW, full);
    }
}
