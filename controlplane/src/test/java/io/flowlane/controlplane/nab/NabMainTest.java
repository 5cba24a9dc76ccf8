package io.flowlane.controlplane.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code ./flowlane nab} end to end: its JSON parses and holds what the table shows. Needs a NAB copy. */
class NabMainTest
{
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void writesTheScoresOfBothDetectorsUnderEveryProfile() throws Exception
    {
        final Path nabDir = Path.of(System.getenv().getOrDefault("FLOWLANE_NAB_DIR", NabMain.DEFAULT_NAB_DIR));
        assumeTrue(Files.isDirectory(nabDir.resolve("results").resolve("windowedGaussian"))
            && Files.isRegularFile(nabDir.resolve("labels").resolve("combined_windows.json")), "no NAB copy at " + nabDir);
        final Path out = dir.resolve("nested").resolve("nab.json");

        NabMain.main(new String[] {"--nab-dir", nabDir.toString(), "--out", out.toString()});

        final Map<String, Object> json = (Map<String, Object>)JsonReader.parse(Files.readString(out));
        assertEquals(116.0, json.get("windows"));
        final Map<String, Object> results = (Map<String, Object>)json.get("results");
        final Map<String, Object> published = (Map<String, Object>)json.get("published");
        final Map<String, Object> rescored = (Map<String, Object>)results.get("windowedGaussian (re-scored)");
        final Map<String, Object> novelty = (Map<String, Object>)results.get("novelty");
        for (final NabProfile profile : NabProfile.ALL)
        {
            final double check = (Double)((Map<String, Object>)rescored.get(profile.name())).get("score");
            assertEquals((Double)((Map<String, Object>)published.get("windowedGaussian")).get(profile.name()), check, 1e-6);
            final Map<String, Object> ours = (Map<String, Object>)novelty.get(profile.name());
            final double score = (Double)ours.get("score");
            assertTrue(score > 0 && score <= 100, profile.name() + " " + score);
            assertEquals(116.0, ours.get("windows"));
        }
    }
}
