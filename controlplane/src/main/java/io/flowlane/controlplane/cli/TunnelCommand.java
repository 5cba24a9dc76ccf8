package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.tunnels.Endpoints;
import io.flowlane.tunnels.GreTunnel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code flowlane tunnel add|scale|del}: tunnels on a running appliance. */
@Command(name = "tunnel", description = "Add, scale or delete a tunnel on a running appliance.",
    subcommands = {TunnelCommand.Add.class, TunnelCommand.Scale.class, TunnelCommand.Delete.class})
final class TunnelCommand
{
    @Command(name = "add", description = "Add a GRE tunnel (ESP tunnels with their SAs: in the config file, or over the API with a key-encryption key).")
    static final class Add implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--source", required = true, description = "our outer address")
        String source;

        @Option(names = "--destination", required = true, description = "the peer's outer address")
        String destination;

        @Option(names = "--key", description = "GRE key (RFC 2890)")
        Long key;

        @Option(names = "--sequence", description = "GRE sequence numbers")
        boolean sequence;

        @Option(names = "--checksum", description = "GRE checksums")
        boolean checksum;

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
            final GreTunnel tunnel;
            try
            {
                tunnel = new GreTunnel(name, Endpoints.parse(source, destination, ttl), key == null ? -1 : key, sequence, checksum, mtu,
                    mbps * 1_000_000L);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ParameterException(spec.commandLine(), ex.getMessage());
            }
            try (ControlClient client = channel.connect())
            {
                return channel.outcome(client, client.tunnelCreate(tunnel), "tunnel add " + name, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
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
