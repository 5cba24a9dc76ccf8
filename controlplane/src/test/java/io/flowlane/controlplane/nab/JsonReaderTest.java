package io.flowlane.controlplane.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class JsonReaderTest
{
    @Test
    void readsNabWindowFilesAndScoreFiles()
    {
        final Object windows = JsonReader.parse("""
            {"a/x.csv": [], "a/y.csv": [["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"]]}
            """);
        assertEquals(Map.of("a/x.csv", List.of(),
            "a/y.csv", List.of(List.of("2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"))), windows);
        assertEquals(Map.of("d", Map.of("standard", -1.5e-3, "t", true, "n", "q\"\u00e9")),
            JsonReader.parse("{\"d\": {\"standard\": -1.5e-3, \"t\": true, \"n\": \"q\\\"\\u00e9\"}}"));
    }

    @Test
    void rejectsBrokenJson()
    {
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("{\"a\": [1, 2}"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("{\"a\": 1} x"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("\"open"));
    }
}
