package io.flowlane.dataplane.fib;

/**
 * Quiescent-state based reclamation as seen by a table writer: memory that readers may still be
 * looking at is freed only once every reader has passed a quiescent point after it was unlinked.
 *
 * <p>A writer unlinks, calls {@link #start()} and keeps the token; once {@link #completed(long)}
 * says so, no reader can still hold a reference obtained before the unlink.
 */
public interface GracePeriods
{
    /** For tables with no concurrent readers (tests, offline builds): every period is over at once. */
    GracePeriods NONE = new GracePeriods()
    {
        @Override
        public long start()
        {
            return 0;
        }

        @Override
        public boolean completed(final long token)
        {
            return true;
        }
    };

    long start();

    boolean completed(long token);
}
