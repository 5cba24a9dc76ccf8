package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.sbe.BooleanType;
import io.flowlane.controlplane.sbe.CaptureDirection;
import io.flowlane.controlplane.sbe.CapturedFrameDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.text.Durations;

import io.aeron.FragmentAssembler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code flowlane capture PORT -w FILE}: a pcap of a port's traffic, as dpdk-dumpcap writes one.
 * The workers copy frames into rings only while the capture runs; the appliance streams them over
 * the control channel's capture stream and ends the capture itself after the count or duration,
 * so a capture whose reader died stops on its own. Ctrl-C stops it early and still closes the file.
 */
@Command(name = "capture", description = "Write a pcap of a port's frames (received, sent or both) on a running appliance.")
final class CaptureCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "PORT", description = "the port's name in the appliance's config")
    String port;

    @Option(names = {"-w", "--write"}, required = true, paramLabel = "FILE", description = "the pcap file to write")
    Path file;

    @Option(names = "--direction", defaultValue = "both", description = "rx, tx or both, default ${DEFAULT-VALUE}")
    String direction;

    @Option(names = {"-c", "--count"}, defaultValue = "10000000", description = "stop after this many frames, default ${DEFAULT-VALUE}")
    long count;

    @Option(names = {"-a", "--duration"}, defaultValue = "60s", description = "stop after this long (e.g. 10s, 5m; at most 10m), default ${DEFAULT-VALUE}")
    String duration;

    @Option(names = {"-s", "--snaplen"}, defaultValue = "2048", description = "bytes kept of each frame (64..9216), default ${DEFAULT-VALUE}")
    int snapLength;

    @Mixin
    ChannelOptions channel;

    @Spec
    CommandSpec spec;

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CapturedFrameDecoder frame = new CapturedFrameDecoder();
    private long captureId;
    private long frames;
    private long lost = -1;
    private IOException writeError;

    @Override
    public Integer call()
    {
        final CaptureDirection directions = switch (direction.toLowerCase(Locale.ROOT))
        {
            case "rx" -> CaptureDirection.RX;
            case "tx" -> CaptureDirection.TX;
            case "both" -> CaptureDirection.BOTH;
            default -> throw new ParameterException(spec.commandLine(), "--direction: " + direction + " is not rx, tx or both");
        };
        final long durationMillis;
        try
        {
            durationMillis = Durations.parse(duration).toMillis();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), "--duration: " + ex.getMessage());
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final CountDownLatch finished = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        // Ctrl-C: ask the appliance to stop and let the loop below write the rest and close the file.
        final Runnable onInterrupt = () ->
        {
            interrupted.set(true);
            try
            {
                finished.await(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
        };
        try (InterruptHook hook = InterruptHook.install("capture-stop", onInterrupt);
            ControlClient client = channel.connect(); PcapFile pcap = new PcapFile(file, snapLength))
        {
            final FragmentAssembler assembler = new FragmentAssembler((buffer, offset, length, h) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() != CapturedFrameDecoder.TEMPLATE_ID)
                {
                    return;
                }
                frame.wrapAndApplyHeader(buffer, offset, header);
                if (frame.captureId() != captureId)
                {
                    return; // someone else's capture
                }
                if (frame.end() == BooleanType.TRUE)
                {
                    lost = frame.lost();
                    return;
                }
                final long epochNanos = frame.epochNanos();
                final int originalLength = (int)frame.originalLength();
                final int bytes = frame.bytesLength();
                try
                {
                    pcap.write(epochNanos, originalLength, buffer, frame.limit() + CapturedFrameDecoder.bytesHeaderLength(), bytes);
                    frames++;
                }
                catch (final IOException ex)
                {
                    writeError = ex;
                }
            });
            captureId = client.captureStart(port, directions, snapLength, count, durationMillis, channel.timeoutMillis);
            final int refused = channel.refusal(client, captureId, "capture " + port, out, err);
            if (refused != FlowlaneCli.OK)
            {
                return refused;
            }
            if (!channel.json)
            {
                err.printf("capturing %s (%s) to %s: up to %d frames or %s, Ctrl-C stops%n", port, direction, file, count, duration);
                err.flush();
            }
            boolean stopSent = false;
            // The appliance ends the capture; allow for its duration plus the channel's timeout.
            final long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMillis + channel.timeoutMillis);
            while (lost < 0 && writeError == null)
            {
                if (interrupted.get() && !stopSent)
                {
                    client.captureStop();
                    stopSent = true;
                }
                if (client.captureStream().poll(assembler, 256) == 0)
                {
                    if (System.nanoTime() > giveUp)
                    {
                        throw new FlowlaneCli.Unreachable("capture " + port + ": the appliance stopped answering after " + frames +
                            " frames (the file has them)");
                    }
                    Thread.onSpinWait();
                    Thread.yield();
                }
            }
            if (writeError != null)
            {
                client.captureStop();
                throw new UncheckedIOException(writeError);
            }
        }
        catch (final IOException ex)
        {
            throw new ParameterException(spec.commandLine(), "-w: cannot write " + file + ": " + ex.getMessage());
        }
        finally
        {
            finished.countDown(); // a running hook waits for this
        }
        if (channel.json)
        {
            out.printf(Locale.ROOT, "{\"port\":\"%s\",\"file\":\"%s\",\"frames\":%d,\"lost\":%d}%n",
                io.flowlane.controlplane.text.Json.escape(port), io.flowlane.controlplane.text.Json.escape(file.toString()), frames, lost);
        }
        else
        {
            out.printf("%d frame(s) of %s (%s) written to %s; %d lost (capture rings or stream full)%n", frames, port, direction, file,
                lost);
        }
        out.flush();
        return FlowlaneCli.OK;
    }
}
