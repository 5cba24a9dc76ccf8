package io.flowlane.controlplane.cli;

import io.flowlane.dataplane.ApplianceMain;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flowlane run CFG [SECONDS]}: runs an appliance in this process until stopped (SIGINT/SIGTERM) or for SECONDS. */
@Command(name = "run", description = "Run an appliance from a config file until stopped (or for SECONDS), printing rates once a second.")
final class RunCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "CFG")
    Path config;

    @Parameters(index = "1", paramLabel = "SECONDS", defaultValue = "0", description = "0: until stopped")
    int seconds;

    @Override
    public Integer call() throws InterruptedException
    {
        // ApplianceMain exits with 0 (stopped), 1 (could not start) or 2 (bad config): the CLI's own codes.
        ApplianceMain.main(new String[] {config.toString(), Integer.toString(seconds)});
        return FlowlaneCli.OK;
    }
}
