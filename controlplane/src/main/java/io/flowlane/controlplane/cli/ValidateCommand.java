package io.flowlane.controlplane.cli;

import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.config.ConfigLoader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code flowlane validate FILE}: checks a config without starting anything. */
@Command(name = "validate", description = "Check an appliance config file without starting anything.")
final class ValidateCommand implements Callable<Integer>
{
    @Parameters(paramLabel = "FILE", description = "the appliance config (YAML)")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        if (!Files.isRegularFile(file))
        {
            spec.commandLine().getErr().println(file + ": no such file");
            return FlowlaneCli.USAGE;
        }
        try
        {
            final ApplianceConfig config = ConfigLoader.load(file);
            spec.commandLine().getOut().printf("%s: valid (%d port(s), %d interface(s), %d worker(s), %d route(s), %d extension(s))%n",
                file, config.ports().size(), config.interfaces().size(), config.workers().count(), config.routes().size(),
                config.extensions().size());
            return FlowlaneCli.OK;
        }
        catch (final ConfigException ex)
        {
            spec.commandLine().getErr().println(ex.getMessage());
            return FlowlaneCli.USAGE;
        }
    }
}
