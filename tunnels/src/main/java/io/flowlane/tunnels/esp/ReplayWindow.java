package io.flowlane.tunnels.esp;

/**
 * The inbound anti-replay window of RFC 4303 §3.4.3, with the extended-sequence-number
 * inference of its Appendix A, kept in a slice of a {@code long[]} (no object per SA).
 *
 * <p>Layout from {@code base}: word 0 holds T, the highest authenticated sequence number
 * (64 bits); then {@code window / 64} words of a ring bitmap where sequence number s sits at bit
 * {@code s mod window} (RFC 6479's layout: advancing the window clears whole words instead of
 * shifting the bitmap).
 *
 * <p>Two steps, because the ICV must be verified before the window moves (§3.4.3): {@link #check}
 * before decryption rejects replays and stale packets cheaply and returns the full 64-bit sequence
 * number to authenticate with; {@link #accept} after the ICV verified records it.
 */
public final class ReplayWindow
{
    /** {@link #check}'s answer for a packet to drop. */
    public static final long REJECT = -1;

    private ReplayWindow()
    {
    }

    public static int words(final int window)
    {
        return 1 + window / 64;
    }

    /**
     * The full sequence number of a packet whose header carries {@code low} (its low 32 bits), or
     * {@link #REJECT} if it is a replay, left of the window, or zero.
     */
    public static long check(final long[] state, final int base, final int window, final boolean esn, final long low)
    {
        final long top = state[base];
        final long seq = esn ? infer(top, window, low) : low;
        if (seq == 0)
        {
            return REJECT;
        }
        if (seq > top)
        {
            return seq;
        }
        if (top - seq >= window)
        {
            return REJECT;
        }
        final long bit = seq % window;
        return (state[base + 1 + (int)(bit >>> 6)] & (1L << bit)) != 0 ? REJECT : seq;
    }

    /** Records an authenticated {@code seq} (from {@link #check}); false if it became a replay meanwhile. */
    public static boolean accept(final long[] state, final int base, final int window, final long seq)
    {
        final long top = state[base];
        if (seq > top)
        {
            advance(state, base, window, top, seq);
            state[base] = seq;
        }
        else if (top - seq >= window)
        {
            return false;
        }
        final long bit = seq % window;
        final int word = base + 1 + (int)(bit >>> 6);
        final long mask = 1L << bit;
        if ((state[word] & mask) != 0)
        {
            return false;
        }
        state[word] |= mask;
        return true;
    }

    /** Clears the bits of sequence numbers top+1..seq, which were last used one window ago. */
    private static void advance(final long[] state, final int base, final int window, final long top, final long seq)
    {
        final int words = window / 64;
        if (seq - top >= window)
        {
            java.util.Arrays.fill(state, base + 1, base + 1 + words, 0L);
            return;
        }
        for (long s = top + 1; s <= seq; )
        {
            final long bit = s % window;
            final int word = (int)(bit >>> 6);
            final int offset = (int)(bit & 63);
            if (offset == 0 && seq - s >= 63)
            {
                state[base + 1 + word] = 0;
                s += 64;
            }
            else
            {
                state[base + 1 + word] &= ~(1L << offset);
                s++;
            }
        }
    }

    /**
     * RFC 4303 Appendix A2.2: the high 32 bits of a received sequence number, from the window's
     * top T and the low 32 bits received. Seql at or right of the window's bottom belongs to T's
     * subspace, otherwise to the next one (case A); when the window straddles a subspace boundary
     * (case B), a Seql at or right of the bottom belongs to the previous subspace.
     */
    static long infer(final long top, final int window, final long low)
    {
        final long tl = top & 0xFFFF_FFFFL;
        final long th = top >>> 32;
        final long bottom = (tl - window + 1) & 0xFFFF_FFFFL;
        final long high;
        if (tl >= window - 1)
        {
            high = low >= bottom ? th : th + 1;
        }
        else
        {
            high = low >= bottom ? th - 1 : th;
        }
        if (high < 0)
        {
            // Before the first subspace: older than anything the SA can have sent. 0 is rejected.
            return 0;
        }
        return high << 32 | low;
    }
}
