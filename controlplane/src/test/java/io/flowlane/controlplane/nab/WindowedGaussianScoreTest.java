package io.flowlane.controlplane.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scorer against NAB's own numbers: the published windowedGaussian detector's per-row scores,
 * scored here, must give its published final scores, and each file's raw score and the TP/FP/FN/TN
 * counts of NAB's score files. Everything expected is read from the NAB copy, nothing is typed in.
 * Skipped when there is no NAB copy ({@code FLOWLANE_NAB_DIR}, default {@value NabMain#DEFAULT_NAB_DIR}).
 */
class WindowedGaussianScoreTest
{
    private static final String DETECTOR = "windowedGaussian";
    private static Path nabDir;
    private static NabCorpus corpus;
    private static NabScorer scorer;

    @BeforeAll
    static void loadCorpus()
    {
        nabDir = Path.of(System.getenv().getOrDefault("FLOWLANE_NAB_DIR", NabMain.DEFAULT_NAB_DIR));
        if (!Files.isDirectory(nabDir.resolve("results").resolve(DETECTOR)) || !Files.isRegularFile(nabDir.resolve("labels/combined_windows.json")))
        {
            return;
        }
        corpus = NabCorpus.load(nabDir);
        final List<double[]> scores = new ArrayList<>();
        for (final NabSeries series : corpus.series())
        {
            scores.add(corpus.publishedScores(DETECTOR, series));
        }
        scorer = new NabScorer(corpus.series(), scores);
    }

    @Test
    void corpusScoresMatchThePublishedScoreboard()
    {
        assumeTrue(corpus != null, "no NAB copy with results/" + DETECTOR + " at " + nabDir);
        final Map<String, Double> published = corpus.publishedFinalScores().get(DETECTOR);
        assumeTrue(published != null, "no published final scores in " + nabDir);
        assertEquals(58, corpus.series().size());
        assertEquals(116, corpus.windowCount());
        for (final NabProfile profile : NabProfile.ALL)
        {
            final NabResult result = scorer.optimise(profile);
            assertEquals(published.get(profile.name()), result.normalizedScore(), 1e-6, profile.name());
        }
    }

    @Test
    void everyFileScoresAsInNabsScoreFiles() throws IOException
    {
        assumeTrue(corpus != null, "no NAB copy with results/" + DETECTOR + " at " + nabDir);
        final Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < corpus.series().size(); i++)
        {
            index.put(corpus.series().get(i).name(), i);
        }
        for (final NabProfile profile : NabProfile.ALL)
        {
            final Path file = nabDir.resolve("results").resolve(DETECTOR).resolve(DETECTOR + "_" + profile.name() + "_scores.csv");
            assumeTrue(Files.isRegularFile(file), "no " + file);
            final List<String> lines = Files.readAllLines(file);
            final List<String> header = List.of(lines.getFirst().split(","));
            int files = 0;
            for (final String line : lines.subList(1, lines.size()))
            {
                final String[] f = line.split(",", -1);
                final String name = f[header.indexOf("File")];
                if (name.isEmpty())
                {
                    // The Totals row: NAB's TP/FP/FN/TN are row counts at the corpus threshold.
                    final NabResult total = scorer.scoreAt(profile, scorer.optimise(profile).threshold());
                    assertEquals(Double.parseDouble(f[header.indexOf("Score")]), total.rawScore(), 1e-6);
                    assertEquals(Long.parseLong(f[header.indexOf("TP")]), total.truePositives());
                    assertEquals(Long.parseLong(f[header.indexOf("FP")]), total.falsePositives());
                    assertEquals(Long.parseLong(f[header.indexOf("FN")]), total.falseNegatives());
                    assertEquals(Long.parseLong(f[header.indexOf("TN")]), total.trueNegatives());
                    continue;
                }
                final int s = index.get(name);
                final NabResult result = NabScorer.scoreFile(corpus.series().get(s), corpus.publishedScores(DETECTOR, corpus.series().get(s)),
                    profile, Double.parseDouble(f[header.indexOf("Threshold")]));
                assertEquals(Double.parseDouble(f[header.indexOf("Score")]), result.rawScore(), 1e-6, profile.name() + " " + name);
                assertEquals(Long.parseLong(f[header.indexOf("TP")]), result.truePositives(), name);
                assertEquals(Long.parseLong(f[header.indexOf("FP")]), result.falsePositives(), name);
                assertEquals(Long.parseLong(f[header.indexOf("FN")]), result.falseNegatives(), name);
                assertEquals(Long.parseLong(f[header.indexOf("TN")]), result.trueNegatives(), name);
                files++;
            }
            assertEquals(corpus.series().size(), files, profile.name());
        }
    }
}
