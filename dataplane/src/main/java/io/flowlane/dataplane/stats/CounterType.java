package io.flowlane.dataplane.stats;

/** Type ids of flowlane's shared-memory counters, so that readers can group them. */
public final class CounterType
{
    public static final int WORKER = 100;
    public static final int WORKER_DROP = 101;
    public static final int WORKER_EVENT = 102;
    public static final int PORT = 200;
    public static final int MEMPOOL = 300;
    /** Per tunnel and worker: packets and bytes in and out (the tunnels module). */
    public static final int TUNNEL = 400;

    private CounterType()
    {
    }
}
