package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;

/** {@code flowlane route add|del}: routes on a running appliance. */
@Command(name = "route", description = "Add or delete a route on a running appliance.",
    subcommands = {RouteCommand.Add.class, RouteCommand.Delete.class})
final class RouteCommand
{
    /** "10.0.0.0/8" or "2001:db8::/32" → {family, hi, lo, length}. */
    static long[] prefix(final CommandSpec spec, final String text)
    {
        try
        {
            final int family = text.contains(":") ? 6 : 4;
            final long[] p = ConfigLoader.prefix(text, family, true);
            return new long[] {family, p[0], p[1], p[2]};
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), "PREFIX: " + ex.getMessage());
        }
    }

    @Command(name = "add", description = "Add or replace a route: via gateways (several: ECMP), into tunnels, or drop.")
    static final class Add implements java.util.concurrent.Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "PREFIX", description = "e.g. 198.18.0.0/16 or 2001:db8::/32")
        String prefix;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target
        {
            @Option(names = "--via", paramLabel = "ADDR[@IFACE][*WEIGHT]", description = "a gateway (repeat for ECMP)")
            List<String> via;

            @Option(names = "--tunnel", paramLabel = "NAME[*WEIGHT]", description = "a tunnel (repeat for ECMP)")
            List<String> tunnels;

            @Option(names = "--drop", description = "discard what matches")
            boolean drop;
        }

        @Mixin
        ChannelOptions channel;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            final long[] p = prefix(spec, prefix);
            final List<NextHop> hops = new ArrayList<>();
            if (target.drop)
            {
                hops.add(NextHop.drop());
            }
            if (target.via != null)
            {
                for (final String via : target.via)
                {
                    hops.add(gateway((int)p[0], via));
                }
            }
            if (target.tunnels != null)
            {
                for (final String tunnel : target.tunnels)
                {
                    final String[] parts = tunnel.split("\\*", 2);
                    hops.add(NextHop.tunnel(parts[0], parts.length > 1 ? weight(parts[1]) : 1));
                }
            }
            try (ControlClient client = channel.connect())
            {
                return channel.outcome(client, client.routeAdd((int)p[0], p[1], p[2], (int)p[3], hops), "route add " + prefix,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }

        private NextHop gateway(final int family, final String text)
        {
            String rest = text;
            int weight = 1;
            final int star = rest.indexOf('*');
            if (star >= 0)
            {
                weight = weight(rest.substring(star + 1));
                rest = rest.substring(0, star);
            }
            String itf = null;
            final int at = rest.indexOf('@');
            if (at >= 0)
            {
                itf = rest.substring(at + 1);
                rest = rest.substring(0, at);
            }
            try
            {
                if (family == 4)
                {
                    return NextHop.viaIpv4(itf, Ipv4Header.parse(rest), weight);
                }
                final long[] address = Ipv6Header.parse(rest);
                return NextHop.viaIpv6(itf, address[0], address[1], weight);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ParameterException(spec.commandLine(), "--via " + text + ": " + ex.getMessage());
            }
        }

        private int weight(final String text)
        {
            final int weight;
            try
            {
                weight = Integer.parseInt(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new ParameterException(spec.commandLine(), "weight '" + text + "' is not a number");
            }
            if (weight < 1 || weight > 65535)
            {
                throw new ParameterException(spec.commandLine(), "weight " + weight + " is outside 1..65535");
            }
            return weight;
        }
    }

    @Command(name = "del", description = "Delete a route.")
    static final class Delete implements java.util.concurrent.Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "PREFIX")
        String prefix;

        @Mixin
        ChannelOptions channel;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            final long[] p = prefix(spec, prefix);
            try (ControlClient client = channel.connect())
            {
                return channel.outcome(client, client.routeDelete((int)p[0], p[1], p[2], (int)p[3]), "route del " + prefix,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }
    }
}
