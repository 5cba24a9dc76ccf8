package io.flowlane.controlplane.text;

import java.time.Duration;

/** Durations as operators type them: "90s", "10m", "2h", "1d" (history queries of the CLI and the HTTP endpoint). */
public final class Durations
{
    private Durations()
    {
    }

    /** @throws IllegalArgumentException if {@code text} is not a number followed by s, m, h or d */
    public static Duration parse(final String text)
    {
        try
        {
            final long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1))
            {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException(text);
            };
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("'" + text + "' is not a duration (90s, 10m, 2h, 1d)");
        }
    }
}
