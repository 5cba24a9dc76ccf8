package io.flowlane.dataplane.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.management.ObjectName;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * What the JIT is doing, for tests that measure a thread's allocated bytes: the JVM allocates on
 * a thread's behalf when its code deoptimises (scalar-replaced objects are materialised, the
 * interpreter links call sites the compiled code never ran), so such a test measures only once
 * the JIT has nothing left to do, and says what the JIT did if the measurement still moves.
 */
public final class JitActivity implements AutoCloseable
{
    private final Recording recording = new Recording();

    public JitActivity()
    {
        // Deoptimisations (with the method and reason) and finished compilations, all of them.
        recording.enable("jdk.Deoptimization").withStackTrace().withThreshold(java.time.Duration.ZERO);
        recording.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
        recording.start();
    }

    /**
     * True when no method is being compiled and none is queued: HotSpot's own compile queue, read
     * through the Compiler.queue diagnostic command. The CompilationMXBean's total time alone
     * misses a long C2 compile that is still running (it counts only finished compiles).
     */
    public static boolean idle()
    {
        for (final String raw : compilerQueue().split("\n"))
        {
            final String line = raw.strip();
            final boolean heading = line.startsWith("Current compiles") || line.endsWith("compile queue:");
            if (!line.isEmpty() && !heading && !line.equals("Empty"))
            {
                return false; // a compile in progress, or a queued task
            }
        }
        return true;
    }

    static String compilerQueue()
    {
        try
        {
            return (String)ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
                new Object[] {null}, new String[] {String[].class.getName()});
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot read the compile queue (Compiler.queue): " + ex, ex);
        }
    }

    /**
     * The deoptimisations on {@code threadId} and the compilations anywhere since {@code since},
     * one line each, for a failure message.
     */
    public List<String> since(final Instant since, final long threadId)
    {
        final List<String> lines = new ArrayList<>();
        final List<String> compiles = new ArrayList<>();
        try
        {
            final Path file = Files.createTempFile("flowlane-jit", ".jfr");
            try
            {
                recording.dump(file);
                for (final RecordedEvent event : RecordingFile.readAllEvents(file))
                {
                    if (event.getStartTime().isBefore(since))
                    {
                        continue;
                    }
                    final String name = event.getEventType().getName();
                    if (name.equals("jdk.Deoptimization") && event.getThread() != null &&
                        event.getThread().getJavaThreadId() == threadId)
                    {
                        lines.add("deoptimised " + method(event) + " line " + event.getInt("lineNumber") + " (" +
                            event.getString("reason") + ", " + event.getString("action") + ")" + top(event));
                    }
                    else if (name.equals("jdk.Compilation"))
                    {
                        compiles.add("compiled " + method(event) + " at tier " + event.getValue("compileLevel") +
                            (event.getBoolean("isOsr") ? " (OSR)" : ""));
                    }
                }
            }
            finally
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final Exception ex)
        {
            lines.add("(could not read the JIT recording: " + ex + ")");
        }
        // The worker's deoptimisations first: those are what allocates on its behalf.
        lines.addAll(compiles);
        return lines;
    }

    private static String method(final RecordedEvent event)
    {
        final jdk.jfr.consumer.RecordedMethod method = event.getValue("method");
        return method == null ? "?" : method.getType().getName() + "." + method.getName();
    }

    private static String top(final RecordedEvent event)
    {
        if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty())
        {
            return "";
        }
        final RecordedFrame frame = event.getStackTrace().getFrames().get(0);
        return " at " + frame.getMethod().getType().getName() + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
    }

    @Override
    public void close()
    {
        recording.close();
    }
}
