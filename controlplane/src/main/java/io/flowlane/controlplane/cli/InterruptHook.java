package io.flowlane.controlplane.cli;

/**
 * Ctrl-C for a command that runs until stopped ({@code capture}, {@code controller}): while open,
 * SIGINT/SIGTERM run {@code onInterrupt} on the JVM's shutdown-hook thread, and the JVM exits when
 * it returns, so a command that must finish something first (close a pcap file) waits in it.
 * Closing removes the hook; if the JVM is already shutting down, the hook is running and stays.
 */
final class InterruptHook implements AutoCloseable
{
    private final Thread hook;

    private InterruptHook(final Thread hook)
    {
        this.hook = hook;
    }

    static InterruptHook install(final String name, final Runnable onInterrupt)
    {
        final Thread hook = new Thread(onInterrupt, name);
        Runtime.getRuntime().addShutdownHook(hook);
        return new InterruptHook(hook);
    }

    @Override
    public void close()
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // Ctrl-C came: the hook is running, and the JVM exits when it returns
        }
    }
}
