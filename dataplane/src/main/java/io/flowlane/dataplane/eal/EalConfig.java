package io.flowlane.dataplane.eal;

import java.util.ArrayList;
import java.util.List;

/**
 * How to bring up DPDK's Environment Abstraction Layer.
 *
 * @param vdevs         virtual devices ("net_memif0,role=client,socket=/run/fl.sock")
 * @param pciAllowList  PCI devices to use ("0000:03:00.0"); empty with vdevs means --no-pci
 * @param noHuge        run on ordinary pages (no hugepages needed; slower TLB, fine for tests)
 * @param memoryMb      memory to reserve with --no-huge, or per socket with hugepages (0 = DPDK's default)
 * @param filePrefix    runtime-file prefix; every DPDK process on a host needs its own
 * @param inMemory      keep no runtime files at all (cannot be a multi-process primary)
 * @param logLevel      EAL log level (e.g. "notice", "warning", "error")
 * @param extraArgs     anything else, passed through verbatim
 */
public record EalConfig(
    List<String> vdevs, List<String> pciAllowList, boolean noHuge, int memoryMb, String filePrefix,
    boolean inMemory, String logLevel, List<String> extraArgs)
{
    public EalConfig
    {
        vdevs = List.copyOf(vdevs);
        pciAllowList = List.copyOf(pciAllowList);
        extraArgs = List.copyOf(extraArgs);
        if (memoryMb < 0)
        {
            throw new IllegalArgumentException("eal.memory-mb: " + memoryMb + " is negative");
        }
        if (filePrefix == null || filePrefix.isBlank())
        {
            throw new IllegalArgumentException("eal.file-prefix: must not be empty");
        }
    }

    /** A small no-hugepage EAL with no devices at start (tests add vdevs at run time). */
    public static EalConfig forTests(final String filePrefix)
    {
        return new EalConfig(List.of(), List.of(), true, 512, filePrefix, false, "warning", List.of());
    }

    /** The EAL argv. {@code mainCpus} become the main lcore's CPU set, so the JVM's main thread stays unpinned. */
    public List<String> toArguments(final int[] mainCpus)
    {
        final List<String> args = new ArrayList<>();
        args.add("flowlane");
        final StringBuilder cpus = new StringBuilder();
        for (final int cpu : mainCpus)
        {
            cpus.append(cpus.isEmpty() ? "" : ",").append(cpu);
        }
        // lcore 0 (the main lcore) may run on any of our CPUs: rte_eal_init pins the calling
        // thread to its main lcore's set, and the calling thread is the JVM's, not a worker.
        args.add("--lcores=0@(" + cpus + ")");
        args.add("--file-prefix=" + filePrefix);
        if (noHuge)
        {
            args.add("--no-huge");
        }
        if (memoryMb > 0)
        {
            args.add("-m");
            args.add(Integer.toString(memoryMb));
        }
        if (inMemory)
        {
            args.add("--in-memory");
        }
        if (pciAllowList.isEmpty())
        {
            args.add("--no-pci");
        }
        for (final String pci : pciAllowList)
        {
            args.add("-a");
            args.add(pci);
        }
        for (final String vdev : vdevs)
        {
            args.add("--vdev=" + vdev);
        }
        if (logLevel != null && !logLevel.isBlank())
        {
            args.add("--log-level=" + logLevel);
        }
        args.addAll(extraArgs);
        return args;
    }
}
