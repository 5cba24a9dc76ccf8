package io.flowlane.dataplane.eal;

import io.flowlane.bindings.CpuAffinity;
import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.bindings.rte_mbuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * DPDK's EAL for this process. rte_eal_init may run once per process, ever (DPDK cannot be
 * re-initialised after rte_eal_cleanup), so this is a process-wide singleton; devices can still
 * be added and removed afterwards with {@link #createVdev} and {@link #removeVdev}.
 */
public final class Eal
{
    private static EalConfig config;
    private static List<String> arguments;

    private Eal()
    {
    }

    /** Initialises the EAL; a second call with the same config is a no-op, with another config an error. */
    public static synchronized void init(final EalConfig ealConfig)
    {
        if (config != null)
        {
            if (!config.equals(ealConfig))
            {
                throw new IllegalStateException("DPDK's EAL is already initialised in this process with " + config +
                    "; it cannot be initialised again with a different configuration");
            }
            return;
        }
        final List<String> args = ealConfig.toArguments(CpuAffinity.currentThreadCpus());
        final Arena arena = Arena.global();
        final MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, args.size() + 1);
        for (int i = 0; i < args.size(); i++)
        {
            argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(args.get(i)));
        }
        final int rc = flowlane_shim_h.fl_eal_init(args.size(), argv);
        if (rc < 0)
        {
            throw new DpdkException("rte_eal_init(" + String.join(" ", args) + ")", rc);
        }
        rte_mbuf.verifyAgainstNative();
        config = ealConfig;
        arguments = List.copyOf(args);
    }

    public static synchronized boolean initialized()
    {
        return config != null;
    }

    public static synchronized List<String> arguments()
    {
        return arguments;
    }

    /** The time-stamp counter's rate, for turning cycle counts into time. */
    public static long tscHz()
    {
        return flowlane_shim_h.fl_tsc_hz();
    }

    /** Creates a virtual device after start-up ("net_ring0", "net_pcap0" with "rx_pcap=in.pcap,tx_pcap=out.pcap"). */
    public static void createVdev(final String name, final String args)
    {
        requireInitialized();
        try (Arena arena = Arena.ofConfined())
        {
            DpdkException.check("rte_vdev_init(" + name + "," + args + ")",
                flowlane_shim_h.fl_vdev_init(arena.allocateFrom(name), arena.allocateFrom(args)));
        }
    }

    public static void removeVdev(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            DpdkException.check("rte_vdev_uninit(" + name + ")", flowlane_shim_h.fl_vdev_uninit(arena.allocateFrom(name)));
        }
    }

    static void requireInitialized()
    {
        if (!initialized())
        {
            throw new IllegalStateException("DPDK's EAL is not initialised: call Eal.init first");
        }
    }
}
