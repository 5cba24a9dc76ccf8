package io.flowlane.controlplane.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The operator's command line, in the spirit of VPP's {@code vppctl}: check a config, look at and
 * change a running appliance over its Aeron control channel, read its journal.
 *
 * <p>Exit codes: 0 done; 1 the data plane refused the change (field and reason on stderr);
 * 2 bad usage or a bad config file; 3 the appliance could not be reached.
 */
@Command(name = "flowlane", mixinStandardHelpOptions = true, version = "flowlane 0.1.0",
    description = "Operate a flowlane appliance.",
    subcommands = {RunCommand.class, ValidateCommand.class, ShowCommand.class, RouteCommand.class, TunnelCommand.class, ClassCommand.class, CaptureCommand.class, ControllerCommand.class, HistoryCommand.class,
        MeshManagerCommand.class, MeshAgentCommand.class,
        CommandLine.HelpCommand.class, picocli.AutoComplete.GenerateCompletion.class})
public final class FlowlaneCli
{
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    /** Chronicle's start-up chatter is not for a command's output; held here so the setting is not collected. */
    private static final java.util.logging.Logger CHRONICLE = java.util.logging.Logger.getLogger("net.openhft");

    public static void main(final String[] args)
    {
        CHRONICLE.setLevel(java.util.logging.Level.WARNING);
        System.exit(commandLine().execute(args));
    }

    /** The command line with flowlane's exit codes for usage errors and failures. */
    public static CommandLine commandLine()
    {
        final CommandLine cli = new CommandLine(new FlowlaneCli());
        cli.setExitCodeExceptionMapper(ex -> ex instanceof Unreachable ? UNREACHABLE : USAGE);
        // A person reads these: the reason, not a stack trace (FLOWLANE_DEBUG=1 adds it).
        cli.setExecutionExceptionHandler((ex, commandLine, parsed) ->
        {
            commandLine.getErr().println("flowlane " + commandLine.getCommandName() + ": " + ex.getMessage());
            if (System.getenv("FLOWLANE_DEBUG") != null)
            {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return ex instanceof Unreachable ? UNREACHABLE : USAGE;
        });
        cli.getCommandSpec().usageMessage().exitCodeListHeading("Exit codes:%n")
            .exitCodeList(java.util.Map.of("0", "done", "1", "refused by the data plane (field: reason on stderr)",
                "2", "bad usage or config", "3", "appliance not reachable"));
        return cli;
    }

    /** The appliance's control channel did not answer. */
    static final class Unreachable extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Unreachable(final String message)
        {
            super(message);
        }
    }
}
