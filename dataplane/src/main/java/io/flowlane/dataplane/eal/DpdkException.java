package io.flowlane.dataplane.eal;

import io.flowlane.bindings.flowlane_shim_h;

/** A DPDK call failed; the message names the operation and DPDK's reason. */
public final class DpdkException extends RuntimeException
{
    private final int errno;

    public DpdkException(final String operation, final int negativeErrno)
    {
        super(operation + " failed: " + describe(negativeErrno));
        this.errno = -negativeErrno;
    }

    public int errno()
    {
        return errno;
    }

    /** DPDK's text for a (negative) errno. */
    public static String describe(final int negativeErrno)
    {
        return flowlane_shim_h.fl_strerror(negativeErrno).reinterpret(256).getString(0) + " (errno " + Math.abs(negativeErrno) + ")";
    }

    /** Returns {@code result} if it is not negative, else throws naming {@code operation}. */
    public static int check(final String operation, final int result)
    {
        if (result < 0)
        {
            throw new DpdkException(operation, result);
        }
        return result;
    }
}
