package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlClient;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code flowlane class set}: throttle or release a traffic class on a running appliance (seed 001's throttling). */
@Command(name = "class", description = "Change a traffic class on a running appliance (classes are defined in its config).",
    subcommands = {ClassCommand.Set.class})
final class ClassCommand
{
    @Command(name = "set", description = "Set a class's policed rate (0 = unlimited) and burst, across all workers.")
    static final class Set implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "CLASS")
        String name;

        @Option(names = "--rate-mbps", required = true, description = "policed rate in Mbit/s (fractions allowed), 0 = unlimited")
        double rateMbps;

        @Option(names = "--burst-kb", defaultValue = "64", description = "bucket depth in KiB, default ${DEFAULT-VALUE}")
        long burstKb;

        @Mixin
        ChannelOptions channel;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            if (!(rateMbps >= 0 && rateMbps <= 1_000_000))
            {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rate-mbps: " + rateMbps + " is outside 0..1000000");
            }
            try (ControlClient client = channel.connect())
            {
                return channel.outcome(client, client.classRate(name, Math.round(rateMbps * 1e6), burstKb * 1024), "class set " + name,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }
    }
}
