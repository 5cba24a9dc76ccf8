package io.flowlane.dataplane.extension;

import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.fib.TunnelDirectory;
import io.flowlane.dataplane.pipeline.PacketGraph;

/** A started extension: it resolves tunnel names for routes and plugs its stages into each worker's graph. */
public interface ExtensionRuntime extends AutoCloseable
{
    /** The tunnels routes may point at; none by default. */
    default TunnelDirectory tunnels()
    {
        return TunnelDirectory.NONE;
    }

    /** Adds this extension's stages (one set per worker: stages keep per-worker state) to a worker's graph. */
    default void plug(final PacketGraph graph, final int worker)
    {
    }

    /**
     * Called once the appliance is running (workers and control thread started, every extension
     * started): the place to attach duties to the control thread ({@link Appliance#addControlDuty})
     * or to look at the other extensions.
     */
    default void started(final Appliance appliance)
    {
    }

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
