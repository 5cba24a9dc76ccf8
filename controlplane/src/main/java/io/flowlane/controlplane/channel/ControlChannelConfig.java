package io.flowlane.controlplane.channel;

import io.flowlane.dataplane.extension.ExtensionConfig;
import io.flowlane.dataplane.extension.ExtensionContext;
import io.flowlane.dataplane.extension.ExtensionRuntime;

import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code control:} section of an appliance config: how the data plane listens for its
 * controller (docs/control-channel.md).
 *
 * @param transport          IPC (controller on this host, shared memory) or UDP (remote controller)
 * @param aeronDirectory     the media driver's directory; an IPC controller must use the same one
 * @param embeddedDriver     start a media driver inside the appliance (else connect to a running one)
 * @param listen             UDP: host:port the data plane receives commands on
 * @param controller         UDP: host:port acknowledgements and telemetry are sent to
 * @param telemetryIntervalMillis how often telemetry is published
 * @param journal            directory of the Chronicle Queue journal, or null for none
 * @param recover            re-apply the journal's commands at start (restart recovery)
 * @param hmacKey            UDP: the key frames are authenticated with (required for UDP)
 * @param keyEncryptionKey   the key SA keys arrive wrapped under, or null (ESP creates are then refused)
 * @param faultInjection     accept FaultInjection messages (tests and drills; off by default)
 * @param httpListen         loopback host:port of the management HTTP endpoint, or null (off)
 * @param httpToken          the bearer token every HTTP request must carry (required with httpListen)
 */
public record ControlChannelConfig(
    Transport transport, String aeronDirectory, boolean embeddedDriver, String listen, String controller,
    int telemetryIntervalMillis, Path journal, boolean recover, byte[] hmacKey, byte[] keyEncryptionKey, boolean faultInjection,
    String httpListen, byte[] httpToken)
    implements ExtensionConfig
{
    public static final int COMMAND_STREAM = 1001;
    public static final int ACK_STREAM = 1002;
    public static final int TELEMETRY_STREAM = 1003;
    /** Captured frames ({@code flowlane capture}), on the response channel. */
    public static final int CAPTURE_STREAM = 1004;
    public static final String DEFAULT_AERON_DIRECTORY = "/dev/shm/flowlane-aeron";

    public enum Transport
    {
        IPC, UDP
    }

    /** The channel the data plane receives commands on. */
    public String commandChannel()
    {
        return transport == Transport.IPC ? "aeron:ipc" : "aeron:udp?endpoint=" + listen;
    }

    /** The channel acknowledgements and telemetry travel on. */
    public String responseChannel()
    {
        return transport == Transport.IPC ? "aeron:ipc" : "aeron:udp?endpoint=" + controller;
    }

    /** An IPC channel with the defaults, for tests and embedded use. */
    public static ControlChannelConfig ipc(final String aeronDirectory, final Path journal, final byte[] keyEncryptionKey)
    {
        return new ControlChannelConfig(Transport.IPC, aeronDirectory, true, null, null, 100, journal, true, null, keyEncryptionKey,
            false, null, null);
    }

    @Override
    public Set<String> tunnelNames()
    {
        return Set.of();
    }

    @Override
    public ExtensionRuntime start(final ExtensionContext context)
    {
        return new ControlChannelRuntime(this);
    }
}
