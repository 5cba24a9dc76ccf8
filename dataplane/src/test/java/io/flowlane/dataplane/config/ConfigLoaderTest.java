package io.flowlane.dataplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

class ConfigLoaderTest
{
    private static final String VALID = """
        eal: {vdevs: ["net_ring0"], no-huge: true}
        ports:
          - {name: p0, device: net_ring0}
        interfaces:
          - {name: p0, port: p0, ipv4: [10.0.0.1/24]}
        routes:
          - prefix: 10.9.0.0/16
            via: [{address: 10.0.0.2}]
        """;

    private static String error(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse("x.yaml", yaml)).getMessage();
    }

    @Test
    void loadsAValidConfig()
    {
        final ApplianceConfig config = ConfigLoader.parse("x.yaml", VALID);
        assertEquals(1, config.routes().size());
        assertEquals(16, config.routes().get(0).length());
        assertEquals(0x0A09_0000L, config.routes().get(0).prefixHi());
    }

    @Test
    void rejectsUnknownKeysNamingFileLineAndField()
    {
        assertEquals("x.yaml:3:35: ports[0].mtuu: unknown key 'mtuu' (known keys: device, mtu, name, promiscuous, rss, rx-descriptors, tx-descriptors)",
            error(VALID.replace("device: net_ring0}", "device: net_ring0, mtuu: 9000}")));
    }

    @Test
    void rejectsPrefixesWithHostBits()
    {
        assertEquals("x.yaml:7:13: routes[0].prefix: '10.9.0.1/16' has host bits set (did you mean 10.9.0.0/16?)",
            error(VALID.replace("10.9.0.0/16", "10.9.0.1/16")));
    }

    @Test
    void rejectsReferencesToUnknownPortsAndInterfaces()
    {
        assertEquals("x.yaml:5:22: interfaces[0].port: no port named 'p9' (ports: [p0])",
            error(VALID.replace("port: p0,", "port: p9,")));
        assertEquals("x.yaml:8:42: routes[0].via[0].interface: no interface named 'nope'",
            error(VALID.replace("{address: 10.0.0.2}", "{address: 10.0.0.2, interface: nope}")));
    }

    @Test
    void rejectsOutOfRangeAndMalformedValues()
    {
        assertEquals("x.yaml:10:10: workers.count: 0 is outside 1..64", error(VALID + "workers:\n  count: 0\n"));
        assertEquals("x.yaml:5:33: interfaces[0].ipv4[0]: '10.0.0.300' is not an IPv4 address (octet '300')",
            error(VALID.replace("10.0.0.1/24", "10.0.0.300/24")));
        assertEquals("x.yaml:3:51: ports[0].rx-descriptors: 1000 is not a power of two",
            error(VALID.replace("device: net_ring0}", "device: net_ring0, rx-descriptors: 1000}")));
    }

    @Test
    void rejectsBrokenYamlAndMissingSections()
    {
        assertEquals("x.yaml:1:1: missing required key 'eal'", error("ports: []\n"));
        assertEquals("x.yaml:1:13: not valid YAML: expected the node content, but found '}'", error("eal: {a b: [}\n"));
    }
}
