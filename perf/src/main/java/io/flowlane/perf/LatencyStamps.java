package io.flowlane.perf;

import io.flowlane.dataplane.packet.Checksum;
import io.flowlane.dataplane.packet.NativeMemory;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Latency stamps in the generator's frames: the last 16 bytes of the inner UDP payload carry a
 * signature (8 bytes, fixed per run) and the TSC when the frame was built (8 bytes). The sink
 * looks at the same place in every frame it receives — the end of the frame, which is where the
 * inner packet ends whether the frame went through plain forwarding, GRE or ESP decapsulation, or
 * GRE encapsulation — and records (receive TSC − stamp) into a histogram, so the latency is the
 * round trip generator → device under test → generator on one clock.
 *
 * <p>The signature is "FLLAT" and 24 random bits: frames of other runs, other generators or
 * anyone else (whose last bytes would have to match 64 bits by chance) are not counted. A frame
 * held back by a full ring keeps its stamp, so under overload the latency includes that wait.
 */
public final class LatencyStamps
{
    /** Histogram range: 1 ns to 10 s, 3 significant digits; longer round trips are recorded as 10 s. */
    static final long MAX_NANOS = 10_000_000_000L;

    public final long signature = 0x464C4C41_54000000L | ThreadLocalRandom.current().nextInt(1 << 24);
    private final double nanosPerTick;

    public LatencyStamps(final long tscHz)
    {
        this.nanosPerTick = 1e9 / tscHz;
    }

    public static Histogram histogram()
    {
        return new Histogram(1, MAX_NANOS, 3);
    }

    /** Stamps the frame at {@code frame}; IPv6's UDP checksum is brought up to date (it covered zeros there). */
    public void stamp(final long frame, final FrameTemplates templates, final long tsc)
    {
        final long at = frame + templates.stampOffset;
        NativeMemory.u64(at, signature);
        NativeMemory.u64(at + 8, tsc);
        if (templates.udpChecksumOffset >= 0)
        {
            // RFC 1624: the payload's 16 bytes were zero when the template's checksum was computed.
            final long checksum = frame + templates.udpChecksumOffset;
            NativeMemory.u16be(checksum, FrameTemplates.udpChecksum((~NativeMemory.u16be(checksum) & 0xFFFF) +
                Checksum.add(0, at, FrameTemplates.STAMP_LENGTH)));
        }
    }

    /** The stamp's TSC if the {@code length} bytes at {@code data} end in one of this run's stamps, else -1. */
    public long stampOf(final long data, final int length)
    {
        if (length < FrameTemplates.STAMP_LENGTH + 42)
        {
            return -1;
        }
        final long at = data + length - FrameTemplates.STAMP_LENGTH;
        return NativeMemory.u64(at) == signature ? NativeMemory.u64(at + 8) : -1;
    }

    public void record(final Histogram histogram, final long stampTsc, final long nowTsc)
    {
        final long nanos = (long)((nowTsc - stampTsc) * nanosPerTick);
        histogram.recordValue(Math.max(1, Math.min(MAX_NANOS, nanos)));
    }

    /** {@code {"samples":n,"min":..,"p50":..,"p90":..,"p99":..,"p99_9":..,"max":..,"mean":..}} in microseconds; null without samples. */
    public static String json(final Histogram h)
    {
        if (h.getTotalCount() == 0)
        {
            return "null";
        }
        return String.format(Locale.ROOT,
            "{\"samples\":%d,\"min\":%.3f,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p99_9\":%.3f,\"max\":%.3f,\"mean\":%.3f}",
            h.getTotalCount(), h.getMinValue() / 1e3, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
            h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, h.getMean() / 1e3);
    }

    /** One line for people: {@code p50 12.3 us  p99 ...}. */
    public static String line(final Histogram h)
    {
        if (h.getTotalCount() == 0)
        {
            return "no latency samples";
        }
        return String.format(Locale.ROOT, "latency p50 %.1f us  p90 %.1f us  p99 %.1f us  p99.9 %.1f us  max %.1f us (%d samples)",
            h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount());
    }
}
