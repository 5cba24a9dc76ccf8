package io.flowlane.controlplane.channel;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.flowlane.controlplane.sbe.AckDecoder;
import io.flowlane.controlplane.sbe.AckStatus;
import io.flowlane.controlplane.sbe.BooleanType;
import io.flowlane.controlplane.sbe.CommandEncoder;
import io.flowlane.controlplane.sbe.CommandKind;
import io.flowlane.controlplane.sbe.EntityKind;
import io.flowlane.controlplane.sbe.FailurePredictionEncoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.controlplane.sbe.NextHopKind;
import io.flowlane.controlplane.sbe.RouteAddEncoder;
import io.flowlane.controlplane.sbe.RouteDeleteEncoder;
import io.flowlane.controlplane.sbe.SaDirection;
import io.flowlane.controlplane.sbe.SteeringBucketsEncoder;
import io.flowlane.controlplane.sbe.SteeringWeightsEncoder;
import io.flowlane.controlplane.sbe.TelemetryReportDecoder;
import io.flowlane.controlplane.sbe.TunnelCreateEncoder;
import io.flowlane.controlplane.sbe.TunnelDeleteEncoder;
import io.flowlane.controlplane.sbe.TunnelProtocol;
import io.flowlane.controlplane.sbe.TunnelScaleEncoder;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.tunnels.EspTunnel;
import io.flowlane.tunnels.GreTunnel;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The controller's end of the control channel: encodes commands (SBE, straight into the send
 * buffer), signs them for UDP, and reads acknowledgements and telemetry. One thread uses a
 * client (as an Aeron publication's owner would); the control plane, the CLI and tests use it.
 */
public final class ControlClient implements AutoCloseable
{
    /**
     * How to reach a data plane.
     *
     * @param aeronDirectory the media driver to use (for IPC: the data plane's)
     * @param launchDriver   start an embedded media driver in that directory (a remote controller's own)
     * @param dataPlane      UDP: the data plane's listen address; null for IPC
     * @param controller     UDP: our address, where acknowledgements and telemetry arrive; null for IPC,
     *                       or for a UDP client that only sends
     * @param hmacKey        UDP: the shared frame authentication key
     * @param keyEncryptionKey the key SA keys are wrapped under (ESP tunnel creates need it)
     */
    public record Config(String aeronDirectory, boolean launchDriver, String dataPlane, String controller, byte[] hmacKey,
        byte[] keyEncryptionKey)
    {
        public static Config ipc(final String aeronDirectory, final byte[] keyEncryptionKey)
        {
            return new Config(aeronDirectory, false, null, null, null, keyEncryptionKey);
        }

        boolean udp()
        {
            return dataPlane != null;
        }
    }

    /** An acknowledgement as received (copied out of the buffer: the client side is not the packet path). */
    public record Ack(long correlationId, boolean applied, int templateId, long appliedNanos, long latencyNanos, String field,
        String reason)
    {
    }

    private static final int FRAGMENT_LIMIT = 256;

    private final Config config;
    private final MediaDriver driver;
    private final Aeron aeron;
    private final Publication commands;
    private final Subscription acks;
    private final Subscription telemetry;
    private final String responseChannel;
    private Subscription captured;
    private final FrameAuthenticator authenticator;
    private final KeyWrap keyWrap;
    private final long correlationPrefix;
    private long nextCorrelation;
    private int lastFrameLength;
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RouteAddEncoder routeAdd = new RouteAddEncoder();
    private final RouteDeleteEncoder routeDelete = new RouteDeleteEncoder();
    private final TunnelCreateEncoder tunnelCreate = new TunnelCreateEncoder();
    private final TunnelScaleEncoder tunnelScale = new TunnelScaleEncoder();
    private final TunnelDeleteEncoder tunnelDelete = new TunnelDeleteEncoder();
    private final SteeringWeightsEncoder steering = new SteeringWeightsEncoder();
    private final SteeringBucketsEncoder steeringBuckets = new SteeringBucketsEncoder();
    private final FailurePredictionEncoder prediction = new FailurePredictionEncoder();
    private final CommandEncoder command = new CommandEncoder();
    private final io.flowlane.controlplane.sbe.FaultInjectionEncoder faultInjection = new io.flowlane.controlplane.sbe.FaultInjectionEncoder();
    private final MessageHeaderDecoder inHeader = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final io.flowlane.controlplane.sbe.ListingDecoder listingDecoder = new io.flowlane.controlplane.sbe.ListingDecoder();
    private long listingFor;
    private Listing lastListing;
    private final TelemetryReportDecoder telemetryDecoder = new TelemetryReportDecoder();
    private Consumer<Ack> ackSink;
    private Consumer<TelemetryReportDecoder> telemetrySink;
    private final FragmentAssembler ackAssembler = new FragmentAssembler(this::onAck);
    private final FragmentAssembler telemetryAssembler = new FragmentAssembler(this::onTelemetry);

    private ControlClient(final Config config)
    {
        this.config = config;
        // Keys first: a bad key must fail before anything (driver, client) is started.
        authenticator = config.hmacKey() == null ? null : new FrameAuthenticator(config.hmacKey());
        keyWrap = config.keyEncryptionKey() == null ? null : new KeyWrap(config.keyEncryptionKey());
        MediaDriver launched = null;
        Aeron client = null;
        try
        {
            if (config.launchDriver())
            {
                launched = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(config.aeronDirectory())
                    .dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 100_000)));
            }
            client = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDirectory()));
            final String commandChannel = config.udp() ? "aeron:udp?endpoint=" + config.dataPlane() : "aeron:ipc";
            responseChannel = config.udp() ? "aeron:udp?endpoint=" + config.controller() : "aeron:ipc";
            commands = client.addPublication(commandChannel, ControlChannelConfig.COMMAND_STREAM);
            // A UDP sender without its own address only sends (the data plane answers its one controller).
            final boolean listens = !config.udp() || config.controller() != null;
            acks = listens ? client.addSubscription(responseChannel, ControlChannelConfig.ACK_STREAM) : null;
            telemetry = listens ? client.addSubscription(responseChannel, ControlChannelConfig.TELEMETRY_STREAM) : null;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(client, launched);
            throw ex;
        }
        driver = launched;
        aeron = client;
        // Acks go to every controller listening: a random prefix keeps our correlation ids apart.
        correlationPrefix = (new SecureRandom().nextLong() & 0x7FFFFFL) << 40;
    }

    public static ControlClient connect(final Config config)
    {
        return new ControlClient(config);
    }

    /** Waits until the data plane's subscription and our ack subscription are connected. */
    public ControlClient awaitConnected(final long timeoutMillis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!commands.isConnected() || acks != null && !acks.isConnected())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("no data plane on the control channel after " + timeoutMillis + " ms (" +
                    (commands.isConnected() ? "acks" : "commands") + " not connected)");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return this;
    }

    /**
     * Whether the data plane's command subscription is connected now. Sending to one that is not
     * (a stopped or dead appliance) waits up to 10 s for it and then throws: a controller of several
     * appliances asks first.
     */
    public boolean connected()
    {
        return commands.isConnected();
    }

    // ---- commands: each returns its correlation id ----

    public long routeAdd(final int family, final long prefixHi, final long prefixLo, final int length, final List<NextHop> nextHops)
    {
        final long id = correlationId();
        routeAdd.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(id).sentNanos(System.nanoTime())
            .family((short)family).prefixLength((short)length).prefixHi(prefixHi).prefixLo(prefixLo);
        final RouteAddEncoder.NextHopsEncoder hops = routeAdd.nextHopsCount(nextHops.size());
        for (final NextHop hop : nextHops)
        {
            checkWeight(hop.weight());
            hops.next()
                .kind(NextHopKind.valueOf(hop.kind().name()))
                .weight(hop.weight())
                .gatewayHi(hop.gatewayHi())
                .gatewayLo(hop.gatewayLo())
                .interfaceName(hop.interfaceName() == null ? "" : hop.interfaceName())
                .tunnelName(hop.tunnel() == null ? "" : hop.tunnel());
        }
        return send(id, routeAdd.encodedLength());
    }

    public long routeDelete(final int family, final long prefixHi, final long prefixLo, final int length)
    {
        final long id = correlationId();
        routeDelete.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(id).sentNanos(System.nanoTime())
            .family((short)family).prefixLength((short)length).prefixHi(prefixHi).prefixLo(prefixLo);
        return send(id, routeDelete.encodedLength());
    }

    /** Creates a tunnel; ESP SA keys are wrapped under the key-encryption key before they leave. */
    public long tunnelCreate(final Tunnel tunnel)
    {
        final long id = correlationId();
        final TunnelCreateEncoder m = tunnelCreate.wrapAndApplyHeader(buffer, 0, header)
            .correlationId(id).sentNanos(System.nanoTime())
            .protocol(tunnel instanceof EspTunnel ? TunnelProtocol.ESP : TunnelProtocol.GRE)
            .family((short)tunnel.endpoints().family())
            .localHi(tunnel.endpoints().localHi()).localLo(tunnel.endpoints().localLo())
            .remoteHi(tunnel.endpoints().remoteHi()).remoteLo(tunnel.endpoints().remoteLo())
            .ttl((short)tunnel.endpoints().ttl())
            .mtu(tunnel.mtu())
            .bandwidthBitsPerSecond(tunnel.bandwidth());
        if (tunnel instanceof GreTunnel gre)
        {
            m.greKeyPresent(gre.key() >= 0 ? BooleanType.TRUE : BooleanType.FALSE).greKey(Math.max(0, gre.key()))
                .greSequence(gre.sequence() ? BooleanType.TRUE : BooleanType.FALSE)
                .greChecksum(gre.checksum() ? BooleanType.TRUE : BooleanType.FALSE);
            m.securityAssociationsCount(0);
            m.selectorsCount(0);
        }
        else
        {
            final EspTunnel esp = (EspTunnel)tunnel;
            m.greKeyPresent(BooleanType.FALSE).greKey(0).greSequence(BooleanType.FALSE).greChecksum(BooleanType.FALSE);
            if (keyWrap == null)
            {
                throw new IllegalStateException("key-encryption-key: this client has none, so it cannot send SA keys");
            }
            final TunnelCreateEncoder.SecurityAssociationsEncoder sas = m.securityAssociationsCount(2);
            sa(sas.next(), esp.outbound(), false);
            sa(sas.next(), esp.inbound(), true);
            final TunnelCreateEncoder.SelectorsEncoder selectors = m.selectorsCount(esp.selectors().size());
            for (final TrafficSelector selector : esp.selectors())
            {
                selectors.next().family((short)selector.family())
                    .localLength((short)selector.localLength()).remoteLength((short)selector.remoteLength())
                    .localHi(selector.localHi()).localLo(selector.localLo())
                    .remoteHi(selector.remoteHi()).remoteLo(selector.remoteLo());
            }
        }
        m.name(tunnel.name());
        return send(id, m.encodedLength());
    }

    private void sa(final TunnelCreateEncoder.SecurityAssociationsEncoder sa, final SecurityAssociation association,
        final boolean inbound)
    {
        final byte[] key = association.key();
        final byte[] wrapped = keyWrap.wrap(key, association.spi(), inbound);
        java.util.Arrays.fill(key, (byte)0);
        sa.direction(inbound ? SaDirection.INBOUND : SaDirection.OUTBOUND)
            .spi(association.spi())
            .salt(association.salt() & 0xFFFF_FFFFL)
            .esn(association.extendedSequence() ? BooleanType.TRUE : BooleanType.FALSE)
            .replayWindow(association.replayWindow())
            .lifetimePackets(association.lifetimePackets())
            .lifetimeBytes(association.lifetimeBytes())
            .putWrappedKey(wrapped, 0, wrapped.length);
    }

    /** Throttles (or releases, 0 bit/s) a traffic class: its policed rate and burst across all workers. */
    public long classRate(final String name, final long bitsPerSecond, final long burstBytes)
    {
        final long id = correlationId();
        final var m = new io.flowlane.controlplane.sbe.ClassRateEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(id).sentNanos(System.nanoTime()).bitsPerSecond(bitsPerSecond).burstBytes(burstBytes).name(name);
        return send(id, m.encodedLength());
    }

    public long tunnelScale(final String name, final long bitsPerSecond)
    {
        final long id = correlationId();
        tunnelScale.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime())
            .bandwidthBitsPerSecond(bitsPerSecond).name(name);
        return send(id, tunnelScale.encodedLength());
    }

    public long tunnelDelete(final String name)
    {
        final long id = correlationId();
        tunnelDelete.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime()).name(name);
        return send(id, tunnelDelete.encodedLength());
    }

    /** New weights for an existing route's next hops, in the route's order. */
    public long steeringWeights(final int family, final long prefixHi, final long prefixLo, final int length, final int... weights)
    {
        final long id = correlationId();
        steering.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime())
            .family((short)family).prefixLength((short)length).prefixHi(prefixHi).prefixLo(prefixLo);
        final SteeringWeightsEncoder.WeightsEncoder group = steering.weightsCount(weights.length);
        for (final int weight : weights)
        {
            checkWeight(weight);
            group.next().weight(weight);
        }
        return send(id, steering.encodedLength());
    }

    /**
     * Pins an existing route's flow-hash buckets to its next hops: {@code memberOfBucket[b]} is the
     * index, in the route's order, of the next hop that the flows of bucket {@code b}
     * ({@code flowHash & (buckets - 1)}) take; one byte for each of the route's ECMP buckets (256
     * unless the appliance's config says otherwise).
     */
    public long steeringBuckets(final int family, final long prefixHi, final long prefixLo, final int length,
        final byte[] memberOfBucket)
    {
        final long id = correlationId();
        steeringBuckets.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime())
            .family((short)family).prefixLength((short)length).prefixHi(prefixHi).prefixLo(prefixLo)
            .putMemberOfBucket(memberOfBucket, 0, memberOfBucket.length);
        return send(id, steeringBuckets.encodedLength());
    }

    public long failurePrediction(final EntityKind kind, final long entityId, final float probability, final long horizonMillis,
        final String reason)
    {
        final long id = correlationId();
        prediction.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime())
            .entityKind(kind).entityId(entityId).probability(probability).horizonMillis(horizonMillis).reason(reason);
        return send(id, prediction.encodedLength());
    }

    /** Slows down and drops a tunnel's packets (only if the data plane allows fault injection). */
    public long faultInjection(final String tunnel, final long delayNanos, final long dropPartsPerMillion)
    {
        final long id = correlationId();
        faultInjection.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime())
            .delayNanos(delayNanos).dropPartsPerMillion(dropPartsPerMillion)
            .target(io.flowlane.controlplane.sbe.FaultTarget.TUNNEL).stallMicrosPerMilli(0).name(tunnel);
        return send(id, faultInjection.encodedLength());
    }

    /**
     * Degrades the whole node (only if the data plane allows fault injection): its workers stall
     * {@code stallMicrosPerMilli} of every millisecond, spin {@code delayNanos} per packet and drop
     * packets with the given probability. All zero removes the fault.
     */
    public long nodeFault(final long delayNanos, final long dropPartsPerMillion, final int stallMicrosPerMilli)
    {
        final long id = correlationId();
        faultInjection.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime())
            .delayNanos(delayNanos).dropPartsPerMillion(dropPartsPerMillion)
            .target(io.flowlane.controlplane.sbe.FaultTarget.NODE).stallMicrosPerMilli(stallMicrosPerMilli).name("");
        return send(id, faultInjection.encodedLength());
    }

    /**
     * Starts a packet capture of the port named {@code port}; frames arrive on {@link #captureStream()},
     * which is opened here first so none is missed.
     */
    public long captureStart(final String port, final io.flowlane.controlplane.sbe.CaptureDirection direction, final int snapLength,
        final long maxFrames, final long durationMillis, final long timeoutMillis)
    {
        captureStream();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!captured.isConnected())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the appliance's capture stream did not connect in " + timeoutMillis + " ms");
            }
            Thread.yield();
        }
        final long id = correlationId();
        final var m = new io.flowlane.controlplane.sbe.CaptureStartEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(id).sentNanos(System.nanoTime()).direction(direction).snapLength(snapLength)
            .maxFrames(maxFrames).durationMillis(durationMillis).port(port);
        return send(id, m.encodedLength());
    }

    /** Ends the running capture early; its end record still arrives on the capture stream. */
    public long captureStop()
    {
        final long id = correlationId();
        final var m = new io.flowlane.controlplane.sbe.CaptureStopEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(id).sentNanos(System.nanoTime());
        return send(id, m.encodedLength());
    }

    /** The appliance's captured frames ({@code CapturedFrame} messages); opened on first use. */
    public Subscription captureStream()
    {
        if (captured == null)
        {
            captured = aeron.addSubscription(responseChannel, ControlChannelConfig.CAPTURE_STREAM);
        }
        return captured;
    }

    public long command(final CommandKind kind)
    {
        return command(kind, 0, 0);
    }

    /** A command with paging (SHOW_*: rows [offset, offset + limit), limit 0 = as many as allowed). */
    public long command(final CommandKind kind, final long offset, final long limit)
    {
        final long id = correlationId();
        command.wrapAndApplyHeader(buffer, 0, header).correlationId(id).sentNanos(System.nanoTime()).command(kind)
            .firstRow(offset).maxRows(limit);
        return send(id, command.encodedLength());
    }

    /** Rows of a listing: the header line, then one line a row (tab-separated), and how many rows there are in all. */
    public record Listing(long total, long offset, List<String> lines)
    {
    }

    /** Asks for a listing (SHOW_ROUTES, SHOW_INTERFACES, SHOW_SA) and waits for it and its ack. */
    public Listing listing(final CommandKind kind, final long offset, final long limit, final long timeoutMillis)
    {
        final long id = command(kind, offset, limit);
        listingFor = id;
        lastListing = null;
        try
        {
            final Ack ack = awaitAck(id, timeoutMillis);
            if (!ack.applied())
            {
                throw new IllegalArgumentException(ack.field() + ": " + ack.reason());
            }
            if (lastListing == null)
            {
                throw new IllegalStateException("the acknowledgement came without the listing");
            }
            return lastListing;
        }
        finally
        {
            listingFor = 0;
        }
    }

    /** Sends raw bytes as a frame (signed for UDP): for tests of what the data plane refuses. */
    public void sendRaw(final DirectBuffer bytes, final int offset, final int length)
    {
        buffer.putBytes(0, bytes, offset, length);
        offer(length - MessageHeaderEncoder.ENCODED_LENGTH);
    }

    /** The last frame sent exactly as it left (signed, for UDP): tests replay it with {@link #sendExact}. */
    byte[] lastFrame()
    {
        final byte[] frame = new byte[lastFrameLength];
        buffer.getBytes(0, frame);
        return frame;
    }

    /** Sends bytes as they are, unsigned and unchanged (a replay, as an attacker on the path could). */
    void sendExact(final byte[] frame)
    {
        buffer.putBytes(0, frame);
        publish(frame.length);
    }

    // ---- responses ----

    /** Delivers received acknowledgements to {@code sink}; returns how many fragments were read. */
    public int pollAcks(final Consumer<Ack> sink)
    {
        ackSink = sink;
        return acks == null ? 0 : acks.poll(ackAssembler, FRAGMENT_LIMIT);
    }

    /** Polls until the ack for {@code correlationId} arrives (others are dropped); throws after the timeout. */
    public Ack awaitAck(final long correlationId, final long timeoutMillis)
    {
        final Ack[] found = new Ack[1];
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (found[0] == null)
        {
            if (pollAcks(ack ->
            {
                if (ack.correlationId() == correlationId)
                {
                    found[0] = ack;
                }
            }) == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("no acknowledgement for " + correlationId + " in " + timeoutMillis + " ms");
                }
                Thread.yield();
            }
        }
        return found[0];
    }

    /** Delivers telemetry reports (the decoder is valid only during the call). */
    public int pollTelemetry(final Consumer<TelemetryReportDecoder> sink)
    {
        telemetrySink = sink;
        return telemetry == null ? 0 : telemetry.poll(telemetryAssembler, FRAGMENT_LIMIT);
    }

    private void onAck(final DirectBuffer in, final int offset, final int length, final io.aeron.logbuffer.Header frame)
    {
        inHeader.wrap(in, offset);
        if (inHeader.schemaId() != AckDecoder.SCHEMA_ID)
        {
            return;
        }
        if (inHeader.templateId() == io.flowlane.controlplane.sbe.ListingDecoder.TEMPLATE_ID)
        {
            listingDecoder.wrapAndApplyHeader(in, offset, inHeader);
            if (listingDecoder.correlationId() == listingFor && listingFor != 0)
            {
                final long total = listingDecoder.total();
                final long first = listingDecoder.firstRow();
                lastListing = new Listing(total, first, List.of(listingDecoder.rows().split("\n")));
            }
            return;
        }
        if (inHeader.templateId() != AckDecoder.TEMPLATE_ID)
        {
            return;
        }
        ackDecoder.wrapAndApplyHeader(in, offset, inHeader);
        final Ack ack = new Ack(ackDecoder.correlationId(), ackDecoder.status() == AckStatus.APPLIED, ackDecoder.templateId(),
            ackDecoder.appliedNanos(), ackDecoder.latencyNanos(), ackDecoder.field(), ackDecoder.reason());
        ackSink.accept(ack);
    }

    private void onTelemetry(final DirectBuffer in, final int offset, final int length, final io.aeron.logbuffer.Header frame)
    {
        inHeader.wrap(in, offset);
        if (inHeader.templateId() != TelemetryReportDecoder.TEMPLATE_ID || inHeader.schemaId() != TelemetryReportDecoder.SCHEMA_ID)
        {
            return;
        }
        telemetryDecoder.wrapAndApplyHeader(in, offset, inHeader);
        telemetrySink.accept(telemetryDecoder);
    }

    private static void checkWeight(final int weight)
    {
        if (weight < 0 || weight > 65535)
        {
            throw new IllegalArgumentException("weight: " + weight + " is outside 0..65535");
        }
    }

    private long correlationId()
    {
        return correlationPrefix | ++nextCorrelation;
    }

    private long send(final long correlationId, final int bodyLength)
    {
        offer(bodyLength);
        return correlationId;
    }

    /** Offers the message in the send buffer, waiting out back pressure (the caller wants it sent). */
    private void offer(final int bodyLength)
    {
        int length = MessageHeaderEncoder.ENCODED_LENGTH + bodyLength;
        if (authenticator != null)
        {
            length = authenticator.sign(buffer, 0, length);
        }
        publish(length);
    }

    private void publish(final int length)
    {
        lastFrameLength = length;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            final long result = commands.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || System.nanoTime() > deadline)
            {
                throw new IllegalStateException("control channel: cannot send (" + Publication.errorString(result) + ")");
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(commands, acks, telemetry, captured, aeron, driver);
    }
}
