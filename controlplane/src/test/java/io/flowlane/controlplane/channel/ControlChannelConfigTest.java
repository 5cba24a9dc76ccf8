package io.flowlane.controlplane.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.config.ConfigLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** The {@code control:} section: read through the appliance's config loader, every error names line and field. */
class ControlChannelConfigTest
{
    private static final String BASE = """
        eal: {vdevs: ["net_ring0"], no-huge: true}
        ports:
          - {name: p0, device: net_ring0}
        interfaces:
          - {name: p0, port: p0, ipv4: [10.0.0.1/24]}
        """;

    @TempDir
    Path dir;

    private static String error(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse("x.yaml", BASE + yaml)).getMessage();
    }

    @Test
    void readsIpcAndUdpSectionsWithKeyFiles() throws IOException
    {
        final byte[] key = new byte[32];
        key[5] = 7;
        Files.writeString(dir.resolve("k.hex"), HexFormat.of().formatHex(key) + "\n");
        final ApplianceConfig ipc = ConfigLoader.parse("x.yaml", BASE + "control: {journal: /tmp/j, key-encryption-key-file: " +
            dir.resolve("k.hex") + "}\n");
        final ControlChannelConfig control = (ControlChannelConfig)ipc.extensions().stream()
            .filter(ControlChannelConfig.class::isInstance).findFirst().orElseThrow();
        assertEquals(ControlChannelConfig.Transport.IPC, control.transport());
        assertEquals("aeron:ipc", control.commandChannel());
        assertEquals(100, control.telemetryIntervalMillis());
        assertArrayEquals(key, control.keyEncryptionKey());

        final ApplianceConfig udp = ConfigLoader.parse("x.yaml", BASE + "control: {transport: udp, listen: 0.0.0.0:40123, " +
            "controller: 192.0.2.1:40124, hmac-key-file: " + dir.resolve("k.hex") + "}\n");
        final ControlChannelConfig remote = (ControlChannelConfig)udp.extensions().stream()
            .filter(ControlChannelConfig.class::isInstance).findFirst().orElseThrow();
        assertEquals("aeron:udp?endpoint=0.0.0.0:40123", remote.commandChannel());
        assertEquals("aeron:udp?endpoint=192.0.2.1:40124", remote.responseChannel());
    }

    @Test
    void errorsNameTheFieldAndTheReason() throws IOException
    {
        Files.writeString(dir.resolve("short.hex"), "0011");
        Files.writeString(dir.resolve("bad.hex"), "not hex at all");
        assertTrue(error("control: {jurnal: /tmp/j}\n").contains("jurnal"), "unknown key named");
        assertTrue(error("control: {transport: udp, listen: 0.0.0.0:1, controller: 1.2.3.4:2}\n").contains("hmac-key-file"));
        assertTrue(error("control: {transport: udp, controller: 1.2.3.4:2}\n").contains("listen"));
        assertTrue(error("control: {listen: 0.0.0.0:1}\n").contains("only UDP control"));
        assertTrue(error("control: {transport: udp, listen: nowhere, controller: 1.2.3.4:2, hmac-key-file: " +
            dir.resolve("short.hex") + "}\n").contains("x.yaml:"), "positioned");
        final String shortKey = error("control: {key-encryption-key-file: " + dir.resolve("short.hex") + "}\n");
        assertTrue(shortKey.contains("key-encryption-key-file") && shortKey.contains("2 bytes"), shortKey);
        assertTrue(error("control: {key-encryption-key-file: " + dir.resolve("bad.hex") + "}\n").contains("not hexadecimal"));
        assertTrue(error("control: {telemetry-interval-ms: 0}\n").contains("telemetry-interval-ms"));
        assertTrue(error("control: {transport: tcp}\n").contains("transport"));
        Files.writeString(dir.resolve("token"), "0123456789abcdef-token");
        assertTrue(error("control: {http-listen: 0.0.0.0:9180, http-token-file: " + dir.resolve("token") + "}\n")
            .contains("not a loopback address"));
        assertTrue(error("control: {http-listen: 127.0.0.1:9180}\n").contains("http-token-file"));
        Files.writeString(dir.resolve("short-token"), "abc");
        assertTrue(error("control: {http-listen: 127.0.0.1:9180, http-token-file: " + dir.resolve("short-token") + "}\n")
            .contains("at least 16"));
    }
}
