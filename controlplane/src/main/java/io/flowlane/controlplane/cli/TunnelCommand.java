package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.channel.KeyWrap;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.EspTunnel;
import io.flowlane.tunnels.GreTunnel;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.esp.SecurityAssociation;
import io.flowlane.tunnels.esp.TrafficSelector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code flowlane tunnel add|scale|del}: tunnels on a running appliance. */
@Command(name = "tunnel", description = "Add, scale or delete a tunnel on a running appliance.",
    subcommands = {TunnelCommand.Add.class, TunnelCommand.Scale.class, TunnelCommand.Delete.class})
final class TunnelCommand
{
    @Command(name = "add", description = "Add a GRE or an IPsec ESP (AES-GCM) tunnel.")
    static final class Add implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--protocol", defaultValue = "gre", description = "gre or esp, default ${DEFAULT-VALUE}")
        String protocol;

        @Option(names = "--source", required = true, description = "our outer address")
        String source;

        @Option(names = "--destination", required = true, description = "the peer's outer address")
        String destination;

        @Option(names = "--key", description = "GRE: key (RFC 2890)")
        Long key;

        @Option(names = "--sequence", description = "GRE: sequence numbers")
        boolean sequence;

        @Option(names = "--checksum", description = "GRE: checksums")
        boolean checksum;

        @Option(names = "--out-spi", description = "ESP: the outbound SA's SPI (decimal or 0x..)")
        String outSpi;

        @Option(names = "--in-spi", description = "ESP: the inbound SA's SPI")
        String inSpi;

        @Option(names = "--sa-keys", paramLabel = "FILE",
            description = "ESP: file with the lines 'outbound KEYHEX SALTHEX' and 'inbound KEYHEX SALTHEX' " +
                "(keys never go on the command line, where ps would show them)")
        Path saKeys;

        @Option(names = "--kek-file", paramLabel = "FILE",
            description = "ESP: the appliance's key-encryption key (its control.key-encryption-key-file); SA keys leave wrapped under it")
        Path kekFile;

        @Option(names = "--selector", paramLabel = "LOCAL=REMOTE",
            description = "ESP: inbound policy, inner packets from REMOTE to LOCAL prefix (repeatable)")
        List<String> selectors = new ArrayList<>();

        @Option(names = "--esn", description = "ESP: 64-bit extended sequence numbers")
        boolean esn;

        @Option(names = "--replay-window", defaultValue = "1024", description = "ESP: anti-replay window in packets")
        int replayWindow;

        @Option(names = "--ttl", defaultValue = "64")
        int ttl;

        @Option(names = "--mtu", defaultValue = "1500")
        int mtu;

        @Option(names = "--mbps", defaultValue = "0", description = "shaped rate, 0 = unshaped")
        long mbps;

        @Mixin
        ChannelOptions channel;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            final Tunnel tunnel;
            byte[] kek = null;
            try
            {
                final Endpoints endpoints = Endpoints.parse(source, destination, ttl);
                switch (protocol.toLowerCase(Locale.ROOT))
                {
                    case "gre" -> tunnel = new GreTunnel(name, endpoints, key == null ? -1 : key, sequence, checksum, mtu,
                        mbps * 1_000_000L);
                    case "esp" ->
                    {
                        tunnel = esp(endpoints);
                        kek = hexFile("--kek-file", kekFile);
                    }
                    default -> throw new IllegalArgumentException("--protocol: " + protocol + " is neither gre nor esp");
                }
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ParameterException(spec.commandLine(), ex.getMessage());
            }
            try (ControlClient client = channel.connect(kek))
            {
                return channel.outcome(client, client.tunnelCreate(tunnel), "tunnel add " + name, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
            }
        }

        private EspTunnel esp(final Endpoints endpoints)
        {
            if (key != null || sequence || checksum)
            {
                throw new IllegalArgumentException("--key, --sequence, --checksum: GRE options, this is an ESP tunnel");
            }
            final String keys = text("--sa-keys", saKeys);
            SecurityAssociation outbound = null;
            SecurityAssociation inbound = null;
            int lineNumber = 0;
            for (final String line : keys.split("\n"))
            {
                lineNumber++;
                final String content = line.replaceFirst("#.*", "").strip();
                if (content.isEmpty())
                {
                    continue;
                }
                final String[] words = content.split("\\s+");
                final String where = "--sa-keys: " + saKeys + ":" + lineNumber;
                if (words.length != 3)
                {
                    throw new IllegalArgumentException(where + ": expected 'outbound|inbound KEYHEX SALTHEX'");
                }
                final byte[] salt = SecurityAssociation.hex(where + ": salt", words[2]);
                if (salt.length != 4)
                {
                    throw new IllegalArgumentException(where + ": salt: needs 4 bytes (8 hex digits), not " + salt.length);
                }
                final boolean isOutbound = switch (words[0])
                {
                    case "outbound" -> true;
                    case "inbound" -> false;
                    default -> throw new IllegalArgumentException(where + ": '" + words[0] + "' is neither outbound nor inbound");
                };
                final SecurityAssociation sa;
                try
                {
                    sa = new SecurityAssociation(spi(isOutbound ? "--out-spi" : "--in-spi", isOutbound ? outSpi : inSpi),
                        SecurityAssociation.hex(where + ": key", words[1]), java.nio.ByteBuffer.wrap(salt).getInt(), esn,
                        replayWindow, 0, 0);
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new IllegalArgumentException(ex.getMessage().startsWith("--") ? ex.getMessage() : where + ": " + ex.getMessage());
                }
                if (isOutbound)
                {
                    outbound = sa;
                }
                else
                {
                    inbound = sa;
                }
            }
            if (outbound == null || inbound == null)
            {
                throw new IllegalArgumentException("--sa-keys: " + saKeys + " needs an outbound and an inbound line");
            }
            final List<TrafficSelector> parsed = new ArrayList<>();
            for (final String selector : selectors)
            {
                final int equals = selector.indexOf('=');
                if (equals < 0)
                {
                    throw new IllegalArgumentException("--selector: '" + selector + "' is not LOCAL=REMOTE");
                }
                parsed.add(TrafficSelector.parse(selector.substring(0, equals), selector.substring(equals + 1)));
            }
            return new EspTunnel(name, endpoints, outbound, inbound, parsed, mtu, mbps * 1_000_000L);
        }

        private static long spi(final String option, final String text)
        {
            if (text == null)
            {
                throw new IllegalArgumentException(option + ": required for an ESP tunnel");
            }
            try
            {
                return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(option + ": '" + text + "' is not a number");
            }
        }

        private static String text(final String option, final Path file)
        {
            if (file == null)
            {
                throw new IllegalArgumentException(option + ": required for an ESP tunnel");
            }
            try
            {
                return Files.readString(file, StandardCharsets.US_ASCII);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException(option + ": cannot read " + file + ": " + ex.getMessage());
            }
        }

        private static byte[] hexFile(final String option, final Path file)
        {
            if (file == null)
            {
                throw new IllegalArgumentException(option + ": required for an ESP tunnel");
            }
            try
            {
                return KeyWrap.readHexKey(file, KeyWrap.KEK_LENGTH, true);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException(option + ": " + ex.getMessage());
            }
        }
    }

    @Command(name = "scale", description = "Change a tunnel's shaped rate.")
    static final class Scale implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--mbps", required = true, description = "new shaped rate, 0 = unshaped")
        long mbps;

        @Mixin
        ChannelOptions channel;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            try (ControlClient client = channel.connect())
            {
                return channel.outcome(client, client.tunnelScale(name, mbps * 1_000_000L), "tunnel scale " + name,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }
    }

    @Command(name = "del", description = "Delete a tunnel no route uses.")
    static final class Delete implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        ChannelOptions channel;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            try (ControlClient client = channel.connect())
            {
                return channel.outcome(client, client.tunnelDelete(name), "tunnel del " + name, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
            }
        }
    }
}
