package io.flowlane.perf.jmh;

import io.flowlane.controlplane.channel.TelemetryGroups;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.NextHopKind;
import io.flowlane.controlplane.sbe.RouteAddDecoder;
import io.flowlane.controlplane.sbe.RouteAddEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.sbe.TelemetryReportEncoder;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SBE codecs of the control channel (controlplane/src/main/resources/sbe/flowlane-control.xml),
 * per message, on the generated flyweights over a direct buffer, as the control thread and
 * the client use them:
 *
 * <ul>
 * <li>{@code RouteAdd} of an IPv6 /48 with 4 ECMP next hops, each with a gateway, a weight and an
 *     interface name (186 bytes with the header);</li>
 * <li>{@code TelemetryReport} of an appliance with 2 workers, 2 ports, 4 named tunnels and the 6
 *     latency percentiles (608 bytes).</li>
 * </ul>
 *
 * <p>Decoding reads every field, the names included. {@link #decodeRouteAdd} does what
 * CommandApplier does with a command: checks the header (schema id, version, template) and the
 * block length, walks the message once to check its true length against the frame
 * ({@code sbeDecodedLength}), re-wraps and reads; {@link #decodeRouteAddNoLengthCheck} leaves
 * the walk out, to show what it costs. {@link #decodeTelemetryReport} does what ControlClient does
 * with a report: checks template and schema id, wraps, reads. Names are copied into a reused byte
 * array and encoded from byte arrays: the generated {@code String} accessors
 * ({@code interfaceName()}, {@code name(String)}) allocate a {@code String} or a {@code byte[]}
 * per call, which CommandApplier and Telemetry do today (names become {@code NextHop} fields),
 * and which is left out here to measure the codec. The timestamps are constants:
 * {@code System.nanoTime()} costs about as much as an encoding on this VM (a slow rdtsc).
 *
 * <pre>./flowlane java org.openjdk.jmh.Main ControlCodecBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ControlCodecBenchmark
{
    static final int HOPS = 4;
    static final int WORKERS = 2;
    static final int PORTS = 2;
    static final int TUNNELS = 4;
    static final long PREFIX_HI = 0x2001_0db8_1234_0000L;
    /** Stands in for System.nanoTime() (see the class comment). */
    static final long NOW = 1_000_000_000_000L;
    static final double[] PERCENTILES = {50.0, 90.0, 99.0, 99.9, 99.99, 100.0};

    private final UnsafeBuffer routeAddFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer telemetryFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RouteAddEncoder routeAddEncoder = new RouteAddEncoder();
    private final RouteAddDecoder routeAddDecoder = new RouteAddDecoder();
    private final TelemetryReportEncoder telemetryEncoder = new TelemetryReportEncoder();
    private final TelemetryReportDecoder telemetryDecoder = new TelemetryReportDecoder();
    private final byte[][] interfaceNames = new byte[HOPS][];
    private final byte[][] tunnelNames = new byte[TUNNELS][];
    private final byte[] name = new byte[64];
    private int routeAddLength;
    private int telemetryLength;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < HOPS; i++)
        {
            interfaceNames[i] = ("uplink-" + i).getBytes(StandardCharsets.UTF_8);
        }
        for (int i = 0; i < TUNNELS; i++)
        {
            tunnelNames[i] = ("gre-site-" + (char)('a' + i)).getBytes(StandardCharsets.UTF_8);
        }
        routeAddLength = encodeRouteAdd(routeAddFrame, 1);
        telemetryLength = encodeTelemetry(telemetryFrame, 1);
        System.out.printf("%nRouteAdd %d bytes, TelemetryReport %d bytes%n", routeAddLength, telemetryLength);
        // What decoding reads is what encoding wrote.
        decodeRouteAdd(routeAddFrame, routeAddLength, true);
        final RouteAddDecoder.NextHopsDecoder hops = routeAddDecoder.sbeRewind().nextHops();
        String lastInterface = null;
        while (hops.hasNext())
        {
            lastInterface = hops.next().interfaceName();
            hops.skipTunnelName();
        }
        if (routeAddDecoder.prefixHi() != PREFIX_HI || hops.count() != HOPS || !"uplink-3".equals(lastInterface))
        {
            throw new IllegalStateException("RouteAdd did not decode to what was encoded");
        }
        decodeTelemetry(telemetryFrame);
        final TelemetryReportDecoder.TunnelsDecoder tunnels = TelemetryGroups.tunnels(telemetryDecoder.sbeRewind());
        if (tunnels.count() != TUNNELS || !"gre-site-a".equals(tunnels.next().name()))
        {
            throw new IllegalStateException("TelemetryReport did not decode to what was encoded");
        }
    }

    private int encodeRouteAdd(final UnsafeBuffer buffer, final long correlationId)
    {
        routeAddEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .sentNanos(NOW + correlationId)
            .family((short)6)
            .prefixLength((short)48)
            .prefixHi(PREFIX_HI)
            .prefixLo(0);
        final RouteAddEncoder.NextHopsEncoder hops = routeAddEncoder.nextHopsCount(HOPS);
        for (int i = 0; i < HOPS; i++)
        {
            final byte[] itf = interfaceNames[i];
            hops.next()
                .kind(NextHopKind.VIA)
                .weight(100 + i)
                .gatewayHi(0xFE80_0000_0000_0000L)
                .gatewayLo(0x0200_5EFF_FE00_0001L + i)
                .putInterfaceName(itf, 0, itf.length)
                .putTunnelName(name, 0, 0);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + routeAddEncoder.encodedLength();
    }

    private int encodeTelemetry(final UnsafeBuffer buffer, final long sequence)
    {
        telemetryEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .sequence(sequence)
            .timestampNanos(NOW + sequence)
            .epochMillis(1_764_000_000_000L + sequence)
            .intervalNanos(100_000_000L)
            .mbufsInUse(1234)
            .mbufsTotal(16383)
            .updatesApplied(sequence * 3)
            .updatesRejected(sequence & 7);
        final TelemetryReportEncoder.WorkersEncoder workers = telemetryEncoder.workersCount(WORKERS);
        for (int w = 0; w < WORKERS; w++)
        {
            workers.next()
                .worker(w)
                .rxPackets(sequence * 1_000_003L + w)
                .txPackets(sequence * 1_000_001L + w)
                .dropPackets(sequence + w)
                .rxPacketsPerSecond(7.5e6 + w)
                .busyRatio(0.8f)
                .busyCyclesPerPacket(130.5f);
        }
        final TelemetryReportEncoder.PortsEncoder ports = telemetryEncoder.portsCount(PORTS);
        for (int p = 0; p < PORTS; p++)
        {
            ports.next()
                .port(p)
                .rxPackets(sequence * 999_983L + p)
                .txPackets(sequence * 999_979L + p)
                .rxMissed(p)
                .rxNoMbuf(0)
                .txErrors(0);
        }
        final TelemetryReportEncoder.TunnelsEncoder tunnels = telemetryEncoder.tunnelsCount(TUNNELS);
        for (int t = 0; t < TUNNELS; t++)
        {
            final byte[] tunnel = tunnelNames[t];
            tunnels.next()
                .txPackets(sequence * 20_000L + t)
                .txBytes(sequence * 20_000L * 1400 + t)
                .rxPackets(sequence * 19_999L + t)
                .rxBytes(sequence * 19_999L * 1400 + t)
                .transitNanos(180.25 + t)
                .tunnelId(t)
                .bandwidthBitsPerSecond(1_000_000_000L)
                .putName(tunnel, 0, tunnel.length);
        }
        final TelemetryReportEncoder.UpdateLatencyEncoder latency = telemetryEncoder.updateLatencyCount(PERCENTILES.length);
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            latency.next().percentile(PERCENTILES[i]).nanos(10_000L << i);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + telemetryEncoder.encodedLength();
    }

    /** CommandApplier's header check: our schema, our version; returns the template id. */
    private int header(final UnsafeBuffer buffer, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new IllegalStateException("short frame");
        }
        headerDecoder.wrap(buffer, 0);
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID || headerDecoder.version() != MessageHeaderDecoder.SCHEMA_VERSION)
        {
            throw new IllegalStateException("not our schema");
        }
        return headerDecoder.templateId();
    }

    /** Every field and name of the RouteAdd in {@code buffer}, folded into one number. */
    private long decodeRouteAdd(final UnsafeBuffer buffer, final int length, final boolean checkLength)
    {
        if (header(buffer, length) != RouteAddDecoder.TEMPLATE_ID)
        {
            throw new IllegalStateException("not a RouteAdd");
        }
        final int blockLength = headerDecoder.blockLength();
        final RouteAddDecoder m = routeAddDecoder;
        if (blockLength != m.sbeBlockLength())
        {
            throw new IllegalStateException("RouteAdd block length");
        }
        m.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, MessageHeaderDecoder.SCHEMA_VERSION);
        if (checkLength)
        {
            if (MessageHeaderDecoder.ENCODED_LENGTH + m.sbeDecodedLength() != length)
            {
                throw new IllegalStateException("RouteAdd length");
            }
            m.wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, MessageHeaderDecoder.SCHEMA_VERSION);
        }
        long sum = m.correlationId() + m.sentNanos() + m.family() + m.prefixLength() + m.prefixHi() + m.prefixLo();
        final RouteAddDecoder.NextHopsDecoder hops = m.nextHops();
        while (hops.hasNext())
        {
            hops.next();
            sum += hops.kind().value() + hops.weight() + hops.gatewayHi() + hops.gatewayLo();
            sum += hops.getInterfaceName(name, 0, Math.min(hops.interfaceNameLength(), name.length)) + name[0];
            sum += hops.getTunnelName(name, 0, Math.min(hops.tunnelNameLength(), name.length));
        }
        return sum;
    }

    /** Every field and name of the TelemetryReport in {@code buffer}, folded into one number. */
    private long decodeTelemetry(final UnsafeBuffer buffer)
    {
        headerDecoder.wrap(buffer, 0);
        if (headerDecoder.templateId() != TelemetryReportDecoder.TEMPLATE_ID || headerDecoder.schemaId() != TelemetryReportDecoder.SCHEMA_ID)
        {
            throw new IllegalStateException("not a TelemetryReport");
        }
        final TelemetryReportDecoder m = telemetryDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
        long sum = m.sequence() + m.timestampNanos() + m.epochMillis() + m.intervalNanos() + m.mbufsInUse() + m.mbufsTotal() +
            m.updatesApplied() + m.updatesRejected();
        final TelemetryReportDecoder.WorkersDecoder workers = m.workers();
        while (workers.hasNext())
        {
            workers.next();
            sum += workers.worker() + workers.rxPackets() + workers.txPackets() + workers.dropPackets() +
                (long)workers.rxPacketsPerSecond() + Float.floatToRawIntBits(workers.busyRatio()) +
                Float.floatToRawIntBits(workers.busyCyclesPerPacket());
        }
        final TelemetryReportDecoder.PortsDecoder ports = m.ports();
        while (ports.hasNext())
        {
            ports.next();
            sum += ports.port() + ports.rxPackets() + ports.txPackets() + ports.rxMissed() + ports.rxNoMbuf() + ports.txErrors();
        }
        final TelemetryReportDecoder.TunnelsDecoder tunnels = m.tunnels();
        while (tunnels.hasNext())
        {
            tunnels.next();
            sum += tunnels.txPackets() + tunnels.txBytes() + tunnels.rxPackets() + tunnels.rxBytes() +
                Double.doubleToRawLongBits(tunnels.transitNanos()) + tunnels.tunnelId() + tunnels.bandwidthBitsPerSecond();
            sum += tunnels.getName(name, 0, Math.min(tunnels.nameLength(), name.length)) + name[0];
        }
        final TelemetryReportDecoder.UpdateLatencyDecoder latency = m.updateLatency();
        while (latency.hasNext())
        {
            latency.next();
            sum += Double.doubleToRawLongBits(latency.percentile()) + latency.nanos();
        }
        return sum;
    }

    @Benchmark
    public int encodeRouteAdd()
    {
        return encodeRouteAdd(out, ++sequence);
    }

    @Benchmark
    public long decodeRouteAdd()
    {
        return decodeRouteAdd(routeAddFrame, routeAddLength, true);
    }

    @Benchmark
    public long decodeRouteAddNoLengthCheck()
    {
        return decodeRouteAdd(routeAddFrame, routeAddLength, false);
    }

    @Benchmark
    public int encodeTelemetryReport()
    {
        return encodeTelemetry(out, ++sequence);
    }

    @Benchmark
    public long decodeTelemetryReport()
    {
        return decodeTelemetry(telemetryFrame);
    }
}
