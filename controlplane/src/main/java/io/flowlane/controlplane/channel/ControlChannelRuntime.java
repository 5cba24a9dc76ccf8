package io.flowlane.controlplane.channel;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.flowlane.controlplane.journal.Journal;
import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.extension.ExtensionRuntime;
import io.flowlane.tunnels.TunnelsRuntime;

import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The control channel of a running appliance: the media driver (embedded by default), the Aeron
 * client with the command subscription and the acknowledgement and telemetry publications, the
 * journal, and the {@link ControlEndpoint} running as a duty of the control thread. Started by
 * the appliance once its workers run ({@link #started}); closed after its control thread stopped.
 */
public final class ControlChannelRuntime implements ExtensionRuntime
{
    /** Chronicle announces itself at INFO (versions, a mailing list); keep the appliance's log for what matters. */
    private static final java.util.logging.Logger CHRONICLE = java.util.logging.Logger.getLogger("net.openhft");

    static
    {
        CHRONICLE.setLevel(java.util.logging.Level.WARNING);
    }

    private final ControlChannelConfig config;
    private MediaDriver driver;
    private Aeron aeron;
    private Subscription commands;
    private Publication acks;
    private Publication telemetryPublication;
    private Publication capturePublication;
    private Journal journal;
    private ControlEndpoint endpoint;
    private io.flowlane.controlplane.http.HttpEndpoint http;
    private final UpdateLatency latency = new UpdateLatency();

    ControlChannelRuntime(final ControlChannelConfig config)
    {
        this.config = config;
    }

    @Override
    public void started(final Appliance appliance)
    {
        TunnelsRuntime tunnels = null;
        for (final ExtensionRuntime extension : appliance.extensions())
        {
            if (extension instanceof TunnelsRuntime runtime)
            {
                tunnels = runtime;
            }
        }
        try
        {
            if (config.embeddedDriver())
            {
                driver = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(config.aeronDirectory())
                    .dirDeleteOnShutdown(true)
                    .threadingMode(ThreadingMode.SHARED)
                    // The driver shares the host with busy-polling workers: back off to a park when idle.
                    .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                        TimeUnit.MICROSECONDS.toNanos(100))));
            }
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(config.aeronDirectory()));
            commands = aeron.addSubscription(config.commandChannel(), ControlChannelConfig.COMMAND_STREAM);
            acks = aeron.addPublication(config.responseChannel(), ControlChannelConfig.ACK_STREAM);
            telemetryPublication = aeron.addPublication(config.responseChannel(), ControlChannelConfig.TELEMETRY_STREAM);
            capturePublication = aeron.addPublication(config.responseChannel(), ControlChannelConfig.CAPTURE_STREAM);
            journal = config.journal() == null ? null : Journal.open(config.journal());
            final CommandApplier applier = new CommandApplier(appliance.control(), tunnels == null ? null : tunnels.table(),
                config.keyEncryptionKey() == null ? null : new KeyWrap(config.keyEncryptionKey()),
                appliance.workers().size(), appliance.ports().size());
            final CaptureStreamer captures = new CaptureStreamer(appliance.capture(), capturePublication, appliance.quiescentState(),
                appliance.config().ports().stream().map(io.flowlane.dataplane.config.ApplianceConfig.Port::name).toList(),
                appliance.ports().stream().mapToInt(io.flowlane.dataplane.port.EthPort::id).toArray());
            applier.captures(captures).classes(appliance.trafficClasses(), appliance.circuitBreakers());
            appliance.addControlDuty(captures);
            if (config.faultInjection())
            {
                applier.allowFaultInjection(io.flowlane.dataplane.eal.Eal.tscHz(), appliance.nodeFault());
            }
            final Telemetry telemetry = new Telemetry(appliance, tunnels, telemetryPublication, journal, latency,
                TimeUnit.MILLISECONDS.toNanos(config.telemetryIntervalMillis()));
            endpoint = new ControlEndpoint(commands, acks,
                config.transport() == ControlChannelConfig.Transport.UDP ? new FrameAuthenticator(config.hmacKey()) : null,
                applier, appliance.quiescentState(), journal, telemetry, latency, appliance.control(),
                tunnels == null ? null : tunnels.table(), config.recover() ? journal : null);
            appliance.addControlDuty(endpoint);
            // The appliance counts as started once its tables are back from the journal.
            while (!endpoint.started())
            {
                Thread.onSpinWait();
                Thread.yield();
            }
            if (config.httpListen() != null)
            {
                final String listen = config.httpListen();
                final int colon = listen.lastIndexOf(':');
                http = new io.flowlane.controlplane.http.HttpEndpoint(
                    new java.net.InetSocketAddress(listen.substring(0, colon).replace("[", "").replace("]", ""),
                        Integer.parseInt(listen.substring(colon + 1))),
                    config.httpToken(), appliance, tunnels, endpoint, latency, config.journal());
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
        catch (final java.io.IOException ex)
        {
            close();
            throw new IllegalStateException("http-listen: " + config.httpListen() + ": " + ex.getMessage(), ex);
        }
    }

    /** The management HTTP endpoint, or null when it is off. */
    public io.flowlane.controlplane.http.HttpEndpoint http()
    {
        return http;
    }

    public ControlChannelConfig config()
    {
        return config;
    }

    /** The endpoint's counters (applied, rejected, recovered); null before {@link #started}. */
    public ControlEndpoint endpoint()
    {
        return endpoint;
    }

    public UpdateLatency latency()
    {
        return latency;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(http, commands, acks, telemetryPublication, capturePublication, aeron, driver, journal);
        http = null;
        commands = null;
        acks = null;
        telemetryPublication = null;
        capturePublication = null;
        aeron = null;
        driver = null;
        journal = null;
    }
}
