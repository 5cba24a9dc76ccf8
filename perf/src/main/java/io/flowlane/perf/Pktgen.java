package io.flowlane.perf;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.flowlane.bindings.CpuAffinity;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.eal.EalConfig;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.port.EthPort;
import io.flowlane.dataplane.port.MbufPool;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * A DPDK packet generator and sink in one poll loop on one core, written against flowlane's own
 * bindings: it transmits UDP flows (IPv4 or IPv6, one size or a mix, optionally inside GRE or
 * ESP for decapsulation tests) on one port and counts (and frees) what comes back on others,
 * with round-trip latency from stamped frames. One run prints one JSON line; {@code --search}
 * runs an RFC 2544 throughput search instead. Used by the demo, by perf/bench.sh and
 * perf/bench-tunnels.sh (the same generator drives the appliance, l3fwd and ipsec-secgw in
 * turn) and by the whole-system tests (MemifRig).
 */
@Command(name = "pktgen", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate UDP traffic on a DPDK port and count what returns; or search for the zero-loss throughput (RFC 2544).",
        "Prints one JSON line at the end (docs/performance.md, \"Packet generator\")."})
public final class Pktgen implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--vdev", description = "DPDK virtual device (repeatable)")
    List<String> vdevs = new ArrayList<>();
    @Option(names = "--pci", paramLabel = "ADDRESS",
        description = "PCI device to use, bound to vfio-pci or uio (repeatable); --tx-port/--rx-port then name it by its address")
    List<String> pciDevices = new ArrayList<>();
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
    @Option(names = "--src-ip", defaultValue = "10.0.0.2", description = "first IPv4 source address")
    String srcIp;
    @Option(names = "--dst-ip", defaultValue = "198.18.1.1", description = "first IPv4 destination address")
    String dstIp;
    @Option(names = "--ipv6", description = "send IPv6 (--src-ip6, --dst-ip6) instead of IPv4")
    boolean ipv6;
    @Option(names = "--src-ip6", defaultValue = "2001:db8::2", description = "first IPv6 source address")
    String srcIp6;
    @Option(names = "--dst-ip6", defaultValue = "2001:db8:99::1", description = "first IPv6 destination address")
    String dstIp6;
    @Option(names = "--src-count", defaultValue = "1", description = "number of consecutive source addresses")
    int srcCount;
    @Option(names = "--dst-count", defaultValue = "200", description = "number of consecutive destinations")
    int dstCount;
    @Option(names = "--flows", defaultValue = "1024",
        description = "flow f: source address + f %% src-count, port 10000 + f %% 50000, destination + f %% dst-count")
    int flows;
    @Option(names = "--dst-port", defaultValue = "4789", description = "UDP destination port")
    int dstPort;
    @Option(names = "--size", defaultValue = "64",
        description = "frame size on the wire, FCS included; a list (64,512,1518) or with weights (64:7,594:4,1518:1)")
    String size;
    @Option(names = "--imix", description = "the simple IMIX, " + FrameSizeMix.SIMPLE_IMIX + " (mean 361.8 bytes); replaces --size")
    boolean imix;
    @Option(names = "--encap", defaultValue = "none",
        description = "none, gre or esp: frames arrive inside a tunnel (decapsulation tests); --size is then the inner frame's")
    String encap;
    @Option(names = "--tunnel-src", defaultValue = "10.0.0.2", description = "outer source: the generator's end of the tunnel")
    String tunnelSrc;
    @Option(names = "--tunnel-dst", defaultValue = "10.0.0.1", description = "outer destination: the device's tunnel endpoint")
    String tunnelDst;
    @Option(names = "--gre-key", description = "GRE key (RFC 2890); none by default")
    String greKey;
    @Option(names = "--esp-spi", defaultValue = "0x2001", description = "SPI of the device's inbound SA")
    String espSpi;
    @Option(names = "--esp-key", description = "AES-GCM key of that SA, hex (16, 24 or 32 bytes)")
    String espKey;
    @Option(names = "--esp-salt", description = "its 4-byte salt, hex")
    String espSalt;
    @Option(names = "--esp-esn", description = "the SA uses 64-bit extended sequence numbers")
    boolean espEsn;
    @Option(names = "--esp-first-seq", defaultValue = "1", description = "first ESP sequence number (above the last run's against the same SA)")
    long espFirstSeq;
    @Option(names = "--rate-pps", defaultValue = "0", description = "offered rate; 0 = as fast as possible. With --search: the highest rate tried")
    long ratePps;
    @Option(names = "--burst", defaultValue = "32")
    int burst;
    @Option(names = "--ring-full", description = "when the link's ring is full: RETRY the frames (default) or DROP them as lost (default with --search)")
    TrafficGenerator.RingFull ringFull;
    @Option(names = "--latency-every", description = "latency stamp in every n-th frame; 0 = none (default; 1000 with --search)")
    Integer latencyEvery;
    @Option(names = "--warmup", defaultValue = "2", description = "seconds before measuring (with --search: once, at the highest rate)")
    int warmupSeconds;
    @Option(names = "--duration", defaultValue = "10", description = "seconds measured (with --search: per trial)")
    int durationSeconds;
    @Option(names = "--drain-ms", defaultValue = "200", description = "after sending, receive this long; what arrives counts for the run")
    int drainMillis;
    @Option(names = "--search", description = "RFC 2544 throughput: binary search for the highest rate without loss")
    boolean search;
    @Option(names = "--loss-tolerance", defaultValue = "0", description = "with --search: loss accepted, in percent of frames (e.g. 0.001)")
    double lossTolerancePercent;
    @Option(names = "--resolution", defaultValue = "0.01",
        description = "with --search: stop when the interval of rates is narrower than this fraction of its upper end")
    double resolution;
    @Option(names = "--max-trials", defaultValue = "20", description = "with --search: at most this many rates tried")
    int maxTrials;
    @Option(names = "--rate-tolerance", defaultValue = "1",
        description = "with --search: a trial that offered more than this many percent off its rate is run again")
    double rateTolerancePercent;
    @Option(names = "--attempts", defaultValue = "3", description = "with --search: at most this many runs of one rate (see --rate-tolerance)")
    int attempts;
    @Option(names = "--json-out", description = "also write the JSON result to this file")
    Path jsonOut;
    @Option(names = "--quiet", description = "no per-second lines")
    boolean quiet;
    @Option(names = "--stop-file", description = "end the run early once this file exists (checked once a second)")
    Path stopFile;
    @Option(names = "--idle-park-us", defaultValue = "0",
        description = "paced runs: park this many microseconds when nothing is due and nothing arrived, instead of spinning " +
            "(0: spin); for hosts whose cores the generator shares with what it drives")
    long idleParkMicros;
    @Option(names = "--go-file", description = "runs on demand: each run starts once this file exists (it is removed); " +
        "after a run ends (--stop-file, which is then removed) its JSON line is printed and the next is awaited; " +
        "--stop-file while waiting ends the generator. Links stay up between runs (the mesh drill's phases)")
    Path goFile;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Pktgen()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws IOException
    {
        // Everything that can be wrong with the options is found before DPDK starts.
        final Arena arena = Arena.ofShared();
        final int stampEvery = latencyEvery != null ? latencyEvery : search ? 1000 : 0;
        final FrameSizeMix mix;
        final TrafficSpec traffic;
        final FrameTemplates[] templates;
        try
        {
            mix = FrameSizeMix.parse(imix ? FrameSizeMix.SIMPLE_IMIX : size);
            traffic = traffic();
            templates = new FrameTemplates[mix.sizes().length];
            for (int i = 0; i < templates.length; i++)
            {
                try
                {
                    templates[i] = new FrameTemplates(arena, traffic, mix.sizes()[i]);
                    if (stampEvery > 0 && templates[i].stampOffset < 0)
                    {
                        throw new IllegalArgumentException("--size " + mix.sizes()[i] + ": no room for a latency stamp " +
                            "(16 bytes of UDP payload); use larger frames or --latency-every 0");
                    }
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException(ex.getMessage() + (ipv6 && mix.minSize() < 66 ?
                        " (IPv6/UDP needs frames of 66 bytes or more, 82 with latency stamps; the simple IMIX's 64 cannot be" +
                        " IPv6: give sizes, e.g. --size 82:7,594:4,1518:1)" : ""));
                }
            }
            if (idleParkMicros < 0 || idleParkMicros > 0 && ratePps == 0)
            {
                throw new IllegalArgumentException("--idle-park-us must be >= 0, and needs a paced run (--rate-pps)");
            }
            if (goFile != null && (stopFile == null || search))
            {
                throw new IllegalArgumentException("--go-file needs --stop-file (which ends each run) and is not for --search");
            }
            if (stampEvery < 0 || burst < 1 || burst > 64 || drainMillis < 0 || durationSeconds < 1 && search)
            {
                throw new IllegalArgumentException("--latency-every, --burst (1..64), --drain-ms or --duration out of range");
            }
            if (search && (resolution <= 0 || resolution >= 1 || lossTolerancePercent < 0 || maxTrials < 1 || rateTolerancePercent <= 0 ||
                attempts < 1))
            {
                throw new IllegalArgumentException("--resolution must be in (0, 1), --loss-tolerance >= 0, --rate-tolerance > 0, " +
                    "--max-trials and --attempts >= 1");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }

        Eal.init(new EalConfig(vdevs, pciDevices, !hugepages, memoryMb, filePrefix, false, "warning", ealArgs));
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
        if (goFile != null)
        {
            System.out.println("pktgen: links up; each run starts when " + goFile + " exists");
            System.out.flush();
        }

        final MemorySegment txArray = arena.allocate(JAVA_LONG, burst);
        final MemorySegment rxArray = arena.allocate(JAVA_LONG, 64);
        final int[] rxIds = rx.stream().mapToInt(EthPort::id).toArray();
        final EspSealer sealer = traffic.encapsulation().kind() == TrafficSpec.Kind.ESP ?
            new EspSealer(arena, traffic.encapsulation().espSpi(), HexFormat.of().parseHex(espKey),
                HexFormat.fromHexDigits(espSalt), espEsn, espFirstSeq) : null;
        final TrafficGenerator.RingFull onFull = ringFull != null ? ringFull :
            search ? TrafficGenerator.RingFull.DROP : TrafficGenerator.RingFull.RETRY;
        final TrafficGenerator generator = new TrafficGenerator(pool, tx.id(), rxIds, templates, mix, burst, sealer, stampEvery,
            onFull, txArray, rxArray, Eal.tscHz(), System.out, quiet || search);
        generator.idlePark(idleParkMicros * 1_000);
        final String config = config(mix, traffic, stampEvery, onFull);
        final String json;
        if (search)
        {
            json = search(generator, mix, config, all);
        }
        else
        {
            String last = null;
            while (goFile == null || awaitGo())
            {
                final TrafficGenerator.Trial trial = generator.run(ratePps, warmupSeconds, durationSeconds, drainMillis, stopFile);
                last = String.format(Locale.ROOT, "{\"size\":%d,\"flows\":%d,\"seconds\":%d,%s,\"mean_size\":%.2f,\"config\":%s}",
                    Math.round(mix.meanSize()), flows, Math.max(1, Math.round(trial.seconds())), trial.jsonMembers(), mix.meanSize(),
                    config);
                if (trial.latency() != null && !quiet)
                {
                    System.out.println(LatencyStamps.line(trial.latency()));
                }
                if (goFile == null)
                {
                    break;
                }
                System.out.println(last);
                System.out.flush();
                Files.deleteIfExists(stopFile);
            }
            json = last;
        }
        if (goFile == null)
        {
            System.out.println(json);
        }
        if (jsonOut != null && json != null)
        {
            Files.writeString(jsonOut, json + "\n");
        }
        if (sealer != null)
        {
            sealer.close();
        }
        for (final EthPort port : all)
        {
            port.stop();
        }
        return 0;
    }

    /** Waits for the go file (and takes it): true to run, false if the stop file came first (the generator ends). */
    private boolean awaitGo() throws IOException
    {
        while (!Files.exists(goFile))
        {
            if (Files.exists(stopFile))
            {
                Files.deleteIfExists(stopFile);
                return false;
            }
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        Files.delete(goFile);
        return true;
    }

    private TrafficSpec traffic()
    {
        final TrafficSpec.IpAddress src = TrafficSpec.IpAddress.parse(ipv6 ? srcIp6 : srcIp);
        final TrafficSpec.IpAddress dst = TrafficSpec.IpAddress.parse(ipv6 ? dstIp6 : dstIp);
        if (src.v6() != ipv6 || dst.v6() != ipv6)
        {
            throw new IllegalArgumentException(ipv6 ? "--src-ip6 and --dst-ip6 must be IPv6 addresses" :
                "--src-ip and --dst-ip must be IPv4 addresses");
        }
        final TrafficSpec.Encapsulation encapsulation = switch (encap.toLowerCase(Locale.ROOT))
        {
            case "none" -> TrafficSpec.Encapsulation.NONE;
            case "gre" -> new TrafficSpec.Encapsulation(TrafficSpec.Kind.GRE, TrafficSpec.IpAddress.parse(tunnelSrc),
                TrafficSpec.IpAddress.parse(tunnelDst), greKey == null ? -1 : Long.decode(greKey) & 0xFFFF_FFFFL, 0);
            case "esp" ->
            {
                if (espKey == null || espSalt == null)
                {
                    throw new IllegalArgumentException("--encap esp needs --esp-key and --esp-salt (the device's inbound SA)");
                }
                final int keyLength = espKey.length() / 2;
                if (espKey.length() % 2 != 0 || keyLength != 16 && keyLength != 24 && keyLength != 32 || espSalt.length() != 8)
                {
                    throw new IllegalArgumentException("--esp-key must be 16, 24 or 32 bytes and --esp-salt 4 bytes, in hex");
                }
                HexFormat.of().parseHex(espKey);
                HexFormat.of().parseHex(espSalt);
                yield new TrafficSpec.Encapsulation(TrafficSpec.Kind.ESP, TrafficSpec.IpAddress.parse(tunnelSrc),
                    TrafficSpec.IpAddress.parse(tunnelDst), -1, Long.decode(espSpi) & 0xFFFF_FFFFL);
            }
            default -> throw new IllegalArgumentException("--encap " + encap + ": expected none, gre or esp");
        };
        return new TrafficSpec(EthernetHeader.parseMac(dstMac), EthernetHeader.parseMac(srcMac), src, srcCount, dst, dstCount,
            flows, dstPort, encapsulation);
    }

    private String config(final FrameSizeMix mix, final TrafficSpec traffic, final int stampEvery, final TrafficGenerator.RingFull onFull)
    {
        return String.format(Locale.ROOT,
            "{\"sizes\":%s,\"mean_size\":%.2f,\"traffic\":%s,\"rate_pps\":%d,\"burst\":%d,\"warmup\":%d,\"duration\":%d," +
            "\"drain_ms\":%d,\"latency_every\":%d,\"ring_full\":\"%s\"%s}",
            mix.json(), mix.meanSize(), traffic.json(), ratePps, burst, warmupSeconds, durationSeconds, drainMillis, stampEvery,
            onFull.name().toLowerCase(Locale.ROOT),
            traffic.encapsulation().kind() == TrafficSpec.Kind.ESP ?
                String.format(Locale.ROOT, ",\"esp_esn\":%b,\"esp_first_seq\":%d", espEsn, espFirstSeq) : "");
    }

    /** The RFC 2544 search; returns its JSON and prints a line per trial. */
    private String search(final TrafficGenerator generator, final FrameSizeMix mix, final String config, final List<EthPort> ports)
    {
        String calibration = "null";
        long maxPps = ratePps;
        if (maxPps == 0)
        {
            // No line rate on a virtual link: the highest rate is what this generator can offer.
            final TrafficGenerator.Trial max = generator.run(0, 0, durationSeconds, drainMillis, null);
            maxPps = (long)max.offeredPps();
            calibration = "{" + max.jsonMembers() + "}";
            System.out.printf(Locale.ROOT, "highest rate the generator offers: %d pps%n", maxPps);
        }
        if (warmupSeconds > 0)
        {
            generator.run(maxPps, warmupSeconds, 0, drainMillis, null);
        }
        final Rfc2544Search.Settings settings = new Rfc2544Search.Settings(maxPps, resolution, 1, lossTolerancePercent, maxTrials,
            rateTolerancePercent, attempts);
        final Rfc2544Search.Result<TrafficGenerator.Trial> result = new Rfc2544Search<TrafficGenerator.Trial>(settings).search(
            rate ->
            {
                final TrafficGenerator.Trial trial = generator.run(rate, 0, durationSeconds, drainMillis, stopFile);
                for (final EthPort port : ports)
                {
                    if (!port.linkUp())
                    {
                        // A dead device under test loses everything: the search would go on and report 0.
                        throw new IllegalStateException("link of " + port + " went down during a trial at " + rate +
                            " pps; the device under test stopped?");
                    }
                }
                return trial;
            },
            step ->
            {
                for (final TrafficGenerator.Trial discarded : step.discarded())
                {
                    System.out.printf(Locale.ROOT, "trial %2d: %s  discarded: offered too little or too much, run again%n",
                        step.number(), trialLine(discarded));
                }
                System.out.printf(Locale.ROOT, "trial %2d: %s: %s%s  [%d, %d]  %s%n", step.number(), trialLine(step.trial()),
                    step.passed() ? "pass" : "FAIL", step.accurate() ? "" : step.passed() ?
                        " (offered rate still off after " + attempts + " attempts)" : " (offered less, and lost frames even so)",
                    step.lowPps(), step.highPps(), step.trial().latency() == null ? "" : LatencyStamps.line(step.trial().latency()));
            });
        final StringBuilder trials = new StringBuilder("[");
        for (final Rfc2544Search.Step<TrafficGenerator.Trial> step : result.steps())
        {
            final StringBuilder discarded = new StringBuilder("[");
            for (final TrafficGenerator.Trial trial : step.discarded())
            {
                discarded.append(discarded.length() > 1 ? "," : "").append('{').append(trial.jsonMembers()).append('}');
            }
            discarded.append(']');
            trials.append(trials.length() > 1 ? "," : "").append(String.format(Locale.ROOT,
                "{\"trial\":%d,\"passed\":%b,\"accurate\":%b,\"low_pps\":%d,\"high_pps\":%d,%s,\"discarded\":%s}", step.number(),
                step.passed(), step.accurate(), step.lowPps(), step.highPps(), step.trial().jsonMembers(), discarded));
        }
        trials.append(']');
        System.out.printf(Locale.ROOT, "throughput (RFC 2544, loss <= %s%%): %d pps = %.2f Mbit/s of %.1f-byte frames%s; %s%n",
            lossTolerancePercent, result.throughputPps(), result.throughputPps() * mix.meanSize() * 8 / 1e6, mix.meanSize(),
            result.converged() ? "" : " (NOT converged: --max-trials reached)",
            result.best() == null || result.best().latency() == null ? "" : LatencyStamps.line(result.best().latency()));
        return String.format(Locale.ROOT,
            "{\"mode\":\"rfc2544-search\",\"config\":%s,\"search\":{\"max_pps\":%d,\"resolution\":%s,\"loss_tolerance_pct\":%s," +
            "\"rate_tolerance_pct\":%s,\"attempts\":%d,\"trial_seconds\":%d,\"max_trials\":%d},\"calibration\":%s," +
            "\"throughput_pps\":%d,\"throughput_mbps\":%.3f,\"converged\":%b,\"result\":%s,\"trials\":%s}",
            config, settings.maxPps(), resolution, lossTolerancePercent, rateTolerancePercent, attempts, durationSeconds,
            maxTrials, calibration, result.throughputPps(), result.throughputPps() * mix.meanSize() * 8 / 1e6, result.converged(),
            result.best() == null ? "null" : "{" + result.best().jsonMembers() + "}", trials);
    }

    private static String trialLine(final TrafficGenerator.Trial trial)
    {
        return String.format(Locale.ROOT, "%10d pps configured, %12.1f offered (%+.2f%%), %10d received, %8d lost (%.4f%%)",
            trial.ratePps(), trial.offeredPps(), 100.0 * (trial.offeredPps() - trial.ratePps()) / trial.ratePps(), trial.rx(),
            trial.lost(), trial.lossPercent());
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
}
