package io.flowlane.dataplane.extension;

import io.flowlane.dataplane.fib.TunnelDirectory;
import io.flowlane.dataplane.pipeline.PacketGraph;

/** A started extension: it resolves tunnel names for routes and plugs its stages into each worker's graph. */
public interface ExtensionRuntime extends AutoCloseable
{
    TunnelDirectory tunnels();

    /** Adds this extension's stages (one set per worker: stages keep per-worker state) to a worker's graph. */
    void plug(PacketGraph graph, int worker);

    /** Frees native resources; called after every worker has stopped. */
    @Override
    void close();
}
