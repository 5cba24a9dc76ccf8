package io.flowlane.perf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.flowlane.bindings.CpuAffinity;
import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.eal.EalConfig;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.port.MbufPool;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * A DPDK packet generator and sink in one poll loop on one core, written against flowlane's own
 * bindings: it transmits UDP flows on one port and counts (and frees) what comes back on others.
 * Used by the demo and by perf/bench.sh, where the same generator drives the appliance and
 * DPDK's l3fwd in turn.
 */
@Command(name = "pktgen", mixinStandardHelpOptions = true,
    description = "Generate IPv4/UDP traffic on a DPDK port and count what returns.")
public final class Pktgen implements Callable<Integer>
{
    @Option(names = "--vdev", description = "DPDK virtual device (repeatable)")
    List<String> vdevs = new ArrayList<>();
    @Option(names = "--file-prefix", defaultValue = "flowlane-pktgen")
    String filePrefix;
    @Option(names = "--memory-mb", defaultValue = "1024")
    int memoryMb;
    @Option(names = "--hugepages", description = "use hugepages instead of --no-huge")
    boolean hugepages;
    @Option(names = "--eal-arg", description = "extra EAL argument (repeatable), e.g. --single-file-segments for memif zero-copy")
    List<String> ealArgs = new ArrayList<>();
    @Option(names = "--core", defaultValue = "-1", description = "CPU to pin the generator loop to (-1: unpinned)")
    int core;
    @Option(names = "--tx-port", required = true, description = "device to transmit on")
    String txPort;
    @Option(names = "--rx-port", description = "devices to receive from (repeatable; default: the tx port)")
    List<String> rxPorts = new ArrayList<>();
    @Option(names = "--dst-mac", required = true)
    String dstMac;
    @Option(names = "--src-mac", defaultValue = "02:fe:00:00:01:01")
    String srcMac;
    @Option(names = "--src-ip", defaultValue = "10.0.0.2")
    String srcIp;
    @Option(names = "--dst-ip", defaultValue = "198.18.1.1", description = "first destination address")
    String dstIp;
    @Option(names = "--dst-count", defaultValue = "200", description = "number of consecutive destinations")
    int dstCount;
    @Option(names = "--flows", defaultValue = "1024")
    int flows;
    @Option(names = "--size", defaultValue = "64", description = "frame size on the wire, FCS included")
    int size;
    @Option(names = "--rate-pps", defaultValue = "0", description = "offered rate; 0 = as fast as possible")
    long ratePps;
    @Option(names = "--burst", defaultValue = "32")
    int burst;
    @Option(names = "--warmup", defaultValue = "2", description = "seconds before measuring")
    int warmupSeconds;
    @Option(names = "--duration", defaultValue = "10", description = "seconds measured")
    int durationSeconds;
    @Option(names = "--quiet", description = "no per-second lines")
    boolean quiet;
    @Option(names = "--stop-file", description = "end the run early once this file exists (checked once a second)")
    java.nio.file.Path stopFile;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Pktgen()).execute(args));
    }

    @Override
    public Integer call()
    {
        Eal.init(new EalConfig(vdevs, List.of(), !hugepages, memoryMb, filePrefix, false, "warning", ealArgs));
        if (core >= 0)
        {
            CpuAffinity.pinCurrentThread(core);
        }
        final MbufPool pool = MbufPool.create("pktgen", 16383, 256, MbufPool.DEFAULT_DATA_ROOM, -1);
        final List<String> rxNames = rxPorts.isEmpty() ? List.of(txPort) : rxPorts;
        final EthPort tx = EthPort.byName(txPort);
        final List<EthPort> rx = new ArrayList<>();
        final List<EthPort> all = new ArrayList<>(List.of(tx));
        for (final String name : rxNames)
        {
            final EthPort port = name.equals(txPort) ? tx : EthPort.byName(name);
            rx.add(port);
            if (!all.contains(port))
            {
                all.add(port);
            }
        }
        for (final EthPort port : all)
        {
            port.configure(1, 1, 1024, 1024, pool, false, 0);
            port.start();
        }
        awaitLinks(all);

        final Arena arena = Arena.ofShared();
        final FrameTemplates templates = new FrameTemplates(arena, flows, size, EthernetHeader.parseMac(dstMac),
            EthernetHeader.parseMac(srcMac), Ipv4Header.parse(srcIp), Ipv4Header.parse(dstIp), dstCount);
        final MemorySegment txArray = arena.allocate(JAVA_LONG, burst);
        final MemorySegment rxArray = arena.allocate(JAVA_LONG, 64);
        final int[] rxIds = rx.stream().mapToInt(EthPort::id).toArray();
        final Result result = run(pool, tx.id(), rxIds, templates, txArray.address(), rxArray.address());
        System.out.println(result.json(size, flows));
        for (final EthPort port : all)
        {
            port.stop();
        }
        return 0;
    }

    private Result run(final MbufPool pool, final int txId, final int[] rxIds, final FrameTemplates templates,
        final long txArray, final long rxArray)
    {
        final long hz = Eal.tscHz();
        final long startTsc = FastPath.rdtsc();
        final long measureFrom = startTsc + warmupSeconds * hz;
        long endTsc = measureFrom + durationSeconds * hz;
        int measuredSeconds = durationSeconds;
        long nextReport = startTsc + hz;
        long txOk = 0;
        long txFailed = 0;
        long rxCount = 0;
        long txAtMeasure = 0;
        long failedAtMeasure = 0;
        long rxAtMeasure = 0;
        long lastTx = 0;
        long lastRx = 0;
        boolean measuring = false;
        int flow = 0;
        int held = 0;
        int heldFrom = 0;
        final int length = templates.length;
        long now = startTsc;
        while (now < endTsc)
        {
            final boolean paced = ratePps > 0 && txOk >= (now - startTsc) * ratePps / hz;
            if (!paced && held == 0 && FastPath.allocBulk(pool.address(), txArray, burst) == 0)
            {
                for (int i = 0; i < burst; i++)
                {
                    final long m = NativeMemory.u64(txArray + i * 8L);
                    MemorySegment.copy(templates.frames, templates.address(flow) - templates.base, NativeMemory.ALL,
                        Mbuf.data(m), length);
                    Mbuf.setLength(m, length);
                    if (++flow == templates.flows)
                    {
                        flow = 0;
                    }
                }
                held = burst;
                heldFrom = 0;
            }
            if (!paced && held > 0)
            {
                // A full ring keeps the unsent frames for the next try, as testpmd's --tx-retry
                // does: rewriting fresh frames only to free them again would make the generator's
                // work (and its memory traffic) grow as the device under test slows down.
                final int sent = FastPath.txBurst(txId, 0, txArray + heldFrom * 8L, held);
                if (sent < held)
                {
                    txFailed++;
                }
                txOk += sent;
                held -= sent;
                heldFrom += sent;
            }
            for (final int rxId : rxIds)
            {
                final int n = FastPath.rxBurst(rxId, 0, rxArray, 64);
                if (n > 0)
                {
                    rxCount += n;
                    FastPath.freeBulk(rxArray, n);
                }
            }
            now = FastPath.rdtsc();
            if (!measuring && now >= measureFrom)
            {
                measuring = true;
                txAtMeasure = txOk;
                failedAtMeasure = txFailed;
                rxAtMeasure = rxCount;
            }
            if (now >= nextReport)
            {
                if (!quiet)
                {
                    System.out.printf(Locale.ROOT, "%s tx %6.2f Mpps  rx %6.2f Mpps  (tx ring full, retried: %d)%n",
                        measuring ? "measure" : "warm-up", (txOk - lastTx) / 1e6, (rxCount - lastRx) / 1e6, txFailed);
                }
                lastTx = txOk;
                lastRx = rxCount;
                nextReport += hz;
                if (stopFile != null && java.nio.file.Files.exists(stopFile))
                {
                    endTsc = now;
                    measuredSeconds = (int)Math.max(1, (now - measureFrom) / hz);
                }
            }
        }
        final long txMeasured = txOk - txAtMeasure;
        final long failedMeasured = txFailed - failedAtMeasure;
        final long rxMeasured = rxCount - rxAtMeasure;
        if (held > 0)
        {
            FastPath.freeBulk(txArray + heldFrom * 8L, held);
        }
        // Let packets still in flight arrive; they belong to the measured window.
        final long drainEnd = FastPath.rdtsc() + hz / 5;
        long late = 0;
        while (FastPath.rdtsc() < drainEnd)
        {
            for (final int rxId : rxIds)
            {
                final int n = FastPath.rxBurst(rxId, 0, rxArray, 64);
                late += n;
                if (n > 0)
                {
                    FastPath.freeBulk(rxArray, n);
                }
            }
        }
        return new Result(measuredSeconds, txMeasured, failedMeasured, rxMeasured + late, rxMeasured);
    }

    private static void awaitLinks(final List<EthPort> ports)
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        for (final EthPort port : ports)
        {
            while (!port.linkUp())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("link of " + port + " did not come up in 30 s (is the peer running?)");
                }
                try
                {
                    Thread.sleep(50);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** @param rxInWindow packets received during the measured window (the rate's numerator) */
    record Result(int seconds, long tx, long txFailed, long rx, long rxInWindow)
    {
        String json(final int size, final int flows)
        {
            return String.format(Locale.ROOT,
                "{\"size\":%d,\"flows\":%d,\"seconds\":%d,\"tx_packets\":%d,\"tx_ring_full_retries\":%d,\"rx_packets\":%d," +
                "\"tx_mpps\":%.3f,\"rx_mpps\":%.3f}",
                size, flows, seconds, tx, txFailed, rx, tx / 1e6 / seconds, rxInWindow / 1e6 / seconds);
        }
    }
}
