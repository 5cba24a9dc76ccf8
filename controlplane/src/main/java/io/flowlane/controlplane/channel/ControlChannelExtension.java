package io.flowlane.controlplane.channel;

import io.flowlane.dataplane.config.ConfigNode;
import io.flowlane.dataplane.extension.DataplaneExtension;
import io.flowlane.dataplane.extension.ExtensionConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            "journal", "recover", "hmac-key-file", "key-encryption-key-file", "fault-injection", "http-listen", "http-token-file"));
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
            checkEndpoint(node.require("listen"), 1);
            checkEndpoint(node.require("controller"), 1);
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
        final String journalText = node.text("journal", null);
        // docs/configuration.md: "none = no journal" (it used to be taken for a directory named none).
        final String journal = "none".equals(journalText) ? null : journalText;
        final String httpListen = node.text("http-listen", null);
        byte[] httpToken = null;
        if (httpListen != null)
        {
            checkEndpoint(node.require("http-listen"), 0); // 0: any free port (tests)
            final String host = httpListen.substring(0, httpListen.lastIndexOf(':'));
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]") && !host.equals("::1"))
            {
                throw node.require("http-listen").error(httpListen + " is not a loopback address: the endpoint is local only " +
                    "(put a TLS proxy in front of it to reach it from elsewhere)");
            }
            if (node.get("http-token-file") == null)
            {
                throw node.error("http-token-file: the HTTP endpoint needs a token (a file holding at least 16 characters)");
            }
            httpToken = tokenFile(node.require("http-token-file"));
        }
        else if (node.get("http-token-file") != null)
        {
            throw node.require("http-token-file").error("a token without http-listen: the endpoint is off");
        }
        return new ControlChannelConfig(transport, node.text("aeron-dir", ControlChannelConfig.DEFAULT_AERON_DIRECTORY),
            node.bool("embedded-driver", true), listen, controller, node.integer("telemetry-interval-ms", 100, 1, 60_000),
            journal == null ? null : Path.of(journal), node.bool("recover", true), hmacKey, kek, node.bool("fault-injection", false),
            httpListen, httpToken);
    }

    /** A key file holds the key as hexadecimal text (whitespace ignored), readable by its owner only. */
    static byte[] keyFile(final ConfigNode node, final int length, final boolean exact)
    {
        try
        {
            return KeyWrap.readHexKey(Path.of(node.text()), length, exact);
        }
        catch (final IllegalArgumentException ex)
        {
            throw node.error(ex.getMessage());
        }
    }

    private static byte[] tokenFile(final ConfigNode node)
    {
        final Path path = Path.of(node.text());
        try
        {
            final String token = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (token.length() < 16)
            {
                throw node.error(path + " holds a token of " + token.length() + " characters; at least 16");
            }
            return token.getBytes(StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw node.error("cannot read " + path + ": " + ex.getMessage());
        }
    }

    private static void checkEndpoint(final ConfigNode node, final int minPort)
    {
        final String text = node.text();
        final int colon = text.lastIndexOf(':');
        try
        {
            final int port = Integer.parseInt(text.substring(colon + 1));
            if (colon <= 0 || port < minPort || port > 65535)
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
