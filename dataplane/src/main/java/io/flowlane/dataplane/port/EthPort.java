package io.flowlane.dataplane.port;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.dataplane.eal.DpdkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A DPDK ethdev port: found by device name, configured with queues, started, observed. */
public final class EthPort
{
    private final int id;
    private final String name;
    private boolean rss;

    private EthPort(final int id, final String name)
    {
        this.id = id;
        this.name = name;
    }

    /** The port of a device by its DPDK name ("net_memif0", "0000:03:00.0"). */
    public static EthPort byName(final String deviceName)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment port = arena.allocate(JAVA_SHORT);
            final int rc = flowlane_shim_h.fl_port_by_name(arena.allocateFrom(deviceName), port);
            if (rc < 0)
            {
                throw new IllegalArgumentException("no DPDK port named '" + deviceName + "' (" + DpdkException.describe(rc) +
                    "); is it in eal.vdevs or eal.pci-allow-list?");
            }
            return new EthPort(Short.toUnsignedInt(port.get(JAVA_SHORT, 0)), deviceName);
        }
    }

    public static EthPort byId(final int id)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment name = arena.allocate(64);
            DpdkException.check("rte_eth_dev_get_name_by_port(" + id + ")", flowlane_shim_h.fl_port_name((short)id, name, 64));
            return new EthPort(id, name.getString(0));
        }
    }

    public int id()
    {
        return id;
    }

    public String name()
    {
        return name;
    }

    /** Whether RSS spreads received flows across the rx queues (decided by {@link #configure}). */
    public boolean rss()
    {
        return rss;
    }

    public void configure(
        final int rxQueues, final int txQueues, final int rxDescriptors, final int txDescriptors, final MbufPool pool,
        final boolean wantRss, final int mtu)
    {
        final int rc = flowlane_shim_h.fl_port_configure((short)id, (short)rxQueues, (short)txQueues,
            (short)rxDescriptors, (short)txDescriptors, pool.segment(), wantRss ? 1 : 0, (short)mtu);
        DpdkException.check("configuring port " + name + " with " + rxQueues + " rx / " + txQueues + " tx queues", rc);
        rss = rc == 1;
    }

    public void start()
    {
        DpdkException.check("rte_eth_dev_start(" + name + ")", flowlane_shim_h.fl_port_start((short)id));
    }

    public void stop()
    {
        DpdkException.check("rte_eth_dev_stop(" + name + ")", flowlane_shim_h.fl_port_stop((short)id));
    }

    public void close()
    {
        DpdkException.check("rte_eth_dev_close(" + name + ")", flowlane_shim_h.fl_port_close((short)id));
    }

    public void promiscuous(final boolean on)
    {
        DpdkException.check("promiscuous mode on " + name, flowlane_shim_h.fl_port_promiscuous((short)id, on ? 1 : 0));
    }

    public long mac()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(6);
            DpdkException.check("rte_eth_macaddr_get(" + name + ")", flowlane_shim_h.fl_port_mac((short)id, out));
            long mac = 0;
            for (int i = 0; i < 6; i++)
            {
                mac = (mac << 8) | (out.get(JAVA_BYTE, i) & 0xFF);
            }
            return mac;
        }
    }

    public PortInfo info()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(JAVA_INT, 7);
            final MemorySegment driver = arena.allocate(64);
            DpdkException.check("rte_eth_dev_info_get(" + name + ")", flowlane_shim_h.fl_port_info((short)id, out, 7, driver, 64));
            return new PortInfo(out.getAtIndex(JAVA_INT, 0), out.getAtIndex(JAVA_INT, 1),
                (Integer.toUnsignedLong(out.getAtIndex(JAVA_INT, 3)) << 32) | Integer.toUnsignedLong(out.getAtIndex(JAVA_INT, 2)),
                out.getAtIndex(JAVA_INT, 4), out.getAtIndex(JAVA_INT, 5), out.getAtIndex(JAVA_INT, 6) - 1, driver.getString(0));
        }
    }

    public PortStats stats()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(JAVA_LONG, 8);
            DpdkException.check("rte_eth_stats_get(" + name + ")", flowlane_shim_h.fl_port_stats((short)id, out));
            return new PortStats(out.getAtIndex(JAVA_LONG, 0), out.getAtIndex(JAVA_LONG, 1), out.getAtIndex(JAVA_LONG, 2),
                out.getAtIndex(JAVA_LONG, 3), out.getAtIndex(JAVA_LONG, 4), out.getAtIndex(JAVA_LONG, 5),
                out.getAtIndex(JAVA_LONG, 6), out.getAtIndex(JAVA_LONG, 7));
        }
    }

    public void resetStats()
    {
        DpdkException.check("rte_eth_stats_reset(" + name + ")", flowlane_shim_h.fl_port_stats_reset((short)id));
    }

    /** True when the link is up. */
    public boolean linkUp()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment speed = arena.allocate(JAVA_INT);
            final MemorySegment up = arena.allocate(JAVA_INT);
            DpdkException.check("rte_eth_link_get_nowait(" + name + ")", flowlane_shim_h.fl_port_link((short)id, speed, up));
            return up.get(JAVA_INT, 0) != 0;
        }
    }

    /** Sets the link administratively up or down (drivers that support it: net_ring, most NICs; memif does not). */
    public void link(final boolean up)
    {
        DpdkException.check("rte_eth_dev_set_link_" + (up ? "up" : "down") + "(" + name + ")",
            flowlane_shim_h.fl_port_set_link((short)id, up ? 1 : 0));
    }

    /** What the driver reports about itself. */
    public record PortInfo(int maxRxQueues, int maxTxQueues, long rssOffloads, int minMtu, int maxMtu, int socket, String driver)
    {
    }

    /** rte_eth_stats: what the driver counted. */
    public record PortStats(
        long rxPackets, long txPackets, long rxBytes, long txBytes, long rxMissed, long rxErrors, long txErrors,
        long rxNoMbuf)
    {
    }

    @Override
    public String toString()
    {
        return name + " (port " + id + ")";
    }
}
