package io.flowlane.dataplane.extension;

import io.flowlane.dataplane.fib.TunnelDirectory;
import io.flowlane.dataplane.pipeline.PacketGraph;

/** A started extension: it resolves tunnel names for routes and plugs its stages into each worker's graph. */
public interface ExtensionRuntime extends AutoCloseable
{
    TunnelDirectory tunnels();

    /** Adds this extension's stages (one set per worker: stages keep per-worker state) to a worker's graph. */
    void plug(PacketGraph graph, int worker);

    /**
     * Copies worker {@code worker}'s private counters into the shared counters file. Called on
     * that worker's thread whenever it publishes its own (about once a millisecond when busy,
     * and when it goes idle), so the packet path only ever increments plain fields.
     */
    default void publish(final int worker)
    {
    }

    /** Frees native resources; called after every worker has stopped. */
    @Override
    void close();
}
