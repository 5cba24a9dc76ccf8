package io.flowlane.dataplane.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent protocol peers (scapy scripts under src/test/python, tshark) with
 * Debian's python3, where python3-scapy lives. A missing peer fails the test: CI installs them.
 */
public final class Peers
{
    public static final Path SCRIPTS = Path.of("src/test/python").toAbsolutePath();
    private static final String PYTHON = "/usr/bin/python3";

    private Peers()
    {
    }

    /** Runs a script from src/test/python; returns its output; fails the test on a non-zero exit. */
    public static String python(final String script, final Object... args)
    {
        final List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPTS.resolve(script).toString()));
        for (final Object arg : args)
        {
            command.add(String.valueOf(arg));
        }
        return run(command);
    }

    public static String run(final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " timed out\n" + output);
            }
            assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
            return output;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run " + command.get(0) + " (install python3-scapy and tshark: see README)", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }
}
