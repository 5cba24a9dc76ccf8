package io.flowlane.controlplane.nab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a NAB checkout: {@code data/<category>/<name>.csv} (timestamp,value),
 * {@code labels/combined_windows.json} (the windows, keyed by relative path) and detectors' result
 * files ({@code results/<detector>/<category>/<detector>_<name>.csv}, column anomaly_score).
 */
public final class NabCorpus
{
    /** NAB writes {@code 2014-04-10 07:15:00} in data files and adds {@code .000000} in label files. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
        .appendPattern("yyyy-MM-dd HH:mm:ss")
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
        .toFormatter();

    private final Path root;
    private final List<NabSeries> series;

    private NabCorpus(final Path root, final List<NabSeries> series)
    {
        this.root = root;
        this.series = List.copyOf(series);
    }

    /** Every series named in the windows file, in that file's order. */
    public static NabCorpus load(final Path root)
    {
        return load(root, root.resolve("labels").resolve("combined_windows.json"));
    }

    public static NabCorpus load(final Path root, final Path windowsFile)
    {
        final Map<String, List<String[]>> windowTimes = readWindows(windowsFile);
        final List<NabSeries> series = new ArrayList<>();
        for (final Map.Entry<String, List<String[]>> entry : windowTimes.entrySet())
        {
            series.add(readSeries(root.resolve("data").resolve(entry.getKey()), entry.getKey(), entry.getValue()));
        }
        return new NabCorpus(root, series);
    }

    public Path root()
    {
        return root;
    }

    public List<NabSeries> series()
    {
        return series;
    }

    public int windowCount()
    {
        return series.stream().mapToInt(s -> s.windows().size()).sum();
    }

    public int rowCount()
    {
        return series.stream().mapToInt(NabSeries::size).sum();
    }

    /** The anomaly scores a published detector wrote for {@code series}, one per row. */
    public double[] publishedScores(final String detector, final NabSeries series)
    {
        final String relative = series.name();
        final int slash = relative.lastIndexOf('/');
        final Path file = root.resolve("results").resolve(detector).resolve(relative.substring(0, slash))
            .resolve(detector + "_" + relative.substring(slash + 1));
        final List<String> lines = readLines(file);
        final String[] header = lines.getFirst().split(",");
        int column = -1;
        for (int i = 0; i < header.length; i++)
        {
            if (header[i].trim().equals("anomaly_score"))
            {
                column = i;
            }
        }
        if (column < 0)
        {
            throw new IllegalArgumentException(file + ": no anomaly_score column");
        }
        final double[] scores = new double[lines.size() - 1];
        for (int row = 0; row < scores.length; row++)
        {
            final String[] fields = lines.get(row + 1).split(",");
            final long timestamp = parseTimestamp(fields[0]);
            if (timestamp != series.timestampsMillis()[row])
            {
                throw new IllegalArgumentException(file + ": row " + (row + 1) + " is " + fields[0] + ", the data file has another time");
            }
            scores[row] = Double.parseDouble(fields[column]);
        }
        if (scores.length != series.size())
        {
            throw new IllegalArgumentException(file + ": " + scores.length + " rows, the data file has " + series.size());
        }
        return scores;
    }

    /**
     * The published final scores, detector -> profile -> normalised score, from
     * {@code published_scores.json} or NAB's own {@code results/final_results.json}; empty if neither.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Double>> publishedFinalScores()
    {
        for (final Path file : List.of(root.resolve("published_scores.json"), root.resolve("results").resolve("final_results.json")))
        {
            if (!Files.isRegularFile(file))
            {
                continue;
            }
            final Map<String, Map<String, Double>> scores = new TreeMap<>();
            for (final Map.Entry<String, Object> detector : ((Map<String, Object>)JsonReader.parse(readString(file))).entrySet())
            {
                final Map<String, Double> byProfile = new TreeMap<>();
                for (final Map.Entry<String, Object> profile : ((Map<String, Object>)detector.getValue()).entrySet())
                {
                    if (profile.getValue() instanceof Double value)
                    {
                        byProfile.put(profile.getKey(), value);
                    }
                }
                scores.put(detector.getKey(), byProfile);
            }
            return scores;
        }
        return Map.of();
    }

    static long parseTimestamp(final String text)
    {
        final String t = text.trim();
        if (t.length() == 19 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == ' ' && t.charAt(13) == ':' && t.charAt(16) == ':')
        {
            // The fixed layout of every NAB data row, read by hand: the formatter is most of the load time.
            final long day = LocalDate.of(digits(t, 0, 4), digits(t, 5, 7), digits(t, 8, 10)).toEpochDay();
            return ((day * 24 + digits(t, 11, 13)) * 60 + digits(t, 14, 16)) * 60_000L + digits(t, 17, 19) * 1000L;
        }
        return LocalDateTime.parse(t, TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static int digits(final String text, final int from, final int to)
    {
        int value = 0;
        for (int i = from; i < to; i++)
        {
            final int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9)
            {
                throw new IllegalArgumentException("not a timestamp: " + text);
            }
            value = value * 10 + digit;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<String[]>> readWindows(final Path file)
    {
        final Object json = JsonReader.parse(readString(file));
        if (!(json instanceof Map<?, ?> map))
        {
            throw new IllegalArgumentException(file + ": expected an object of file -> windows");
        }
        final Map<String, List<String[]>> windows = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            final List<String[]> limits = new ArrayList<>();
            for (final Object window : (List<Object>)entry.getValue())
            {
                final List<Object> pair = (List<Object>)window;
                if (pair.size() != 2)
                {
                    throw new IllegalArgumentException(file + ": " + entry.getKey() + ": a window is [start, end], got " + pair);
                }
                limits.add(new String[] {(String)pair.get(0), (String)pair.get(1)});
            }
            windows.put((String)entry.getKey(), limits);
        }
        return windows;
    }

    private static NabSeries readSeries(final Path file, final String name, final List<String[]> windowTimes)
    {
        final List<String> lines = readLines(file);
        final int rows = lines.size() - 1;
        final long[] timestamps = new long[rows];
        final double[] values = new double[rows];
        final Map<Long, Integer> rowAt = new HashMap<>(rows * 2);
        for (int row = 0; row < rows; row++)
        {
            final String line = lines.get(row + 1);
            final int comma = line.indexOf(',');
            if (comma < 0)
            {
                throw new IllegalArgumentException(file + ": line " + (row + 2) + " is not timestamp,value");
            }
            timestamps[row] = parseTimestamp(line.substring(0, comma));
            values[row] = Double.parseDouble(line.substring(comma + 1).trim());
            rowAt.putIfAbsent(timestamps[row], row);
        }
        final List<NabWindow> windows = new ArrayList<>();
        for (final String[] limits : windowTimes)
        {
            final Integer first = rowAt.get(parseTimestamp(limits[0]));
            final Integer last = rowAt.get(parseTimestamp(limits[1]));
            if (first == null || last == null)
            {
                // NAB enters a window only on a row with its exact start time; one that names no row would never count.
                throw new IllegalArgumentException(name + ": window " + limits[0] + " .. " + limits[1] + " does not start and end on rows of the file");
            }
            windows.add(new NabWindow(first, last));
        }
        return new NabSeries(name, timestamps, values, windows);
    }

    private static List<String> readLines(final Path file)
    {
        try
        {
            final List<String> lines = new ArrayList<>();
            for (final String line : Files.readAllLines(file))
            {
                if (!line.isBlank())
                {
                    lines.add(line);
                }
            }
            if (lines.isEmpty())
            {
                throw new IllegalArgumentException(file + ": empty");
            }
            return lines;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
