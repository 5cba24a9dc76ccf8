package io.flowlane.controlplane.nab;

import io.flowlane.controlplane.health.NoveltyDetector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@link NoveltyDetector} over the NAB corpus, scores it under NAB's three profiles (each with
 * its corpus-wide optimal threshold, as NAB does), re-scores the published windowedGaussian results
 * as a check of the scorer, prints a table and writes it as JSON under {@code perf/results/}.
 * <pre>
 * ./flowlane nab [--nab-dir DIR] [--out FILE] [--learning-points N] [--per-file]
 * </pre>
 */
public final class NabMain
{
    /** Where this repository's machines keep a NAB copy; a NAB checkout works as well. */
    public static final String DEFAULT_NAB_DIR = "/work/shared/datasets/nab";
    private static final String CHECK_DETECTOR = "windowedGaussian";
    private static final List<String> PUBLISHED_SHOWN = List.of("ARTime", "numenta", "contextOSE", "htmjava", CHECK_DETECTOR, "null");

    private NabMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        Path nabDir = Path.of(System.getenv().getOrDefault("FLOWLANE_NAB_DIR", DEFAULT_NAB_DIR));
        Path out = null;
        int learningPoints = 0;
        boolean perFile = false;
        boolean ablation = false;
        final double[] settings = {NoveltyDetector.Config.RADIUS, NoveltyDetector.Config.SPREAD_WEIGHT,
            NoveltyDetector.Config.SEASONAL_WEIGHT, NoveltyDetector.Config.SUPPRESSION_FRACTION_OF_LEARNING};
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--nab-dir" -> nabDir = Path.of(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "--learning-points" -> learningPoints = Integer.parseInt(value(args, ++i));
                case "--per-file" -> perFile = true;
                case "--ablation" -> ablation = true;
                case "--radius" -> settings[0] = Double.parseDouble(value(args, ++i));
                case "--spread-weight" -> settings[1] = Double.parseDouble(value(args, ++i));
                case "--seasonal-weight" -> settings[2] = Double.parseDouble(value(args, ++i));
                case "--suppression" -> settings[3] = Double.parseDouble(value(args, ++i));
                case "-h", "--help" ->
                {
                    System.out.println("""
                        usage: nab [--nab-dir DIR] [--out FILE] [--learning-points N] [--per-file] [--ablation]
                                   [--radius R] [--spread-weight W] [--seasonal-weight W] [--suppression F]
                          --nab-dir DIR          NAB copy with data/, labels/combined_windows.json (default $FLOWLANE_NAB_DIR or %s)
                          --out FILE             JSON result (default perf/results/nab-<UTC time>.json)
                          --learning-points N    the detector's learning period in values; default 0: each file's NAB
                                                 probationary period (15%% of it, at most 750 values), as NAB gives every detector
                          --per-file             also print each file's standard-profile score
                          --ablation             also score the detector with views and suppression switched off one by one
                          --radius, --spread-weight, --seasonal-weight, --suppression (fraction of the learning period)
                                                 change one of the detector's settings (defaults %s, %s, %s, %s)""".formatted(DEFAULT_NAB_DIR,
                        settings[0], settings[1], settings[2], settings[3]));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--help)");
            }
        }
        if (!Files.isRegularFile(nabDir.resolve("labels").resolve("combined_windows.json")))
        {
            System.err.println("no NAB corpus at " + nabDir + " (labels/combined_windows.json); use --nab-dir or FLOWLANE_NAB_DIR");
            System.exit(2);
        }

        final long start = System.nanoTime();
        final NabCorpus corpus = NabCorpus.load(nabDir);
        final List<double[]> scores = runDetector(corpus, learningPoints, settings, Variant.FULL);
        final NabScorer detectorScorer = new NabScorer(corpus.series(), scores);
        final Map<String, Map<NabProfile, NabResult>> results = new LinkedHashMap<>();
        results.put("novelty", optimiseAll(detectorScorer));
        if (ablation)
        {
            for (final Variant variant : Variant.values())
            {
                if (variant != Variant.FULL)
                {
                    results.put("novelty: " + variant.label, optimiseAll(new NabScorer(corpus.series(), runDetector(corpus, learningPoints, settings, variant))));
                }
            }
        }

        final boolean haveCheck = Files.isDirectory(nabDir.resolve("results").resolve(CHECK_DETECTOR));
        if (haveCheck)
        {
            final List<double[]> published = new ArrayList<>();
            for (final NabSeries series : corpus.series())
            {
                published.add(corpus.publishedScores(CHECK_DETECTOR, series));
            }
            results.put(CHECK_DETECTOR + " (re-scored)", optimiseAll(new NabScorer(corpus.series(), published)));
        }
        final long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        final Map<String, Map<String, Double>> publishedScores = corpus.publishedFinalScores();

        printTable(corpus, results, publishedScores, learningPoints, settings, elapsedMillis);
        if (perFile)
        {
            printPerFile(corpus, detectorScorer, results.get("novelty").get(NabProfile.STANDARD).threshold());
        }

        if (out == null)
        {
            final String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
            out = Path.of("perf", "results", "nab-" + stamp + ".json");
        }
        if (out.getParent() != null)
        {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, json(corpus, results, publishedScores, learningPoints, settings, elapsedMillis));
        System.out.println("results: " + out);
    }

    /** The detector, and the same with parts of it switched off (the ablation study of docs/prediction.md). */
    public enum Variant
    {
        VALUE_ONLY_NO_SUPPRESSION("value view only, no suppression"),
        VALUE_ONLY("value view + suppression"),
        VALUE_AND_SPREAD("value + spread views + suppression"),
        FULL("value + spread + seasonal views + suppression");

        private final String label;

        Variant(final String label)
        {
            this.label = label;
        }

        NoveltyDetector.Config apply(final NoveltyDetector.Config config)
        {
            return switch (this)
            {
                case VALUE_ONLY_NO_SUPPRESSION -> config.withViews(0, 0, 0);
                case VALUE_ONLY -> config.withViews(0, 0, config.suppressionPoints());
                case VALUE_AND_SPREAD -> config.withViews(config.spreadWeight(), 0, config.suppressionPoints());
                case FULL -> config;
            };
        }
    }

    /** The detector's scores, one fresh detector per series. */
    public static List<double[]> runDetector(final NabCorpus corpus, final int learningPoints, final double[] settings, final Variant variant)
    {
        final List<double[]> scores = new ArrayList<>(corpus.series().size());
        for (final NabSeries series : corpus.series())
        {
            final int learning = learningPoints > 0 ? learningPoints : Math.max(2, series.probationLength());
            final NoveltyDetector detector = new NoveltyDetector(variant.apply(
                NoveltyDetector.Config.withLearningPoints(learning, settings[0], settings[1], settings[2], settings[3])));
            final double[] out = new double[series.size()];
            for (int row = 0; row < out.length; row++)
            {
                out[row] = detector.update(series.timestampsMillis()[row], series.values()[row]);
            }
            scores.add(out);
        }
        return scores;
    }

    private static Map<NabProfile, NabResult> optimiseAll(final NabScorer scorer)
    {
        final Map<NabProfile, NabResult> byProfile = new LinkedHashMap<>();
        for (final NabProfile profile : NabProfile.ALL)
        {
            byProfile.put(profile, scorer.optimise(profile));
        }
        return byProfile;
    }

    private static void printTable(
        final NabCorpus corpus,
        final Map<String, Map<NabProfile, NabResult>> results,
        final Map<String, Map<String, Double>> published,
        final int learningPoints,
        final double[] settings,
        final long elapsedMillis)
    {
        System.out.printf(Locale.ROOT, "NAB corpus %s: %d series, %d rows, %d windows%n",
            corpus.root(), corpus.series().size(), corpus.rowCount(), corpus.windowCount());
        System.out.printf(Locale.ROOT, "detector: learning period %s, radius %s, spread weight %s, seasonal weight %s, suppression %s of the learning period%n",
            learningPoints > 0 ? learningPoints + " values" : "= NAB probationary period of each file", settings[0], settings[1], settings[2], settings[3]);
        System.out.printf(Locale.ROOT, "%-50s %9s %9s %9s   %s%n", "detector", "standard", "low FP", "low FN", "standard profile: threshold, windows detected, FP rows");
        for (final Map.Entry<String, Map<NabProfile, NabResult>> entry : results.entrySet())
        {
            final NabResult standard = entry.getValue().get(NabProfile.STANDARD);
            System.out.printf(Locale.ROOT, "%-50s %9.2f %9.2f %9.2f   %.4f, %d/%d, %d%n", entry.getKey(),
                standard.normalizedScore(),
                entry.getValue().get(NabProfile.REWARD_LOW_FP_RATE).normalizedScore(),
                entry.getValue().get(NabProfile.REWARD_LOW_FN_RATE).normalizedScore(),
                standard.threshold(), standard.detectedWindows(), standard.windows(), standard.falsePositives());
        }
        for (final String detector : PUBLISHED_SHOWN)
        {
            final Map<String, Double> byProfile = published.get(detector);
            if (byProfile != null)
            {
                System.out.printf(Locale.ROOT, "%-50s %9.2f %9.2f %9.2f%n", detector + " (published)",
                    byProfile.getOrDefault(NabProfile.STANDARD.name(), Double.NaN),
                    byProfile.getOrDefault(NabProfile.REWARD_LOW_FP_RATE.name(), Double.NaN),
                    byProfile.getOrDefault(NabProfile.REWARD_LOW_FN_RATE.name(), Double.NaN));
            }
        }
        System.out.printf(Locale.ROOT, "elapsed %.1f s%n", elapsedMillis / 1000.0);
    }

    private static void printPerFile(final NabCorpus corpus, final NabScorer scorer, final double threshold)
    {
        final List<NabResult> files = scorer.scoreFiles(NabProfile.STANDARD, threshold);
        for (int i = 0; i < files.size(); i++)
        {
            final NabResult file = files.get(i);
            System.out.printf(Locale.ROOT, "  %-58s raw %6.2f  windows %d/%d  FP rows %d%n", corpus.series().get(i).name(),
                file.rawScore(), file.detectedWindows(), file.windows(), file.falsePositives());
        }
    }

    private static String json(
        final NabCorpus corpus,
        final Map<String, Map<NabProfile, NabResult>> results,
        final Map<String, Map<String, Double>> published,
        final int learningPoints,
        final double[] settings,
        final long elapsedMillis)
    {
        final StringBuilder out = new StringBuilder(4096);
        out.append("{\n");
        out.append("  \"benchmark\": \"NAB\",\n");
        out.append("  \"time\": ").append(quote(Instant.now().toString())).append(",\n");
        out.append("  \"nabDir\": ").append(quote(corpus.root().toString())).append(",\n");
        out.append("  \"series\": ").append(corpus.series().size()).append(",\n");
        out.append("  \"rows\": ").append(corpus.rowCount()).append(",\n");
        out.append("  \"windows\": ").append(corpus.windowCount()).append(",\n");
        out.append("  \"detector\": {\"class\": ").append(quote(NoveltyDetector.class.getName()))
            .append(", \"learningPoints\": ").append(learningPoints > 0 ? Integer.toString(learningPoints) : quote("nab-probation"))
            .append(", \"radius\": ").append(settings[0])
            .append(", \"spreadPoints\": ").append(NoveltyDetector.Config.SPREAD_POINTS)
            .append(", \"spreadWeight\": ").append(settings[1])
            .append(", \"seasonalWeight\": ").append(settings[2])
            .append(", \"suppressionFractionOfLearning\": ").append(settings[3])
            .append("},\n");
        out.append("  \"elapsedMillis\": ").append(elapsedMillis).append(",\n");
        out.append("  \"results\": {\n");
        int d = 0;
        for (final Map.Entry<String, Map<NabProfile, NabResult>> entry : results.entrySet())
        {
            out.append("    ").append(quote(entry.getKey())).append(": {\n");
            int p = 0;
            for (final Map.Entry<NabProfile, NabResult> byProfile : entry.getValue().entrySet())
            {
                final NabResult r = byProfile.getValue();
                out.append("      ").append(quote(byProfile.getKey().name())).append(": {")
                    .append("\"score\": ").append(number(r.normalizedScore()))
                    .append(", \"raw\": ").append(number(r.rawScore()))
                    .append(", \"threshold\": ").append(number(r.threshold()))
                    .append(", \"null\": ").append(number(r.nullScore()))
                    .append(", \"perfect\": ").append(number(r.perfectScore()))
                    .append(", \"detectedWindows\": ").append(r.detectedWindows())
                    .append(", \"windows\": ").append(r.windows())
                    .append(", \"tp\": ").append(r.truePositives())
                    .append(", \"fp\": ").append(r.falsePositives())
                    .append(", \"fn\": ").append(r.falseNegatives())
                    .append(", \"tn\": ").append(r.trueNegatives())
                    .append('}').append(++p < entry.getValue().size() ? ",\n" : "\n");
            }
            out.append("    }").append(++d < results.size() ? ",\n" : "\n");
        }
        out.append("  },\n");
        out.append("  \"published\": {");
        int k = 0;
        for (final Map.Entry<String, Map<String, Double>> entry : published.entrySet())
        {
            out.append(k++ == 0 ? "\n" : ",\n").append("    ").append(quote(entry.getKey())).append(": {");
            int p = 0;
            for (final Map.Entry<String, Double> byProfile : entry.getValue().entrySet())
            {
                out.append(p++ == 0 ? "" : ", ").append(quote(byProfile.getKey())).append(": ").append(number(byProfile.getValue()));
            }
            out.append('}');
        }
        out.append(published.isEmpty() ? "}\n" : "\n  }\n");
        out.append("}\n");
        return out.toString();
    }

    private static String number(final double value)
    {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    private static String quote(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String value(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
