package io.flowlane.controlplane.channel;

import io.flowlane.dataplane.config.ConfigNode;
import io.flowlane.dataplane.extension.DataplaneExtension;
import io.flowlane.dataplane.extension.ExtensionConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Set;

/**
 * Reads the {@code control:} section of an appliance config (found through ServiceLoader when the
 * controlplane jar is on the class path): with it, the appliance listens for a controller over
 * Aeron, journals, recovers and publishes telemetry (docs/control-channel.md).
 */
public final class ControlChannelExtension implements DataplaneExtension
{
    @Override
    public Set<String> configKeys()
    {
        return Set.of("control");
    }

    @Override
    public ExtensionConfig parse(final ConfigNode root, final Set<String> interfaceNames)
    {
        final ConfigNode node = root.get("control");
        if (node == null)
        {
            return null;
        }
        node.checkKeys(Set.of("transport", "aeron-dir", "embedded-driver", "listen", "controller", "telemetry-interval-ms",
            "journal", "recover", "hmac-key-file", "key-encryption-key-file", "fault-injection"));
        final ControlChannelConfig.Transport transport =
            node.choice(ControlChannelConfig.Transport.class, "transport", ControlChannelConfig.Transport.IPC);
        final String listen = node.text("listen", null);
        final String controller = node.text("controller", null);
        final byte[] hmacKey = node.get("hmac-key-file") == null ? null : keyFile(node.require("hmac-key-file"), 32, false);
        if (transport == ControlChannelConfig.Transport.UDP)
        {
            if (listen == null)
            {
                throw node.error("listen: UDP control needs the host:port to receive commands on");
            }
            if (controller == null)
            {
                throw node.error("controller: UDP control needs the controller's host:port for acknowledgements and telemetry");
            }
            checkEndpoint(node.require("listen"));
            checkEndpoint(node.require("controller"));
            if (hmacKey == null)
            {
                throw node.error("hmac-key-file: UDP control needs an HMAC key: commands that cross hosts are authenticated");
            }
        }
        else if (listen != null || controller != null)
        {
            throw node.require(listen != null ? "listen" : "controller").error("only UDP control has listen and controller addresses");
        }
        final byte[] kek = node.get("key-encryption-key-file") == null ? null :
            keyFile(node.require("key-encryption-key-file"), KeyWrap.KEK_LENGTH, true);
        final String journal = node.text("journal", null);
        return new ControlChannelConfig(transport, node.text("aeron-dir", ControlChannelConfig.DEFAULT_AERON_DIRECTORY),
            node.bool("embedded-driver", true), listen, controller, node.integer("telemetry-interval-ms", 100, 1, 60_000),
            journal == null ? null : Path.of(journal), node.bool("recover", true), hmacKey, kek, node.bool("fault-injection", false));
    }

    /** A key file holds the key as hexadecimal text (whitespace ignored), readable by its owner only. */
    static byte[] keyFile(final ConfigNode node, final int length, final boolean exact)
    {
        final Path path = Path.of(node.text());
        try
        {
            final String text = Files.readString(path, StandardCharsets.US_ASCII).replaceAll("\\s", "");
            final byte[] key = HexFormat.of().parseHex(text);
            if (exact ? key.length != length : key.length < length)
            {
                throw node.error(path + " holds " + key.length + " bytes; the key needs " + (exact ? "" : "at least ") + length +
                    " (" + 2 * length + " hex digits)");
            }
            return key;
        }
        catch (final IOException ex)
        {
            throw node.error("cannot read " + path + ": " + ex.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            throw node.error(path + " is not hexadecimal text");
        }
    }

    private static void checkEndpoint(final ConfigNode node)
    {
        final String text = node.text();
        final int colon = text.lastIndexOf(':');
        try
        {
            final int port = Integer.parseInt(text.substring(colon + 1));
            if (colon <= 0 || port < 1 || port > 65535)
            {
                throw node.error(text + " is not host:port");
            }
        }
        catch (final NumberFormatException ex)
        {
            throw node.error(text + " is not host:port");
        }
    }
}
