package io.flowlane.perf;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Every shell script in the repository (the launcher, CI's entry point, the benchmarks, the Vagrant
 * scripts, anything new) passes shellcheck at warning level. Here, in the perf module, because
 * most of the scripts drive perf's programs. shellcheck is one of the launcher's packages, so its
 * absence fails this test instead of skipping it: a lint that skips itself is a lint nobody runs.
 */
class ShellScriptsTest
{
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SHELL_SHEBANG = Pattern.compile("#!\\s*(/usr)?/bin/(env\\s+)?(ba|da|k)?sh(\\s.*)?");
    private static final Set<String> NOT_SEARCHED = Set.of(".git", "target", ".vagrant", "node_modules");

    @Test
    void everyShellScriptPassesShellcheckAtWarningLevel() throws Exception
    {
        final List<String> scripts = shellScripts();
        for (final String known : List.of("flowlane", ".ci/run", "perf/bench-lib.sh", "perf/vagrant/provision.sh"))
        {
            assertTrue(scripts.contains(known), "the search for scripts missed " + known + ": " + scripts);
        }

        // From the repository's top: scripts source others by paths relative to it (-x follows them).
        final List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=warning", "--external-sources",
            "--format=gcc", "--color=never"));
        command.addAll(scripts);
        final Process shellcheck;
        try
        {
            shellcheck = new ProcessBuilder(command).directory(REPOSITORY.toFile()).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            fail("shellcheck cannot be run (" + ex.getMessage() + "); ./flowlane installs it (apt-get install shellcheck)");
            return;
        }
        final String report;
        try (InputStream output = shellcheck.getInputStream())
        {
            report = new String(output.readAllBytes(), UTF_8);
        }
        assertTrue(shellcheck.waitFor(120, TimeUnit.SECONDS), "shellcheck did not finish");
        assertEquals(0, shellcheck.exitValue(), "shellcheck -S warning on " + scripts.size() + " scripts:\n" + report);
    }

    /** Paths relative to the repository: git's files (tracked and new, ignored ones left out), or a walk without git. */
    private static List<String> shellScripts() throws IOException, InterruptedException
    {
        final List<Path> candidates = new ArrayList<>();
        if (!gitFiles(candidates))
        {
            candidates.clear();
            walk(candidates);
        }
        final List<String> scripts = new ArrayList<>();
        for (final Path file : candidates)
        {
            if (Files.isRegularFile(file) && isShellScript(file))
            {
                scripts.add(REPOSITORY.relativize(file).toString());
            }
        }
        scripts.sort(null);
        return scripts;
    }

    private static boolean gitFiles(final List<Path> files) throws IOException, InterruptedException
    {
        final Process git;
        try
        {
            git = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(REPOSITORY.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }
        catch (final IOException ex)
        {
            return false;
        }
        final String listing;
        try (InputStream output = git.getInputStream())
        {
            listing = new String(output.readAllBytes(), UTF_8);
        }
        if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0)
        {
            return false;
        }
        for (final String name : listing.split("\0"))
        {
            if (!name.isEmpty())
            {
                files.add(REPOSITORY.resolve(name));
            }
        }
        return !files.isEmpty();
    }

    private static void walk(final List<Path> files) throws IOException
    {
        Files.walkFileTree(REPOSITORY, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attributes)
            {
                return NOT_SEARCHED.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
            {
                files.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** A .sh file, or any file whose first line is a sh/bash/dash/ksh shebang (the launcher, .ci/run). */
    private static boolean isShellScript(final Path file) throws IOException
    {
        if (file.getFileName().toString().endsWith(".sh"))
        {
            return true;
        }
        final byte[] start = new byte[128];
        final int length;
        try (InputStream in = Files.newInputStream(file))
        {
            length = in.readNBytes(start, 0, start.length);
        }
        final String head = new String(start, 0, length, UTF_8);
        final int endOfLine = head.indexOf('\n');
        return SHELL_SHEBANG.matcher(endOfLine < 0 ? head : head.substring(0, endOfLine)).matches();
    }
}
