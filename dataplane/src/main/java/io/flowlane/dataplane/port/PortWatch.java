package io.flowlane.dataplane.port;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.dataplane.fib.AdjacencyTable;

import org.agrona.concurrent.Agent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The control thread's watch on the ports' links: every millisecond it reads each port's link
 * status (rte_eth_link_get_nowait: the driver's last known state, no waiting) and publishes the
 * ports that are down to the adjacency table, where the workers' route lookup steers flows off
 * them onto a live ECMP member or a backup next hop ({@code EcmpGroupTable.selectLive}). A memif
 * link goes down the moment its peer process dies (the socket closes), so a neighbour's death is
 * repaired locally within a millisecond or two, long before its missing telemetry is noticed.
 */
public final class PortWatch implements Agent
{
    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final System.Logger LOG = System.getLogger(PortWatch.class.getName());

    private final int[] portIds;
    private final String[] names;
    private final AdjacencyTable adjacencies;
    private final MemorySegment speed;
    private final MemorySegment up;
    private long nextCheckNanos;

    public PortWatch(final List<EthPort> ports, final AdjacencyTable adjacencies)
    {
        this.portIds = ports.stream().mapToInt(EthPort::id).toArray();
        this.names = ports.stream().map(EthPort::name).toArray(String[]::new);
        this.adjacencies = adjacencies;
        final Arena arena = Arena.ofAuto();
        this.speed = arena.allocate(JAVA_INT);
        this.up = arena.allocate(JAVA_INT);
    }

    @Override
    public int doWork()
    {
        final long now = System.nanoTime();
        if (now - nextCheckNanos < 0)
        {
            return 0;
        }
        nextCheckNanos = now + INTERVAL_NANOS;
        long down = 0;
        // Not EthPort.linkUp(): it opens an arena per call, and this runs a thousand times a second.
        for (final int id : portIds)
        {
            if (id < Long.SIZE && flowlane_shim_h.fl_port_link((short)id, speed, up) == 0 && up.get(JAVA_INT, 0) == 0)
            {
                down |= 1L << id;
            }
        }
        final long before = adjacencies.portsDown();
        if (down == before)
        {
            return 0;
        }
        adjacencies.portsDown(down);
        for (int i = 0; i < portIds.length; i++)
        {
            final long bit = portIds[i] < Long.SIZE ? 1L << portIds[i] : 0;
            if ((down & bit) != (before & bit))
            {
                LOG.log(System.Logger.Level.INFO, "port " + names[i] + " link " + ((down & bit) != 0 ? "DOWN" : "up"));
            }
        }
        return 1;
    }

    @Override
    public String roleName()
    {
        return "port-watch";
    }
}
