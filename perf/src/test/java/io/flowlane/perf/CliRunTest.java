package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.controlplane.cli.FlowlaneCli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code flowlane run}: the CLI runs an appliance in its own process (it owns the EAL and System.exit). */
class CliRunTest
{
    @Test
    void runStartsAnApplianceForTheGivenSecondsAndABadConfigExitsWithTwo() throws Exception
    {
        final Path work = Files.createTempDirectory("flowlane-cli-run");
        final long pid = ProcessHandle.current().pid();
        final String config = Files.readString(Path.of("../config/controlled-appliance.yaml"))
            .replace("/dev/shm/flowlane-aeron", "/dev/shm/flowlane-run-test-" + pid)
            .replace("/tmp/flowlane-controlled-journal", work.resolve("journal").toString())
            .replace("file-prefix: flowlane-controlled", "file-prefix: flowlane-run-test-" + pid);
        final Path good = work.resolve("good.yaml");
        Files.writeString(good, config);
        final Process run = ChildProcesses.java(work.resolve("run.log"), FlowlaneCli.class.getName(), "run", good.toString(), "2");
        assertTrue(run.waitFor(120, TimeUnit.SECONDS), "ran for 2 s and stopped");
        final String log = Files.readString(work.resolve("run.log"));
        assertEquals(0, run.exitValue(), log);
        assertTrue(log.contains("flowlane: forwarding on") && log.contains("worker 0: rx 0"), log);

        final Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, config.replace("count: 1", "count: 0"));
        final Process refused = ChildProcesses.java(work.resolve("bad.log"), FlowlaneCli.class.getName(), "run", bad.toString());
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), Files.readString(work.resolve("bad.log")));
        assertTrue(Files.readString(work.resolve("bad.log")).contains("bad.yaml:"), Files.readString(work.resolve("bad.log")));
    }

    @Test
    void pktgenAndBenchAreVerbsOfTheOneCommandLineWithCompletion()
    {
        final java.io.StringWriter out = new java.io.StringWriter();
        final java.io.StringWriter err = new java.io.StringWriter();
        final var cli = FlowlaneMain.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        assertEquals(0, cli.execute("generate-completion"));
        assertTrue(out.toString().contains("pktgen") && out.toString().contains("bench") && out.toString().contains("capture") &&
            out.toString().contains("controller"), "completion knows every verb");
        assertEquals(0, cli.execute("pktgen", "--help"));
        assertTrue(out.toString().contains("--tx-port"), out.toString());
        assertEquals(2, cli.execute("bench", "everything"));
        assertTrue(err.toString().contains("'everything' is not forwarding or tunnels"), err.toString());
    }
}
