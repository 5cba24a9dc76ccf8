package io.flowlane.perf;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.packet.NativeMemory;
import io.flowlane.dataplane.port.MbufPool;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * The generator's poll loop on one core: builds frames from templates into mbufs, transmits them
 * on one port at a paced or the highest rate, and counts (and frees) what comes back on others.
 * One call of {@link #run} is one trial; {@link Pktgen} makes one, {@link Rfc2544Search} many.
 *
 * <p>Pacing: the number of frames due is (elapsed TSC × rate), and the loop sends what is due, a
 * burst at most, but not fewer than rate / 100 000 frames at once (so at most 100 000 transmit
 * calls a second; 1 frame per call below 100 kpps, full bursts above 3.2 Mpps), which keeps the
 * offered traffic within 10 µs of a constant rate. A generator that fell behind (descheduled)
 * sends at most 1 ms of backlog at once and skips the rest: a catch-up burst would test the
 * device's buffers, not its rate. Skipped frames are reported, and the offered rate with them.
 *
 * <p>When the device under test's receive ring (the memif ring, here) is full, {@link RingFull#RETRY}
 * keeps the unsent frames and offers them again, as testpmd's --tx-retry does (the benchmarks'
 * choice: the generator then runs at the device's pace); {@link RingFull#DROP} frees them and
 * counts them as offered and lost, as a NIC's full receive queue drops them (RFC 2544 trials).
 */
public final class TrafficGenerator
{
    public enum RingFull
    {
        RETRY, DROP
    }

    /** Receive lengths are counted one by one, modulo this + 1 (a mask, so the count needs no bounds check): beyond jumbo frames. */
    static final int LENGTH_MASK = 16383;

    private final MbufPool pool;
    private final int txId;
    private final int[] rxIds;
    private final FrameTemplates[] templates;
    /** Per template: its frames' address and length (plain arrays: the copy loop reads nothing else). */
    private final long[] bases;
    private final int[] lengths;
    private final int[] order;
    private final int burst;
    private final int flows;
    private final EspSealer sealer;
    private final LatencyStamps stamps;
    private final int stampEvery;
    /** Whether the sink counts received frames by length (costs about 3 ns a frame: off for one size, unstamped, plain). */
    private final boolean inspect;
    private final RingFull ringFull;
    private final long txArray;
    private final long rxArray;
    private final long hz;
    private final PrintStream out;
    private final boolean quiet;

    private final long[] rxByLength = new long[LENGTH_MASK + 1];
    private final Histogram latency = LatencyStamps.histogram();
    private long rxIpv4;
    private long rxIpv6;
    private long rxOther;
    private boolean recording;
    private long idleParkNanos;
    private int flow;
    private int position;
    private int untilStamp;

    /**
     * @param templates  one per size of {@code mix}, in its order
     * @param sealer     ESP sealer for ESP templates, else null
     * @param stampEvery a latency stamp in every n-th frame; 0: none, and the sink does not look into received frames
     */
    public TrafficGenerator(final MbufPool pool, final int txId, final int[] rxIds, final FrameTemplates[] templates,
        final FrameSizeMix mix, final int burst, final EspSealer sealer, final int stampEvery, final RingFull ringFull,
        final MemorySegment txArray, final MemorySegment rxArray, final long hz, final PrintStream out, final boolean quiet)
    {
        this.pool = pool;
        this.txId = txId;
        this.rxIds = rxIds;
        this.templates = templates;
        this.bases = java.util.Arrays.stream(templates).mapToLong(t -> t.base).toArray();
        this.lengths = java.util.Arrays.stream(templates).mapToInt(t -> t.length).toArray();
        this.order = mix.order();
        this.burst = burst;
        this.flows = templates[0].flows;
        this.sealer = sealer;
        this.stamps = stampEvery > 0 ? new LatencyStamps(hz) : null;
        this.stampEvery = stampEvery;
        this.ringFull = ringFull;
        this.txArray = txArray.address();
        this.rxArray = rxArray.address();
        this.hz = hz;
        this.out = out;
        this.quiet = quiet;
        this.untilStamp = stampEvery;
        this.inspect = stampEvery > 0 || templates.length > 1 || templates[0].overhead() > 0;
        for (final FrameTemplates t : templates)
        {
            if (stampEvery > 0 && t.stampOffset < 0)
            {
                throw new IllegalArgumentException(t.wireSize + "-byte frames have no room for a latency stamp (16 bytes of UDP payload)");
            }
        }
    }

    /**
     * Parks this long whenever a loop found nothing to receive and nothing left to send, instead of
     * spinning (0, the default: spin). For paced runs on a host whose cores are shared with what the
     * generator drives: the pacing then holds to within about the park (the kernel's timer slack is
     * 50 µs), and frames due meanwhile go out together in the next burst.
     */
    public void idlePark(final long nanos)
    {
        idleParkNanos = nanos;
    }

    /**
     * One trial: {@code warmupSeconds} unmeasured, then {@code durationSeconds} measured (ended
     * early once {@code stopFile} exists), then {@code drainMillis} of receiving only, whose frames
     * count for the measured window.
     *
     * @param ratePps frames per second offered; 0: as fast as the link takes them
     */
    public Trial run(final long ratePps, final int warmupSeconds, final int durationSeconds, final int drainMillis,
        final Path stopFile)
    {
        final double perTick = (double)ratePps / hz;
        final long minBatch = Math.clamp(ratePps / 100_000, 1, burst);
        final long maxBacklog = Math.max(burst, ratePps / 1000);
        java.util.Arrays.fill(rxByLength, 0);
        latency.reset();
        rxIpv4 = 0;
        rxIpv6 = 0;
        rxOther = 0;
        recording = false;

        final long startTsc = FastPath.rdtsc();
        final long measureFrom = startTsc + warmupSeconds * hz;
        long endTsc = measureFrom + durationSeconds * hz;
        long nextReport = startTsc + hz;
        long txOk = 0;
        long txFailed = 0;
        long refused = 0;
        long skipped = 0;
        long rxCount = 0;
        long offeredAtMeasure = 0;
        long txAtMeasure = 0;
        long failedAtMeasure = 0;
        long refusedAtMeasure = 0;
        long skippedAtMeasure = 0;
        long rxAtMeasure = 0;
        long lastTx = 0;
        long lastRx = 0;
        boolean measuring = warmupSeconds == 0;
        recording = measuring;
        int held = 0;
        int heldFrom = 0;
        long now = startTsc;
        while (now < endTsc)
        {
            if (held == 0)
            {
                long want = burst;
                if (ratePps > 0)
                {
                    long owed = (long)((now - startTsc) * perTick) - skipped - txOk - refused;
                    if (owed > maxBacklog)
                    {
                        skipped += owed - maxBacklog;
                        owed = maxBacklog;
                    }
                    want = owed >= minBatch ? Math.min(owed, burst) : 0;
                }
                if (want > 0 && FastPath.allocBulk(pool.address(), txArray, (int)want) == 0)
                {
                    fill((int)want);
                    held = (int)want;
                    heldFrom = 0;
                }
            }
            if (held > 0)
            {
                final int sent = FastPath.txBurst(txId, 0, txArray + heldFrom * 8L, held);
                txOk += sent;
                held -= sent;
                heldFrom += sent;
                if (held > 0)
                {
                    txFailed++;
                    if (ringFull == RingFull.DROP)
                    {
                        FastPath.freeBulk(txArray + heldFrom * 8L, held);
                        refused += held;
                        held = 0;
                    }
                }
            }
            long received = 0;
            for (final int rxId : rxIds)
            {
                received += receive(rxId);
            }
            rxCount += received;
            if (idleParkNanos > 0 && received == 0 && held == 0)
            {
                // Nothing to send yet and nothing came: give the core away for a moment (paced runs only).
                LockSupport.parkNanos(idleParkNanos);
            }
            now = FastPath.rdtsc();
            if (!measuring && now >= measureFrom)
            {
                measuring = true;
                recording = true;
                offeredAtMeasure = txOk + refused;
                txAtMeasure = txOk;
                failedAtMeasure = txFailed;
                refusedAtMeasure = refused;
                skippedAtMeasure = skipped;
                rxAtMeasure = rxCount;
                java.util.Arrays.fill(rxByLength, 0);
                rxIpv4 = 0;
                rxIpv6 = 0;
                rxOther = 0;
            }
            if (now >= nextReport)
            {
                if (!quiet)
                {
                    out.printf(Locale.ROOT, "%s tx %6.2f Mpps  rx %6.2f Mpps  (tx ring full, retried: %d)%n",
                        measuring ? "measure" : "warm-up", (txOk - lastTx) / 1e6, (rxCount - lastRx) / 1e6, txFailed);
                }
                lastTx = txOk;
                lastRx = rxCount;
                nextReport += hz;
                if (stopFile != null && Files.exists(stopFile))
                {
                    endTsc = now;
                }
            }
        }
        final long measuredTicks = Math.max(1, Math.min(now, endTsc) - measureFrom);
        final long rxInWindow = rxCount - rxAtMeasure;
        if (held > 0)
        {
            FastPath.freeBulk(txArray + heldFrom * 8L, held);
        }
        // Let packets still in flight arrive; they belong to the measured window.
        final long drainEnd = FastPath.rdtsc() + drainMillis * hz / 1000;
        long late = 0;
        while (FastPath.rdtsc() < drainEnd)
        {
            for (final int rxId : rxIds)
            {
                late += receive(rxId);
            }
        }
        recording = false;
        return new Trial(ratePps, (double)measuredTicks / hz, txOk + refused - offeredAtMeasure, txOk - txAtMeasure,
            txFailed - failedAtMeasure, refused - refusedAtMeasure, skipped - skippedAtMeasure, rxInWindow + late, rxInWindow, inspect,
            rxByLength.clone(), rxIpv4, rxIpv6, rxOther, stamps == null ? null : latency.copy());
    }

    /** Builds {@code count} frames into the mbufs just allocated at txArray. */
    private void fill(final int count)
    {
        // Locals, written back once: the loop is the generator's hottest (tens of Mpps on a loopback).
        int f = flow;
        int p = position;
        int stampIn = untilStamp;
        long stampTsc = 0;
        for (int i = 0; i < count; i++)
        {
            final long m = NativeMemory.u64(txArray + i * 8L);
            final int k = order[p];
            final int length = lengths[k];
            final long data = Mbuf.data(m);
            NativeMemory.move(bases[k] + (long)f * length, data, length);
            Mbuf.setLength(m, length);
            if (stamps != null && --stampIn == 0)
            {
                stampIn = stampEvery;
                if (stampTsc == 0)
                {
                    stampTsc = FastPath.rdtsc();
                }
                stamps.stamp(data, templates[k], stampTsc);
            }
            if (sealer != null)
            {
                sealer.seal(data, templates[k]);
            }
            if (++f == flows)
            {
                f = 0;
            }
            if (++p == order.length)
            {
                p = 0;
            }
        }
        flow = f;
        position = p;
        untilStamp = stampIn;
    }

    /** One receive burst from {@code rxId}: counted (by length, and family and stamp when stamping, if inspecting), then freed. */
    private int receive(final int rxId)
    {
        final int n = FastPath.rxBurst(rxId, 0, rxArray, 64);
        if (n == 0)
        {
            return 0;
        }
        if (!inspect)
        {
            FastPath.freeBulk(rxArray, n);
            return n;
        }
        long now = 0;
        for (int j = 0; j < n; j++)
        {
            final long m = NativeMemory.u64(rxArray + j * 8L);
            final int length = Mbuf.packetLength(m);
            rxByLength[length & LENGTH_MASK]++;
            if (stamps != null && Mbuf.segments(m) == 1)
            {
                final long data = Mbuf.data(m);
                final int type = length >= EthernetHeader.LENGTH ? NativeMemory.u16be(data + EthernetHeader.ETHER_TYPE) : 0;
                if (type == EthernetHeader.TYPE_IPV4)
                {
                    rxIpv4++;
                }
                else if (type == EthernetHeader.TYPE_IPV6)
                {
                    rxIpv6++;
                }
                else
                {
                    rxOther++;
                }
                final long stamp = stamps.stampOf(data, length);
                if (stamp >= 0 && recording)
                {
                    if (now == 0)
                    {
                        now = FastPath.rdtsc();
                    }
                    stamps.record(latency, stamp, now);
                }
            }
        }
        FastPath.freeBulk(rxArray, n);
        return n;
    }

    /**
     * One trial's counts over its measured window.
     *
     * @param offered    frames the generator tried to send (accepted + refused)
     * @param tx         frames the link accepted
     * @param ringFull   transmit calls that found the ring full
     * @param refused    frames a full ring refused ({@link RingFull#DROP}), lost
     * @param skipped    frames the pacing skipped after the generator fell behind (never offered)
     * @param rx         frames received, including those that arrived during the drain
     * @param rxInWindow frames received within the window (the receive rate's numerator)
     * @param inspected  whether received frames were counted by length ({@code rxByLength}; rx_sizes is null otherwise)
     * @param latency    round-trip latency in ns of stamped frames, or null when not stamping
     */
    public record Trial(long ratePps, double seconds, long offered, long tx, long ringFull, long refused, long skipped, long rx,
        long rxInWindow, boolean inspected, long[] rxByLength, long rxIpv4, long rxIpv6, long rxOther, Histogram latency)
        implements Rfc2544Search.Outcome
    {
        public long lost()
        {
            return offered - rx;
        }

        /** Lost frames in percent of those offered (negative if more came back than were sent: foreign frames). */
        @Override
        public double lossPercent()
        {
            return offered == 0 ? 100 : 100.0 * lost() / offered;
        }

        @Override
        public double offeredPps()
        {
            return offered / seconds;
        }

        /**
         * The trial's counts as JSON members (no braces): what the generator has always reported
         * (tx_packets, tx_ring_full_retries, rx_packets, tx_mpps, rx_mpps) and the rest.
         */
        public String jsonMembers()
        {
            if (!inspected)
            {
                return members(null);
            }
            final StringBuilder sizes = new StringBuilder("{");
            for (int length = 0; length < rxByLength.length; length++)
            {
                if (rxByLength[length] != 0)
                {
                    // Keys are sizes on the wire (FCS included), like --size.
                    sizes.append(sizes.length() > 1 ? "," : "").append('"').append(length + 4).append("\":").append(rxByLength[length]);
                }
            }
            sizes.append('}');
            return members(sizes.toString());
        }

        private String members(final String sizes)
        {
            return String.format(Locale.ROOT,
                "\"tx_packets\":%d,\"tx_ring_full_retries\":%d,\"rx_packets\":%d,\"tx_mpps\":%.3f,\"rx_mpps\":%.3f," +
                "\"rate_pps\":%d,\"measured_seconds\":%.3f,\"offered_packets\":%d,\"offered_pps\":%.1f,\"tx_refused\":%d," +
                "\"pacing_skipped\":%d,\"lost_packets\":%d,\"loss_pct\":%.6f,\"rx_sizes\":%s,%s\"latency_us\":%s",
                tx, ringFull, rx, tx / 1e6 / seconds, rxInWindow / 1e6 / seconds, ratePps, seconds, offered, offeredPps(),
                refused, skipped, lost(), lossPercent(), sizes,
                latency == null ? "" : String.format(Locale.ROOT, "\"rx_ipv4\":%d,\"rx_ipv6\":%d,\"rx_other\":%d,", rxIpv4, rxIpv6, rxOther),
                latency == null ? "null" : LatencyStamps.json(latency));
        }
    }
}
