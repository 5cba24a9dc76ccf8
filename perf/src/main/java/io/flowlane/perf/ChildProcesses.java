package io.flowlane.perf;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts flowlane processes (appliance, generator) from this JVM, with its class path and access flags. */
public final class ChildProcesses
{
    private ChildProcesses()
    {
    }

    /** Runs {@code mainClass} in a new JVM, output (both streams) to {@code log}. */
    public static Process java(final Path log, final String mainClass, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc"))
            {
                command.add(arg);
            }
        }
        command.add("-Xmx512m");
        // FLOWLANE_CHILD_JVM_OPTS: extra options for these JVMs (diagnostics, e.g. -Xlog:gc).
        final String extra = System.getenv("FLOWLANE_CHILD_JVM_OPTS");
        if (extra != null && !extra.isBlank())
        {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("flowlane.") || k.startsWith("chronicle.")).forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until {@code log} contains {@code line}; throws with the log if the process dies or time runs out. */
    public static void awaitLine(final Process process, final Path log, final String line, final int seconds)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(log).contains(line))
        {
            if (!process.isAlive() || System.nanoTime() > deadline)
            {
                throw new IllegalStateException("process did not print '" + line + "': " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    public static void stop(final Process process) throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
        }
    }
}
