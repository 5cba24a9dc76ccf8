package io.flowlane.dataplane.config;

import io.flowlane.dataplane.eal.EalConfig;
import io.flowlane.dataplane.extension.ExtensionConfig;
import io.flowlane.dataplane.fib.NextHop;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the data plane needs to start, already validated: addresses are parsed, names
 * resolve, ranges hold. Built by {@link ConfigLoader} from a YAML file (see config/*.yaml).
 */
public record ApplianceConfig(
    EalConfig eal, Mempool mempool, List<Port> ports, List<InterfaceSpec> interfaces, Workers workers,
    List<Route> routes, List<Neighbor> neighbors, Tables tables, Icmp icmp, Path countersFile,
    List<ExtensionConfig> extensions, List<io.flowlane.dataplane.policy.TrafficClass> classes)
{
    /**
     * This configuration run inside a process whose EAL is already up ({@code eal}: a test's or a
     * benchmark's), with counters in memory instead of a shared file.
     */
    public ApplianceConfig embeddedIn(final EalConfig eal)
    {
        return new ApplianceConfig(eal, mempool, ports, interfaces, workers, routes, neighbors, tables, icmp, null, extensions, classes);
    }

    public record Mempool(int mbufs, int cache, int dataRoom)
    {
    }

    /** A DPDK device under an operator's name. */
    public record Port(String name, String device, int rxDescriptors, int txDescriptors, int mtu, boolean rss, boolean promiscuous)
    {
    }

    /** An L3 interface on a port (or a VLAN of it); addresses as parsed values. */
    public record InterfaceSpec(String name, String port, int vlan, int mtu, long mac, int[] ipv4, int[] ipv4Prefix, long[] ipv6, int[] ipv6Prefix)
    {
    }

    public enum IdleStrategy
    {
        /** Spin: lowest latency, a full core per worker (production). */
        BUSY_SPIN,
        /** Spin, then yield, then park for up to 1 ms: for shared or small machines (tests, CI). */
        BACKOFF,
        /** Yield the CPU between polls: reacts within a scheduler round without a core of its own (control thread). */
        YIELD
    }

    /**
     * @param cores       one CPU per worker; -1 leaves a worker unpinned
     * @param controlIdle how the control thread (table writer, control channel) waits for work:
     *                    BACKOFF (default) parks up to 100 us; YIELD answers control messages in
     *                    tens of microseconds at the cost of a mostly-busy housekeeping CPU
     */
    public record Workers(int count, List<Integer> cores, int burst, IdleStrategy idle, int txRetries, IdleStrategy controlIdle)
    {
    }

    /** @param family 4 or 6; the prefix as hi (IPv4 in the low 32 bits) and lo */
    public record Route(int family, long prefixHi, long prefixLo, int length, List<NextHop> nextHops, String text)
    {
    }

    public record Neighbor(String interfaceName, int family, long addressHi, long addressLo, long mac)
    {
    }

    public record Tables(int ipv4Tbl8Groups, int ipv6Nodes, int adjacencies, int ecmpGroups, int neighbors, int ecmpBuckets)
    {
    }

    public record Icmp(int errorsPerSecond, int burst)
    {
    }
}
