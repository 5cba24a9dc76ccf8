package io.flowlane.controlplane;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.config.ConfigLoader;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every config the repository ships (config/ examples, perf/ benchmark appliances) loads. Here
 * rather than in the dataplane module because only this module has every extension (tunnels,
 * control channel) on its class path, as the launcher does.
 */
class ShippedConfigsTest
{
    @Test
    void everyShippedConfigIsValid() throws Exception
    {
        int checked = 0;
        for (final Path folder : List.of(Path.of("../config"), Path.of("../perf")))
        {
            try (Stream<Path> files = Files.list(folder))
            {
                for (final Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList())
                {
                    assertTrue(ConfigLoader.load(file).ports().size() > 0, file.toString());
                    checked++;
                }
            }
        }
        assertFalse(checked < 6, "config/ and perf/ hold the shipped configs: " + checked);
    }
}
