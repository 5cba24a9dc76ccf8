package io.flowlane.controlplane.channel;

import io.flowlane.controlplane.sbe.CaptureStartDecoder;
import io.flowlane.controlplane.sbe.CaptureStopDecoder;
import io.flowlane.controlplane.sbe.ClassRateDecoder;
import io.flowlane.controlplane.sbe.CommandDecoder;
import io.flowlane.controlplane.sbe.FailurePredictionDecoder;
import io.flowlane.controlplane.sbe.FaultInjectionDecoder;
import io.flowlane.controlplane.sbe.FaultTarget;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.sbe.NextHopKind;
import io.flowlane.controlplane.sbe.RouteAddDecoder;
import io.flowlane.controlplane.sbe.RouteDeleteDecoder;
import io.flowlane.controlplane.sbe.SaDirection;
import io.flowlane.controlplane.sbe.SteeringBucketsDecoder;
import io.flowlane.controlplane.sbe.SteeringWeightsDecoder;
import io.flowlane.controlplane.sbe.TunnelCreateDecoder;
import io.flowlane.controlplane.sbe.TunnelDeleteDecoder;
import io.flowlane.controlplane.sbe.TunnelProtocol;
import io.flowlane.controlplane.sbe.TunnelScaleDecoder;
import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.ForwardingControl.RouteKey;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.EspTunnel;
import io.flowlane.tunnels.GreTunnel;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.TunnelTable;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one control message in place (SBE flyweights over the receive buffer), checks every
 * field, and applies it to the forwarding and tunnel tables. Runs on the data plane's control
 * thread, the tables' single writer. A message is either applied whole or rejected with the
 * field at fault and the reason; the tables' writers roll back what a refused change had taken,
 * so a rejection never leaves anything half-applied.
 */
public final class CommandApplier
{
    public static final int MAX_NEXT_HOPS = 64;
    public static final int MAX_NAME_BYTES = 63;
    public static final int MAX_SELECTORS = 64;
    public static final int MAX_REASON_BYTES = 1024;

    /** The result of {@link #apply}: reused for every message. */
    public static final class Outcome
    {
        public boolean applied;
        /** The change reached tables workers read: its ack waits for a grace period. */
        public boolean changedTables;
        public int templateId;
        public long correlationId;
        public long sentNanos;
        /** A {@code Command}'s kind, else -1. */
        public int command = -1;
        /** A {@code Command}'s paging (SHOW_*). */
        public int offset;
        public int limit;
        public String field = "";
        public String reason = "";

        void reset()
        {
            applied = false;
            changedTables = false;
            templateId = 0;
            correlationId = 0;
            sentNanos = 0;
            command = -1;
            offset = 0;
            limit = 0;
            field = "";
            reason = "";
        }
    }

    private final ForwardingControl forwarding;
    private final TunnelTable tunnels;
    private final KeyWrap keyWrap;
    private final int workers;
    private final int ports;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RouteAddDecoder routeAdd = new RouteAddDecoder();
    private final RouteDeleteDecoder routeDelete = new RouteDeleteDecoder();
    private final TunnelCreateDecoder tunnelCreate = new TunnelCreateDecoder();
    private final TunnelScaleDecoder tunnelScale = new TunnelScaleDecoder();
    private final TunnelDeleteDecoder tunnelDelete = new TunnelDeleteDecoder();
    private final SteeringWeightsDecoder steering = new SteeringWeightsDecoder();
    private final SteeringBucketsDecoder steeringBuckets = new SteeringBucketsDecoder();
    private final UnsafeBuffer memberOfBucket = new UnsafeBuffer(new byte[0]);
    private final FailurePredictionDecoder prediction = new FailurePredictionDecoder();
    private final CommandDecoder command = new CommandDecoder();
    private final FaultInjectionDecoder faultInjection = new FaultInjectionDecoder();
    private final CaptureStartDecoder captureStart = new CaptureStartDecoder();
    private final CaptureStopDecoder captureStop = new CaptureStopDecoder();
    private CaptureStreamer captures;
    private final ClassRateDecoder classRate = new ClassRateDecoder();
    private io.flowlane.dataplane.policy.TrafficClasses classes;
    private io.flowlane.dataplane.policy.CircuitBreakers breakers;
    private final PredictionLog predictions = new PredictionLog();
    /** When the command being applied was received (its journal entry's time), epoch ms. */
    private long entryEpochMillis;
    private boolean faultInjectionAllowed;
    private io.flowlane.dataplane.worker.NodeFault nodeFault;
    private long tscHz = 1_000_000_000L;
    private final Outcome outcome = new Outcome();
    private final List<NextHop> nextHops = new ArrayList<>(MAX_NEXT_HOPS);

    /**
     * @param tunnels null when the appliance runs without the tunnels module (tunnel messages are rejected)
     * @param keyWrap null when no key-encryption key is configured (ESP tunnel creates are rejected)
     */
    public CommandApplier(final ForwardingControl forwarding, final TunnelTable tunnels, final KeyWrap keyWrap,
        final int workers, final int ports)
    {
        this.forwarding = forwarding;
        this.tunnels = tunnels;
        this.keyWrap = keyWrap;
        this.workers = workers;
        this.ports = ports;
    }

    /**
     * Accepts {@code FaultInjection} messages (tests and drills) for tunnels and, when given, for the
     * whole node; {@code tscHz} converts their delays to cycles.
     */
    public CommandApplier allowFaultInjection(final long tscHz, final io.flowlane.dataplane.worker.NodeFault nodeFault)
    {
        this.faultInjectionAllowed = true;
        this.tscHz = tscHz;
        this.nodeFault = nodeFault;
        return this;
    }

    /** The predictions applied so far ({@code show predictions}). */
    PredictionLog predictions()
    {
        return predictions;
    }

    /** The time of the command about to be applied (epoch ms): its journal entry's, live or in a replay. */
    void entryTime(final long epochMillis)
    {
        entryEpochMillis = epochMillis;
    }

    /** The appliance's traffic classes, for {@code ClassRate} and {@code show classes}. */
    CommandApplier classes(final io.flowlane.dataplane.policy.TrafficClasses classes,
        final io.flowlane.dataplane.policy.CircuitBreakers breakers)
    {
        this.classes = classes;
        this.breakers = breakers;
        return this;
    }

    /** {@code show classes} rows. */
    String classRows(final int offset, final int limit, final long[] total)
    {
        return ClassTable.listing(classes, breakers, offset, limit, total);
    }

    /** Accepts {@code CaptureStart}/{@code CaptureStop} and hands them to {@code streamer}. */
    CommandApplier captures(final CaptureStreamer streamer)
    {
        this.captures = streamer;
        return this;
    }

    /**
     * Checks and applies the message in {@code buffer[offset, offset + length)}.
     *
     * @param replaying true when re-applying the journal: commands that only ask for something
     *                  (telemetry, digest, ping, listings) are not acted on; predictions are
     *                  re-checked but change nothing
     */
    public Outcome apply(final DirectBuffer buffer, final int offset, final int length, final boolean replaying)
    {
        outcome.reset();
        try
        {
            final int templateId = checkHeader(buffer, offset, length);
            outcome.templateId = templateId;
            final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
            final int blockLength = header.blockLength();
            switch (templateId)
            {
                case RouteAddDecoder.TEMPLATE_ID -> routeAdd(buffer, body, blockLength, length);
                case RouteDeleteDecoder.TEMPLATE_ID -> routeDelete(buffer, body, blockLength, length);
                case TunnelCreateDecoder.TEMPLATE_ID -> tunnelCreate(buffer, body, blockLength, length);
                case TunnelScaleDecoder.TEMPLATE_ID -> tunnelScale(buffer, body, blockLength, length);
                case TunnelDeleteDecoder.TEMPLATE_ID -> tunnelDelete(buffer, body, blockLength, length);
                case SteeringWeightsDecoder.TEMPLATE_ID -> steering(buffer, body, blockLength, length);
                case SteeringBucketsDecoder.TEMPLATE_ID -> steeringBuckets(buffer, body, blockLength, length);
                case FailurePredictionDecoder.TEMPLATE_ID -> prediction(buffer, body, blockLength, length);
                case CommandDecoder.TEMPLATE_ID -> command(buffer, body, blockLength, length, replaying);
                case FaultInjectionDecoder.TEMPLATE_ID -> faultInjection(buffer, body, blockLength, length);
                case ClassRateDecoder.TEMPLATE_ID -> classRate(buffer, body, blockLength, length);
                case CaptureStartDecoder.TEMPLATE_ID -> captureStart(buffer, body, blockLength, length, replaying);
                case CaptureStopDecoder.TEMPLATE_ID -> captureStop(buffer, body, blockLength, length, replaying);
                default -> throw new Rejection("templateId", templateId + " is not a command this data plane accepts");
            }
            outcome.applied = true;
        }
        catch (final Rejection rejection)
        {
            outcome.field = rejection.field();
            outcome.reason = rejection.reason();
            outcome.changedTables = false;
        }
        catch (final RuntimeException ex)
        {
            // A length or count crafted to pass the frame-length check (a negative var-data length
            // walks backwards) still fails somewhere in decoding, before anything is applied.
            outcome.field = "message";
            outcome.reason = "malformed: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : " " + ex.getMessage());
            outcome.changedTables = false;
        }
        return outcome;
    }

    private int checkHeader(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new Rejection("length", length + " bytes cannot hold the " + MessageHeaderDecoder.ENCODED_LENGTH + "-byte SBE header");
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            throw new Rejection("schemaId", header.schemaId() + " is not flowlane's control schema " + MessageHeaderDecoder.SCHEMA_ID);
        }
        // Older versions too: a journal written before the last version replays, and an older
        // client still works. Versions after 1 added fields only to TelemetryReport, and every
        // command's block length is checked exactly (checkBlock), so a command whose block does
        // change in a later version is refused, field named, rather than read wrong.
        if (header.version() < 1 || header.version() > MessageHeaderDecoder.SCHEMA_VERSION)
        {
            throw new Rejection("version", "schema version " + header.version() + " is not one this data plane speaks (1.." +
                MessageHeaderDecoder.SCHEMA_VERSION + ")");
        }
        return header.templateId();
    }

    /** Frames must be exactly as long as what they declare: no truncation, no trailing bytes. */
    private static void checkLength(final int declared, final int frame)
    {
        if (declared != frame)
        {
            throw new Rejection("length", "message declares " + declared + " bytes but the frame has " + frame);
        }
    }

    private static void checkBlock(final int blockLength, final int expected)
    {
        if (blockLength != expected)
        {
            throw new Rejection("blockLength", blockLength + " is not this version's " + expected);
        }
    }

    /**
     * Checks a message's block length and its true length against the frame, then leaves the
     * flyweight at the message's start (re-wrapped, so groups and var data read from the top).
     */
    private static <M extends MessageDecoderFlyweight> M open(final M m, final DirectBuffer buffer, final int body,
        final int blockLength, final int length)
    {
        checkBlock(blockLength, m.sbeBlockLength());
        m.wrap(buffer, body, blockLength, MessageHeaderDecoder.SCHEMA_VERSION);
        checkLength(decodedLength(m::sbeDecodedLength), length);
        m.wrap(buffer, body, blockLength, MessageHeaderDecoder.SCHEMA_VERSION);
        return m;
    }

    /** Walks the message to its end to learn its true length, turning a read past the buffer into a rejection. */
    private static int decodedLength(final java.util.function.IntSupplier walk)
    {
        try
        {
            return MessageHeaderDecoder.ENCODED_LENGTH + walk.getAsInt();
        }
        catch (final IndexOutOfBoundsException | IllegalStateException ex)
        {
            throw new Rejection("length", "the message runs past the end of its frame");
        }
    }

    private void routeAdd(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final RouteAddDecoder m = open(routeAdd, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final RouteKey key = routeKey(m.family(), m.prefixLength(), m.prefixHi(), m.prefixLo());
        final RouteAddDecoder.NextHopsDecoder hops = m.nextHops();
        if (hops.count() < 1 || hops.count() > MAX_NEXT_HOPS)
        {
            throw new Rejection("nextHops", hops.count() + " next hops; a route has 1.." + MAX_NEXT_HOPS);
        }
        nextHops.clear();
        int i = 0;
        while (hops.hasNext())
        {
            hops.next();
            final String path = "nextHops[" + i + "]";
            final NextHopKind kind = hops.kind();
            final int weight = hops.weight();
            final long gatewayHi = hops.gatewayHi();
            final long gatewayLo = hops.gatewayLo();
            final String itf = name(hops.interfaceNameLength(), hops.interfaceName(), path + ".interfaceName", true);
            final String tunnel = name(hops.tunnelNameLength(), hops.tunnelName(), path + ".tunnelName", true);
            // Weight 0: a backup next hop, given no flows, used only while the others' links are down.
            nextHops.add(switch (kind)
            {
                case VIA ->
                {
                    if (key.family() == 4)
                    {
                        checkIpv4(path + ".gatewayHi", gatewayHi, gatewayLo);
                        yield NextHop.viaIpv4(itf.isEmpty() ? null : itf, (int)gatewayHi, weight);
                    }
                    yield NextHop.viaIpv6(itf.isEmpty() ? null : itf, gatewayHi, gatewayLo, weight);
                }
                case DROP -> new NextHop(NextHop.Kind.DROP, null, 0, 0, weight, null);
                case LOCAL -> new NextHop(NextHop.Kind.LOCAL, null, 0, 0, weight, null);
                case TUNNEL ->
                {
                    if (tunnel.isEmpty())
                    {
                        throw new Rejection(path + ".tunnelName", "a TUNNEL next hop needs the tunnel's name");
                    }
                    yield NextHop.tunnel(tunnel, weight);
                }
                default -> throw new Rejection(path + ".kind", "unknown next-hop kind " + hops.kindRaw());
            });
            i++;
        }
        install(key);
    }

    /** Adds or replaces the route {@code key} with {@link #nextHops}; the writer rolls back what a refusal took. */
    private void install(final RouteKey key)
    {
        try
        {
            if (key.family() == 4)
            {
                forwarding.addIpv4Route((int)key.hi(), key.length(), nextHops);
            }
            else
            {
                forwarding.addIpv6Route(key.hi(), key.lo(), key.length(), nextHops);
            }
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw Rejection.from("", ex);
        }
        outcome.changedTables = true;
    }

    private void routeDelete(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final RouteDeleteDecoder m = open(routeDelete, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final RouteKey key = routeKey(m.family(), m.prefixLength(), m.prefixHi(), m.prefixLo());
        final boolean deleted = key.family() == 4 ? forwarding.deleteIpv4Route((int)key.hi(), key.length()) :
            forwarding.deleteIpv6Route(key.hi(), key.lo(), key.length());
        if (!deleted)
        {
            throw new Rejection("prefix", "no route " + key);
        }
        outcome.changedTables = true;
    }

    private void steering(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final SteeringWeightsDecoder m = open(steering, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final RouteKey key = routeKey(m.family(), m.prefixLength(), m.prefixHi(), m.prefixLo());
        final List<NextHop> current = forwarding.nextHops(key);
        if (current == null)
        {
            throw new Rejection("prefix", "no route " + key);
        }
        final SteeringWeightsDecoder.WeightsDecoder weights = m.weights();
        if (weights.count() != current.size())
        {
            throw new Rejection("weights", weights.count() + " weights for a route with " + current.size() + " next hops");
        }
        nextHops.clear();
        int total = 0;
        for (int i = 0; weights.hasNext(); i++)
        {
            final int weight = weights.next().weight();
            final NextHop hop = current.get(i);
            total += weight;
            nextHops.add(new NextHop(hop.kind(), hop.interfaceName(), hop.gatewayHi(), hop.gatewayLo(), weight, hop.tunnel()));
        }
        if (total == 0)
        {
            throw new Rejection("weights", "all zero; at least one next hop must carry traffic");
        }
        // Same next hops, new weights: the ECMP group is rebalanced in place (only the moved share of flows moves).
        install(key);
    }

    private void steeringBuckets(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final SteeringBucketsDecoder m = open(steeringBuckets, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final RouteKey key = routeKey(m.family(), m.prefixLength(), m.prefixHi(), m.prefixLo());
        if (forwarding.nextHops(key) == null)
        {
            throw new Rejection("prefix", "no route " + key);
        }
        final int count = m.memberOfBucketLength();
        if (count < 0)
        {
            throw new Rejection("memberOfBucket", "length " + Integer.toUnsignedString(count) + " is beyond any frame");
        }
        m.wrapMemberOfBucket(memberOfBucket);
        final int[] members = new int[count];
        for (int b = 0; b < count; b++)
        {
            members[b] = memberOfBucket.getByte(b) & 0xFF;
        }
        try
        {
            // The writer checks the map against the route (bucket count, next-hop indices) before it changes anything.
            outcome.changedTables = forwarding.assignBuckets(key, members);
        }
        catch (final IllegalArgumentException ex)
        {
            throw Rejection.from("", ex);
        }
    }

    private void tunnelCreate(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final TunnelCreateDecoder m = open(tunnelCreate, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final TunnelTable table = requireTunnels("protocol");
        final TunnelProtocol protocol = m.protocol();
        if (protocol == TunnelProtocol.NULL_VAL)
        {
            throw new Rejection("protocol", "unknown tunnel protocol " + m.protocolRaw());
        }
        final int family = m.family();
        if (family == 4)
        {
            checkIpv4("localHi", m.localHi(), m.localLo());
            checkIpv4("remoteHi", m.remoteHi(), m.remoteLo());
        }
        final Endpoints endpoints;
        try
        {
            endpoints = new Endpoints(family, m.localHi(), m.localLo(), m.remoteHi(), m.remoteLo(), m.ttl());
        }
        catch (final IllegalArgumentException ex)
        {
            throw Rejection.from("", ex);
        }
        final int mtu = m.mtu();
        final long bandwidth = m.bandwidthBitsPerSecond();
        if (bandwidth < 0)
        {
            throw new Rejection("bandwidthBitsPerSecond", Long.toUnsignedString(bandwidth) + " is out of range");
        }
        final boolean greKeyPresent = m.greKeyPresent() == io.flowlane.controlplane.sbe.BooleanType.TRUE;
        final long greKey = m.greKey();
        final boolean greSequence = m.greSequence() == io.flowlane.controlplane.sbe.BooleanType.TRUE;
        final boolean greChecksum = m.greChecksum() == io.flowlane.controlplane.sbe.BooleanType.TRUE;

        final TunnelCreateDecoder.SecurityAssociationsDecoder sas = m.securityAssociations();
        SecurityAssociation outbound = null;
        SecurityAssociation inbound = null;
        if (protocol == TunnelProtocol.GRE && sas.count() != 0)
        {
            throw new Rejection("securityAssociations", "a GRE tunnel has none, not " + sas.count());
        }
        if (protocol == TunnelProtocol.ESP && sas.count() != 2)
        {
            throw new Rejection("securityAssociations", "an ESP tunnel needs one OUTBOUND and one INBOUND, not " + sas.count() + " SAs");
        }
        for (int i = 0; sas.hasNext(); i++)
        {
            sas.next();
            final String path = "securityAssociations[" + i + "]";
            final SaDirection direction = sas.direction();
            final long spi = sas.spi();
            final int salt = (int)sas.salt();
            final boolean esn = sas.esn() == io.flowlane.controlplane.sbe.BooleanType.TRUE;
            final long window = sas.replayWindow();
            final long lifetimePackets = sas.lifetimePackets();
            final long lifetimeBytes = sas.lifetimeBytes();
            final int wrappedLength = sas.wrappedKeyLength();
            if (wrappedLength < 0 || wrappedLength > 256)
            {
                throw new Rejection(path + ".wrappedKey", wrappedLength + " bytes is longer than any wrapped AES key");
            }
            final byte[] wrapped = new byte[wrappedLength];
            sas.getWrappedKey(wrapped, 0, wrappedLength);
            if (direction == SaDirection.NULL_VAL)
            {
                throw new Rejection(path + ".direction", "unknown direction " + sas.directionRaw());
            }
            if (window > SecurityAssociation.MAX_REPLAY_WINDOW)
            {
                throw new Rejection(path + ".replayWindow", window + " is above " + SecurityAssociation.MAX_REPLAY_WINDOW);
            }
            if (lifetimePackets < 0 || lifetimeBytes < 0)
            {
                throw new Rejection(path + ".lifetime", "out of range");
            }
            if (keyWrap == null)
            {
                throw new Rejection(path + ".wrappedKey", "this data plane has no key-encryption-key configured to unwrap SA keys");
            }
            final boolean isInbound = direction == SaDirection.INBOUND;
            final byte[] key = keyWrap.unwrap(wrapped, spi, isInbound, path + ".wrappedKey");
            final SecurityAssociation sa;
            try
            {
                sa = new SecurityAssociation(spi, key, salt, esn, (int)window, lifetimePackets, lifetimeBytes);
            }
            catch (final IllegalArgumentException ex)
            {
                throw Rejection.from(path, ex);
            }
            finally
            {
                java.util.Arrays.fill(key, (byte)0);
            }
            if (isInbound ? inbound != null : outbound != null)
            {
                throw new Rejection(path + ".direction", "a second " + direction + " SA");
            }
            if (isInbound)
            {
                inbound = sa;
            }
            else
            {
                outbound = sa;
            }
        }
        final TunnelCreateDecoder.SelectorsDecoder selectorGroup = m.selectors();
        if (selectorGroup.count() > MAX_SELECTORS || protocol == TunnelProtocol.GRE && selectorGroup.count() != 0)
        {
            throw new Rejection("selectors", selectorGroup.count() + " selectors; " +
                (protocol == TunnelProtocol.GRE ? "a GRE tunnel has none" : "at most " + MAX_SELECTORS));
        }
        final List<TrafficSelector> selectors = new ArrayList<>(selectorGroup.count());
        for (int i = 0; selectorGroup.hasNext(); i++)
        {
            selectorGroup.next();
            final String path = "selectors[" + i + "]";
            final RouteKey local = routeKey(path + ".local", selectorGroup.family(), selectorGroup.localLength(),
                selectorGroup.localHi(), selectorGroup.localLo());
            final RouteKey remote = routeKey(path + ".remote", selectorGroup.family(), selectorGroup.remoteLength(),
                selectorGroup.remoteHi(), selectorGroup.remoteLo());
            selectors.add(new TrafficSelector(local.family(), local.hi(), local.lo(), local.length(), remote.hi(), remote.lo(),
                remote.length()));
        }
        final String name = name(m.nameLength(), m.name(), "name", false);
        final Tunnel tunnel;
        try
        {
            tunnel = protocol == TunnelProtocol.GRE ?
                new GreTunnel(name, endpoints, greKeyPresent ? greKey : -1, greSequence, greChecksum, mtu, bandwidth) :
                new EspTunnel(name, endpoints, outbound, inbound, selectors, mtu, bandwidth);
            table.create(tunnel);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw Rejection.from("", ex);
        }
        outcome.changedTables = true;
    }

    private void tunnelScale(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final TunnelScaleDecoder m = open(tunnelScale, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final long bandwidth = m.bandwidthBitsPerSecond();
        final String name = name(m.nameLength(), m.name(), "name", false);
        final TunnelTable table = requireTunnels("name");
        if (bandwidth < 0)
        {
            throw new Rejection("bandwidthBitsPerSecond", Long.toUnsignedString(bandwidth) + " is out of range");
        }
        try
        {
            table.scale(name, bandwidth);
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw Rejection.from("", ex);
        }
        outcome.changedTables = true;
    }

    private void tunnelDelete(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final TunnelDeleteDecoder m = open(tunnelDelete, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final String name = name(m.nameLength(), m.name(), "name", false);
        final TunnelTable table = requireTunnels("name");
        try
        {
            table.delete(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw Rejection.from("", ex);
        }
        catch (final IllegalStateException ex)
        {
            throw new Rejection("name", ex.getMessage());
        }
        outcome.changedTables = true;
    }

    private void prediction(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final FailurePredictionDecoder m = open(prediction, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final float probability = m.probability();
        if (!(probability >= 0f && probability <= 1f))
        {
            throw new Rejection("probability", probability + " is outside 0..1");
        }
        if (m.horizonMillis() == 0)
        {
            throw new Rejection("horizonMillis", "0; a prediction looks ahead by at least 1 ms");
        }
        final long id = m.entityId();
        String entity = null;
        switch (m.entityKind())
        {
            case WORKER ->
            {
                checkId("entityId", id, workers, "worker");
                entity = "worker " + id;
            }
            case PORT ->
            {
                checkId("entityId", id, ports, "port");
                entity = "port " + id;
            }
            case TUNNEL ->
            {
                final TunnelTable table = requireTunnels("entityKind");
                for (final Tunnel tunnel : table.all())
                {
                    if (table.index(tunnel.name()) == id)
                    {
                        entity = "tunnel " + tunnel.name();
                    }
                }
                if (entity == null)
                {
                    throw new Rejection("entityId", "no tunnel has id " + id);
                }
            }
            default -> throw new Rejection("entityKind", "unknown entity kind " + m.entityKindRaw());
        }
        if (m.reasonLength() > MAX_REASON_BYTES)
        {
            throw new Rejection("reason", m.reasonLength() + " bytes; at most " + MAX_REASON_BYTES);
        }
        final String reason = m.reason();
        predictions.add(new PredictionLog.Entry(entryEpochMillis, entity,
            probability, m.horizonMillis(), reason));
        // Advisory: the control plane acts on its own predictions with route and steering changes; the
        // data plane checks, journals and acknowledges them so they are in the history.
    }

    private void faultInjection(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final FaultInjectionDecoder m = open(faultInjection, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final long delay = m.delayNanos();
        final long drop = m.dropPartsPerMillion();
        final FaultTarget target = m.target();
        final int stall = m.stallMicrosPerMilli();
        final String name = name(m.nameLength(), m.name(), "name", target == FaultTarget.NODE);
        if (!faultInjectionAllowed)
        {
            throw new Rejection("templateId", "fault injection is off on this data plane (control.fault-injection: true enables it)");
        }
        try
        {
            switch (target)
            {
                case TUNNEL ->
                {
                    if (stall != 0)
                    {
                        throw new Rejection("stallMicrosPerMilli", "a tunnel does not stall (target NODE stalls the workers)");
                    }
                    requireTunnels("name").injectFault(name, delay, (int)Math.min(drop, Integer.MAX_VALUE), tscHz);
                }
                case NODE ->
                {
                    if (!name.isEmpty())
                    {
                        throw new Rejection("name", "target NODE takes no name (the fault is the whole node's)");
                    }
                    if (nodeFault == null)
                    {
                        throw new Rejection("target", "this data plane has no node fault to inject");
                    }
                    nodeFault.inject(delay, (int)Math.min(drop, Integer.MAX_VALUE), stall, tscHz);
                }
                default -> throw new Rejection("target", "unknown fault target " + m.targetRaw());
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw Rejection.from("", ex);
        }
        outcome.changedTables = true;
    }

    private void classRate(final DirectBuffer buffer, final int body, final int blockLength, final int length)
    {
        final ClassRateDecoder m = open(classRate, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final String name = name(m.nameLength(), m.name(), "name", false);
        final int c = classes == null ? -1 : classes.index(name);
        if (c < 0)
        {
            throw new Rejection("name", "no traffic class named '" + name + "'" + (classes == null || classes.count() == 0 ?
                " (the appliance's config has no classes:)" : ""));
        }
        final long bitsPerSecond = m.bitsPerSecond();
        final long burst = m.burstBytes();
        if (bitsPerSecond < 0 || bitsPerSecond > 1_000_000_000_000L)
        {
            throw new Rejection("bitsPerSecond", Long.toUnsignedString(bitsPerSecond) + " is outside 0..1 Tbit/s");
        }
        if (burst < 1500 || burst > 64 << 20)
        {
            throw new Rejection("burstBytes", burst + " is outside 1500..67108864");
        }
        classes.setRate(c, bitsPerSecond, (int)burst);
        outcome.changedTables = true;
    }

    private void captureStart(final DirectBuffer buffer, final int body, final int blockLength, final int length,
        final boolean replaying)
    {
        final CaptureStartDecoder m = open(captureStart, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        final String port = name(m.portLength(), m.port(), "port", false);
        if (captures == null)
        {
            throw new Rejection("templateId", "this data plane does not capture");
        }
        if (!replaying) // a capture is for whoever asked then; a restart does not resume it
        {
            captures.start(m.correlationId(), port, m.direction(), m.snapLength(), m.maxFrames(), m.durationMillis());
        }
    }

    private void captureStop(final DirectBuffer buffer, final int body, final int blockLength, final int length,
        final boolean replaying)
    {
        final CaptureStopDecoder m = open(captureStop, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        if (captures == null)
        {
            throw new Rejection("templateId", "this data plane does not capture");
        }
        if (!replaying)
        {
            captures.stop();
        }
    }

    private void command(final DirectBuffer buffer, final int body, final int blockLength, final int length,
        final boolean replaying)
    {
        final CommandDecoder m = open(command, buffer, body, blockLength, length);
        ids(m.correlationId(), m.sentNanos());
        if (m.command() == io.flowlane.controlplane.sbe.CommandKind.NULL_VAL)
        {
            throw new Rejection("command", "unknown command " + m.commandRaw());
        }
        final long limit = m.maxRows();
        if (limit > Listings.MAX_ROWS)
        {
            throw new Rejection("maxRows", limit + " rows; at most " + Listings.MAX_ROWS + " a request (page with firstRow)");
        }
        outcome.offset = (int)Math.min(m.firstRow(), Integer.MAX_VALUE);
        outcome.limit = (int)limit;
        outcome.command = replaying ? -1 : m.commandRaw();
    }

    private void ids(final long correlationId, final long sentNanos)
    {
        outcome.correlationId = correlationId;
        outcome.sentNanos = sentNanos;
    }

    private TunnelTable requireTunnels(final String field)
    {
        if (tunnels == null)
        {
            throw new Rejection(field, "this data plane runs without tunnels (add 'tunnels: []' to its config)");
        }
        return tunnels;
    }

    private static void checkId(final String field, final long id, final int count, final String what)
    {
        if (id >= count)
        {
            throw new Rejection(field, "no " + what + " " + id + " (this data plane has " + count + ")");
        }
    }

    private static void checkIpv4(final String field, final long hi, final long lo)
    {
        if (hi >>> 32 != 0 || lo != 0)
        {
            throw new Rejection(field, "not an IPv4 address (an IPv4 address uses the low 32 bits of hi, and lo is 0)");
        }
    }

    private static RouteKey routeKey(final int family, final int length, final long hi, final long lo)
    {
        return routeKey("", family, length, hi, lo);
    }

    private static RouteKey routeKey(final String path, final int family, final int length, final long hi, final long lo)
    {
        final String prefix = path.isEmpty() ? "" : path + ".";
        if (family != 4 && family != 6)
        {
            throw new Rejection(prefix + "family", family + " is neither 4 nor 6");
        }
        final int max = family == 4 ? 32 : 128;
        if (length > max)
        {
            throw new Rejection(prefix + "prefixLength", length + " is outside 0.." + max + " for IPv" + family);
        }
        if (family == 4)
        {
            checkIpv4(prefix + "prefixHi", hi, lo);
            if ((hi & ~(ForwardingControl.mask4(length) & 0xFFFF_FFFFL)) != 0)
            {
                throw new Rejection(prefix + "prefixHi", new RouteKey(4, hi, 0, length) + " has host bits set");
            }
        }
        else if ((hi & ~ForwardingControl.mask6Hi(length)) != 0 || (lo & ~ForwardingControl.mask6Lo(length)) != 0)
        {
            throw new Rejection(prefix + "prefixHi", new RouteKey(6, hi, lo, length) + " has host bits set");
        }
        return new RouteKey(family, hi, lo, length);
    }

    private static String name(final int length, final String value, final String field, final boolean mayBeEmpty)
    {
        if (length < 0)
        {
            throw new Rejection(field, "length " + Integer.toUnsignedString(length) + " is beyond any frame");
        }
        if (length == 0 && !mayBeEmpty)
        {
            throw new Rejection(field, "empty");
        }
        if (length > MAX_NAME_BYTES)
        {
            throw new Rejection(field, length + " bytes; names are at most " + MAX_NAME_BYTES);
        }
        return value;
    }
}
