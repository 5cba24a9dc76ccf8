package io.flowlane.perf;

import io.flowlane.controlplane.cli.FlowlaneCli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The whole command line: the operator's commands ({@link FlowlaneCli}) plus the measuring ones
 * that live in this module, {@code pktgen} and {@code bench}, so that help and shell completion
 * cover every verb ({@code ./flowlane} runs this class).
 */
public final class FlowlaneMain
{
    private FlowlaneMain()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine()
    {
        final CommandLine cli = FlowlaneCli.commandLine();
        cli.addSubcommand("pktgen", new CommandLine(new Pktgen()).setCaseInsensitiveEnumValuesAllowed(true));
        cli.addSubcommand("bench", new Bench());
        return cli;
    }

    @Command(name = "bench", description = {"Whole-system comparisons on this machine (docs/performance.md):",
        "forwarding: the appliance vs DPDK l3fwd (perf/bench.sh); tunnels: vs ipsec-secgw, and GRE (perf/bench-tunnels.sh).",
        "Settings come from the scripts' environment variables (ROUNDS, DURATION, DUTS, HUGE)."})
    static final class Bench implements Callable<Integer>
    {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", defaultValue = "forwarding", paramLabel = "WHICH", description = "forwarding or tunnels, default ${DEFAULT-VALUE}")
        String which;

        @Override
        public Integer call() throws Exception
        {
            final String script = switch (which)
            {
                case "forwarding" -> "perf/bench.sh";
                case "tunnels" -> "perf/bench-tunnels.sh";
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "WHICH: '" + which + "' is not forwarding or tunnels");
            };
            if (!new File(script).canExecute())
            {
                spec.commandLine().getErr().println("bench: " + script + " not found here; run it from the repository (./flowlane bench)");
                return FlowlaneCli.USAGE;
            }
            return new ProcessBuilder(List.of(script)).inheritIO().start().waitFor();
        }
    }
}
