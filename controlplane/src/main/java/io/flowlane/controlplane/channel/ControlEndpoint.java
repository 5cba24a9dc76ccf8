package io.flowlane.controlplane.channel;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.AckEncoder;
import io.flowlane.controlplane.sbe.AckStatus;
import io.flowlane.controlplane.sbe.CommandKind;
import io.flowlane.controlplane.sbe.MessageHeaderEncoder;
import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.tunnels.TunnelTable;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import java.nio.ByteBuffer;

/**
 * The data plane's end of the control channel, a duty of the control thread (the tables' single
 * writer), so a command is decoded in the receive buffer and applied without a hand-off:
 * poll the command subscription, check (authentication for UDP, then every field), apply,
 * journal, acknowledge.
 *
 * <p>An applied change is acknowledged once every worker has passed a quiescent point after it
 * (a grace period of {@link GracePeriods}): from then on every packet is forwarded by the new
 * state. That moment minus the sender's timestamp is the update-to-applied latency recorded in
 * {@link UpdateLatency}. Rejections are acknowledged at once with the field and reason.
 */
public final class ControlEndpoint implements Agent, FragmentHandler
{
    private static final System.Logger LOG = System.getLogger(ControlEndpoint.class.getName());
    private static final int FRAGMENT_LIMIT = 256;
    /** Changes waiting for their grace period; polling pauses when this many are outstanding. */
    private static final int PENDING_CAPACITY = 1 << 16;
    private static final int MAX_OFFER_ATTEMPTS = 100_000;

    private final Subscription commands;
    private final Publication acks;
    private final FrameAuthenticator authenticator;
    private final CommandApplier applier;
    private final GracePeriods gracePeriods;
    private final Journal journal;
    private final Telemetry telemetry;
    private final UpdateLatency latency;
    private final ForwardingControl forwarding;
    private final TunnelTable tunnels;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    private final EpochNanoClock wallClock = new SystemEpochNanoClock();
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final MessageHeaderEncoder ackHeader = new MessageHeaderEncoder();
    private final AckEncoder ack = new AckEncoder();
    private final io.flowlane.controlplane.sbe.ListingEncoder listing = new io.flowlane.controlplane.sbe.ListingEncoder();
    private UnsafeBuffer listingBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));

    private final long[] pendingCorrelation = new long[PENDING_CAPACITY];
    private final long[] pendingSent = new long[PENDING_CAPACITY];
    private final long[] pendingToken = new long[PENDING_CAPACITY];
    private final int[] pendingTemplate = new int[PENDING_CAPACITY];
    private long pendingHead;
    private long pendingTail;
    private long unstampedFrom;

    private final Journal recoverFrom;
    private volatile long recovered = -1;
    private volatile boolean started;
    // Written by the control thread only; volatile so HTTP and test threads read whole values.
    private volatile long applied;
    private volatile long rejected;
    private volatile long authenticationFailures;
    private volatile long acksDropped;

    ControlEndpoint(
        final Subscription commands, final Publication acks, final FrameAuthenticator authenticator,
        final CommandApplier applier, final GracePeriods gracePeriods, final Journal journal, final Telemetry telemetry,
        final UpdateLatency latency, final ForwardingControl forwarding, final TunnelTable tunnels, final Journal recoverFrom)
    {
        this.recoverFrom = recoverFrom;
        this.commands = commands;
        this.acks = acks;
        this.authenticator = authenticator;
        this.applier = applier;
        this.gracePeriods = gracePeriods;
        this.journal = journal;
        this.telemetry = telemetry;
        this.latency = latency;
        this.forwarding = forwarding;
        this.tunnels = tunnels;
    }

    /** On the control thread, before the first poll: restart recovery from the journal. */
    @Override
    public void onStart()
    {
        if (recoverFrom != null)
        {
            recovered = recover(recoverFrom);
            LOG.log(System.Logger.Level.INFO, "recovered " + recovered + " command(s) from the journal in " + recoverFrom.directory());
        }
        started = true;
    }

    /** True once {@link #onStart} (recovery included) has run on the control thread. */
    boolean started()
    {
        return started;
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (pendingTail - pendingHead < PENDING_CAPACITY - FRAGMENT_LIMIT)
        {
            work += commands.poll(assembler, FRAGMENT_LIMIT);
        }
        if (unstampedFrom < pendingTail)
        {
            // One grace period covers everything applied in this poll.
            final long token = gracePeriods.start();
            for (long i = unstampedFrom; i < pendingTail; i++)
            {
                pendingToken[slot(i)] = token;
            }
            unstampedFrom = pendingTail;
        }
        work += acknowledgeCompleted();
        work += telemetry.publishIfDue(applied, rejected);
        return work;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        int messageLength = length;
        if (authenticator != null)
        {
            messageLength = authenticator.verify(buffer, offset, length);
            if (messageLength < 0)
            {
                // Not journalled (anyone who reaches the port could fill the disk) and answered
                // once, without waiting out back pressure.
                rejected++;
                authenticationFailures++;
                sendAck(0, AckStatus.REJECTED, 0, 0, 0, "authentication", authenticator.failure(), false);
                return;
            }
        }
        // One time for the command: the journal's, and what the applier records (predictions), so a
        // replay rebuilds the same history.
        final long received = wallClock.nanoTime();
        applier.entryTime(received / 1_000_000);
        final CommandApplier.Outcome outcome = applier.apply(buffer, offset, messageLength, false);
        if (!outcome.applied)
        {
            rejected++;
            journal(Journal.Kind.COMMAND_REJECTED, received, buffer, offset, messageLength);
            sendAck(outcome.correlationId, AckStatus.REJECTED, outcome.templateId, 0, 0, outcome.field, outcome.reason, false);
            return;
        }
        applied++;
        journal(Journal.Kind.COMMAND_APPLIED, received, buffer, offset, messageLength);
        if (outcome.changedTables)
        {
            final int slot = slot(pendingTail++);
            pendingCorrelation[slot] = outcome.correlationId;
            pendingSent[slot] = outcome.sentNanos;
            pendingTemplate[slot] = outcome.templateId;
            return;
        }
        String result = "";
        if (outcome.command == CommandKind.TELEMETRY_NOW.value())
        {
            telemetry.publishNow(applied, rejected);
        }
        else if (outcome.command == CommandKind.TABLE_DIGEST.value())
        {
            result = TableDigest.of(forwarding, tunnels);
        }
        else if (outcome.command >= CommandKind.SHOW_ROUTES.value() && outcome.command <= CommandKind.SHOW_CLASSES.value())
        {
            sendListing(outcome.correlationId, CommandKind.get((short)outcome.command), outcome.offset, outcome.limit);
        }
        final long now = System.nanoTime();
        sendAck(outcome.correlationId, AckStatus.APPLIED, outcome.templateId, now, now - outcome.sentNanos, "", result, true);
    }

    /** Re-applies the journal's applied commands (restart recovery); runs before the first poll. */
    private int recover(final Journal source)
    {
        final int[] counts = new int[2];
        source.replay((kind, time, buffer, offset, length) ->
        {
            applier.entryTime(time / 1_000_000);
            final CommandApplier.Outcome outcome = applier.apply(buffer, offset, length, true);
            if (outcome.applied)
            {
                counts[0]++;
            }
            else
            {
                counts[1]++;
                LOG.log(System.Logger.Level.WARNING, "journal replay: command " + outcome.correlationId + " no longer applies: " +
                    outcome.field + ": " + outcome.reason);
            }
        });
        if (counts[1] > 0)
        {
            LOG.log(System.Logger.Level.WARNING, "journal replay: " + counts[1] + " command(s) did not apply");
        }
        return counts[0];
    }

    private int acknowledgeCompleted()
    {
        int acked = 0;
        while (pendingHead < unstampedFrom && gracePeriods.completed(pendingToken[slot(pendingHead)]))
        {
            final long now = System.nanoTime();
            // Everything stamped with the same token completed at the same moment.
            final long token = pendingToken[slot(pendingHead)];
            while (pendingHead < unstampedFrom && pendingToken[slot(pendingHead)] == token)
            {
                final int slot = slot(pendingHead++);
                final long updateLatency = now - pendingSent[slot];
                latency.record(updateLatency);
                sendAck(pendingCorrelation[slot], AckStatus.APPLIED, pendingTemplate[slot], now, updateLatency, "", "", true);
                acked++;
            }
        }
        return acked;
    }

    private void sendAck(final long correlationId, final AckStatus status, final int templateId, final long appliedNanos,
        final long latencyNanos, final String field, final String reason, final boolean waitOutBackPressure)
    {
        ack.wrapAndApplyHeader(ackBuffer, 0, ackHeader)
            .correlationId(correlationId)
            .status(status)
            .templateId(templateId)
            .appliedNanos(appliedNanos)
            .latencyNanos(latencyNanos)
            .field(field)
            .reason(reason.length() > 1024 ? reason.substring(0, 1024) : reason);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength();
        journal(Journal.Kind.ACK, ackBuffer, 0, length);
        offer(acks, ackBuffer, length, waitOutBackPressure ? MAX_OFFER_ATTEMPTS : 1);
    }

    private void sendListing(final long correlationId, final CommandKind kind, final int offset, final int limit)
    {
        final long[] total = new long[1];
        final int rowLimit = Math.min(limit == 0 ? Listings.MAX_ROWS : limit, Listings.MAX_ROWS);
        final String rows = switch (kind)
        {
            case SHOW_PREDICTIONS -> applier.predictions().rows(offset, rowLimit, total);
            case SHOW_CLASSES -> applier.classRows(offset, rowLimit, total);
            default -> Listings.rows(kind, forwarding, tunnels, offset, limit, total);
        };
        final byte[] bytes = rows.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (listingBuffer.capacity() < bytes.length + 64)
        {
            listingBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length + 1024));
        }
        listing.wrapAndApplyHeader(listingBuffer, 0, ackHeader)
            .correlationId(correlationId)
            .total(total[0])
            .firstRow(offset)
            .putRows(bytes, 0, bytes.length);
        offer(acks, listingBuffer, MessageHeaderEncoder.ENCODED_LENGTH + listing.encodedLength(), MAX_OFFER_ATTEMPTS);
    }

    /** Offers with bounded retries: a controller that stops reading must not stall the tables' writer. */
    private void offer(final Publication publication, final DirectBuffer buffer, final int length, final int attempts)
    {
        if (length > publication.maxMessageLength())
        {
            acksDropped++;
            return;
        }
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                return;
            }
            if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                break;
            }
            Thread.onSpinWait();
        }
        acksDropped++;
    }

    private void journal(final Journal.Kind kind, final DirectBuffer buffer, final int offset, final int length)
    {
        journal(kind, wallClock.nanoTime(), buffer, offset, length);
    }

    private void journal(final Journal.Kind kind, final long epochNanos, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (journal != null)
        {
            journal.append(kind, epochNanos, buffer, offset, length);
        }
    }

    private static int slot(final long sequence)
    {
        return (int)(sequence & (PENDING_CAPACITY - 1));
    }

    /** Commands re-applied from the journal at start, or -1 if there was no recovery. */
    public long recovered()
    {
        return recovered;
    }

    public long applied()
    {
        return applied;
    }

    public long rejected()
    {
        return rejected;
    }

    /** UDP frames refused by the authenticator (not journalled). */
    public long authenticationFailures()
    {
        return authenticationFailures;
    }

    public long acksDropped()
    {
        return acksDropped;
    }

    @Override
    public String roleName()
    {
        return "control-endpoint";
    }
}
