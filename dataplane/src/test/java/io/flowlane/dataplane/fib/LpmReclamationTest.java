package io.flowlane.dataplane.fib;

import static io.flowlane.dataplane.fib.Ipv4LpmTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.packet.Ipv4Header;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** Nodes unlinked by a delete are reused only after a grace period that started after the unlink. */
class LpmReclamationTest
{
    /** Grace periods that end only when the test says so; {@link #onStart} runs inside {@link #start()}. */
    private static final class ManualGracePeriods implements GracePeriods
    {
        private long started;
        private long completedUpTo;
        private Runnable onStart = () -> { };

        @Override
        public long start()
        {
            onStart.run();
            return ++started;
        }

        @Override
        public boolean completed(final long token)
        {
            return token <= completedUpTo;
        }

        void completeUpTo(final long token)
        {
            completedUpTo = token;
        }

        void completeAll()
        {
            completedUpTo = started;
        }
    }

    private static int ip(final String text)
    {
        return Ipv4Header.parse(text);
    }

    private static long tbl24Offset(final int address)
    {
        return (long)(address >>> 8) << 2;
    }

    @Test
    void deletedGroupIsNotReusedUntilItsGracePeriodCompletes()
    {
        final ManualGracePeriods grace = new ManualGracePeriods();
        try (Ipv4Lpm lpm = new Ipv4Lpm(2, grace))
        {
            final MultibitTrie trie = lpm.trie();
            lpm.add(ip("10.0.0.0"), 24, 1);
            lpm.add(ip("10.0.0.128"), 25, 2);

            // What a reader holds if it loaded the tbl24 entry just before the delete: the group.
            final int staleEntry = trie.entryAt(tbl24Offset(ip("10.0.0.0")));
            assertTrue((staleEntry & MultibitTrie.EXTENDED) != 0);
            final int group = staleEntry & MultibitTrie.VALUE_MASK;

            assertTrue(lpm.delete(ip("10.0.0.128"), 25));
            assertEquals(1, lpm.lookup(ip("10.0.0.200")));
            assertEquals(0, trie.entryAt(tbl24Offset(ip("10.0.0.0"))) & MultibitTrie.EXTENDED, "unlinked at once");
            assertEquals(1, lpm.nodesInUse(), "but not free");
            lpm.reclaim();
            assertEquals(1, lpm.nodesInUse(), "not even after reclaim() while the grace period runs");

            // Another /25 gets the other group. The stale reader still reads answers for 10.0.0.x
            // in the unlinked group: the covering /24, which the delete wrote before unlinking,
            // never the target of the new /25.
            lpm.add(ip("10.0.9.0"), 25, 3);
            assertNotEquals(group, trie.entryAt(tbl24Offset(ip("10.0.9.0"))) & MultibitTrie.VALUE_MASK);
            assertEquals(1, staleLookup(trie, group, 200));
            assertEquals(1, staleLookup(trie, group, 100));

            // With both groups taken, the next one is refused rather than taken from under a reader.
            final IllegalStateException full = assertThrows(IllegalStateException.class, () -> lpm.add(ip("10.0.7.0"), 25, 4));
            assertMessage(full, "10.0.7.0/25", "out of nodes", "1 waiting for a grace period");

            grace.completeAll();
            lpm.add(ip("10.0.7.0"), 25, 4);
            assertEquals(group, trie.entryAt(tbl24Offset(ip("10.0.7.0"))) & MultibitTrie.VALUE_MASK,
                "add reclaims the group whose grace period is over and reuses it");
            assertEquals(4, lpm.lookup(ip("10.0.7.1")));
            assertEquals(3, lpm.lookup(ip("10.0.9.1")));
            assertEquals(2, lpm.nodesInUse());
        }
    }

    @Test
    void gracePeriodStartsOnlyAfterTheNodesAreUnlinked()
    {
        final ManualGracePeriods grace = new ManualGracePeriods();
        try (Ipv6Lpm lpm = new Ipv6Lpm(16, grace))
        {
            final MultibitTrie trie = lpm.trie();
            final long rootOffset = (0x2001_0db8_0000_0000L >>> 48) << 2;
            final List<Integer> rootEntriesAtStart = new ArrayList<>();
            grace.onStart = () -> rootEntriesAtStart.add(trie.entryAt(rootOffset));

            lpm.add(0x2001_0db8_0000_0000L, 1, 128, 7);
            assertEquals(14, lpm.nodesInUse());
            assertTrue(lpm.delete(0x2001_0db8_0000_0000L, 1, 128));

            assertEquals(List.of(0), rootEntriesAtStart,
                "one grace period for the whole path, started after the root entry stopped pointing to it");
            assertEquals(RouteTarget.NONE, lpm.lookup(0x2001_0db8_0000_0000L, 1));
            assertEquals(14, lpm.nodesInUse());
            assertEquals(14, trie.nodesWaitingForGracePeriod());
            grace.completeAll();
            lpm.reclaim();
            assertEquals(0, lpm.nodesInUse());
            assertEquals(0, trie.nodesWaitingForGracePeriod());
        }
    }

    @Test
    void nodesReturnToTheFreeListAsTheirGracePeriodsEnd()
    {
        final ManualGracePeriods grace = new ManualGracePeriods();
        try (Ipv4Lpm lpm = new Ipv4Lpm(8, grace))
        {
            for (int i = 0; i < 3; i++)
            {
                lpm.add(ip("10.0.0.128") + (i << 8), 25, i);
            }
            assertEquals(3, lpm.nodesInUse());
            for (int i = 0; i < 3; i++)
            {
                assertTrue(lpm.delete(ip("10.0.0.128") + (i << 8), 25));
            }
            grace.completeUpTo(1);
            lpm.reclaim();
            assertEquals(2, lpm.nodesInUse(), "only the first delete's period is over");
            grace.completeUpTo(3);
            lpm.reclaim();
            assertEquals(0, lpm.nodesInUse());
        }
    }

    @Test
    void nodeCountReturnsToZeroAfterDeletingEverything()
    {
        try (Ipv6Lpm lpm = new Ipv6Lpm(64, GracePeriods.NONE))
        {
            lpm.add(0x2001_0db8_0000_0000L, 0, 32, 1);
            lpm.add(0x2001_0db8_0001_0000L, 0, 48, 2);
            lpm.add(0x2001_0db8_0001_0002L, 0, 64, 3);
            lpm.add(0x2001_0db8_0001_0002L, 5, 128, 4);
            lpm.add(0, 0, 0, 5);
            assertEquals(14, lpm.nodesInUse());
            assertTrue(lpm.delete(0x2001_0db8_0001_0000L, 0, 48));
            assertTrue(lpm.delete(0, 0, 0));
            assertTrue(lpm.delete(0x2001_0db8_0001_0002L, 5, 128));
            assertTrue(lpm.delete(0x2001_0db8_0000_0000L, 0, 32));
            assertTrue(lpm.delete(0x2001_0db8_0001_0002L, 0, 64));
            assertEquals(14, lpm.nodesInUse(), "GracePeriods.NONE still frees in reclaim()");
            lpm.reclaim();
            assertEquals(0, lpm.nodesInUse());
            assertEquals(0, lpm.routeCount());
        }
    }

    /** What a reader that loaded the parent entry before the unlink reads in the node. */
    private static int staleLookup(final MultibitTrie trie, final int node, final int lastByte)
    {
        final int entry = trie.entryAt(trie.rootBytes() + ((long)node << MultibitTrie.NODE_SHIFT) + ((long)lastByte << 2));
        return entry < 0 ? entry & MultibitTrie.VALUE_MASK : RouteTarget.NONE;
    }
}
