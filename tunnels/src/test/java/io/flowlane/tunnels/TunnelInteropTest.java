package io.flowlane.tunnels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.Appliance;
import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.stats.CounterFile;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Peers;
import io.flowlane.dataplane.testing.TestEal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * GRE and ESP against an independent implementation: scapy (tunnel_peer.py) plays both remote
 * tunnel endpoints. Its GRE and AES-GCM ESP packets, good and bad, go into the appliance through
 * net_pcap; what the appliance sends is decoded and, for ESP, decrypted by scapy with the
 * configured keys. Every bad packet must be dropped under its own reason, and every mbuf returned.
 */
class TunnelInteropTest
{
    static final String WEST_MAC = "02:00:00:00:0a:01";
    static final String EAST_MAC = "02:00:00:00:0b:01";
    static final String GRE_PEER_MAC = "02:00:00:00:02:02";
    static final String ESP_PEER_MAC = "02:00:00:00:02:03";
    static final int FLOWS = 40;
    /**
     * 1400-byte packets without DF into the 700-byte-MTU tunnels, two each: 1380 data bytes cut
     * at gre2's inner MTU 672 (648 per fragment) and esp2's 643 (616) make 3 fragments each.
     */
    static final int FRAGMENTS_PER_TUNNEL = 6;

    static final String YAML = """
        eal: {vdevs: [unused]}
        ports:
          - {name: west, device: net_pcap_tw}
          - {name: east, device: net_pcap_te}
        interfaces:
          - {name: west, port: west, mac: "%s", ipv4: [10.0.0.1/24]}
          - {name: east, port: east, mac: "%s", ipv4: [192.0.2.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: west, address: 10.0.0.50, mac: "02:00:00:00:00:50"}
          - {interface: east, address: 192.0.2.2, mac: "%s"}
          - {interface: east, address: 192.0.2.3, mac: "%s"}
        tunnels:
          - {name: gre1, protocol: gre, source: 192.0.2.1, destination: 192.0.2.2, key: 42, sequence: true, checksum: true}
          - name: esp1
            security: confidential
            source: 192.0.2.1
            destination: 192.0.2.3
            outbound-sa: {spi: 0x1001, key: 00112233445566778899aabbccddeeff, salt: "01020304"}
            inbound-sa: {spi: 0x2001, key: ffeeddccbbaa99887766554433221100, salt: 0a0b0c0d, replay-window: 1024}
            selectors:
              - {local: 10.0.0.0/24, remote: 198.18.2.0/24}
          - {name: gre2, protocol: gre, source: 192.0.2.1, destination: 192.0.2.2, key: 43, mtu: 700}
          - name: esp2
            protocol: esp
            source: 192.0.2.1
            destination: 192.0.2.3
            mtu: 700
            outbound-sa: {spi: 0x1002, key: 0f0e0d0c0b0a09080706050403020100, salt: "11223344"}
            inbound-sa: {spi: 0x2002, key: 0f0e0d0c0b0a09080706050403020100, salt: "11223344"}
        routes:
          - {prefix: 198.18.1.0/24, via: [{tunnel: gre1}]}
          - {prefix: 198.18.2.0/24, via: [{tunnel: esp1}]}
          - {prefix: 198.18.3.0/24, via: [{tunnel: gre2}]}
          - {prefix: 198.18.4.0/24, via: [{tunnel: esp2}]}
        """.formatted(WEST_MAC, EAST_MAC, GRE_PEER_MAC, ESP_PEER_MAC);

    @Test
    void interoperatesWithScapyAndDropsEveryBadPacketUnderItsReason(@TempDir final Path dir)
    {
        TestEal.init();
        Peers.python("tunnel_peer.py", "make", dir, WEST_MAC, EAST_MAC);
        Eal.createVdev("net_pcap_tw", "rx_pcap=" + dir.resolve("west-in.pcap") + ",tx_pcap=" + dir.resolve("west-out.pcap"));
        Eal.createVdev("net_pcap_te", "rx_pcap=" + dir.resolve("east-in.pcap") + ",tx_pcap=" + dir.resolve("east-out.pcap"));
        final ApplianceConfig parsed = ConfigLoader.parse("tunnels.yaml", YAML);
        final Map<DropReason, Long> drops;
        try (Appliance appliance = Appliance.start(parsed.embeddedIn(TestEal.CONFIG)))
        {
            final TunnelsRuntime tunnels = assertInstanceOf(TunnelsRuntime.class, appliance.extensions().get(0));
            assertEquals(TunnelProtocol.ESP, tunnels.table().get("esp1").protocol(), "security: confidential chose ESP");
            // west: 2 x FLOWS, 4 big ones and one big with DF; east: FLOWS GRE + 5 bad GRE + FLOWS ESP + 7 more ESP
            final long expectedWest = 2L * FLOWS + 5;
            final long expectedEast = 2L * FLOWS + 12;
            ApplianceHarness.await(() -> CounterFile.sum(appliance.counterFile().manager(), "rx-packets east"), expectedEast);
            ApplianceHarness.await(() -> CounterFile.sum(appliance.counterFile().manager(), "rx-packets west"), expectedWest);
            ApplianceHarness.await(() -> tunnels.counters("esp1")[2], FLOWS + 1);
            final int baseline = appliance.pool().size();
            ApplianceHarness.await(() -> appliance.pool().available(), baseline);
            assertEquals(baseline, appliance.pool().available(), "every mbuf came back to the pool");
            drops = new java.util.EnumMap<>(DropReason.class);
            for (final DropReason reason : DropReason.values())
            {
                drops.put(reason, CounterFile.sum(appliance.counterFile().manager(), "drop " + reason.label()));
            }
            final long[] gre = tunnels.counters("gre1");
            final long[] esp = tunnels.counters("esp1");
            assertEquals(FLOWS, gre[0], "GRE packets sent");
            assertEquals(FLOWS, ApplianceHarness.await(() -> CounterFile.sum(appliance.counterFile().manager(), "tunnel gre1 tx-packets"), FLOWS),
                "the shared counters file has the tunnel's counters too");
            assertEquals(FLOWS + 1, ApplianceHarness.await(() -> CounterFile.sum(appliance.counterFile().manager(), "tunnel esp1 rx-packets"), FLOWS + 1));
            assertEquals(FLOWS, gre[2], "GRE packets decapsulated");
            assertEquals(FLOWS, esp[0], "ESP packets sent");
            assertEquals(FLOWS + 1, esp[2], "ESP packets decrypted (FLOWS and the window jump)");
            assertEquals(5001, tunnels.table().receiveSequence("esp1"),
                "the window's top: the jump, then the authentic packet the policy check dropped");
            assertEquals(FLOWS, tunnels.table().transmitSequence("esp1"));
            assertEquals(FRAGMENTS_PER_TUNNEL, tunnels.counters("gre2")[0], "gre2: one GRE packet per inner fragment");
            assertEquals(FRAGMENTS_PER_TUNNEL, tunnels.counters("esp2")[0], "esp2: one ESP packet per inner fragment");
            assertEquals(2L * FRAGMENTS_PER_TUNNEL, ApplianceHarness.await(() -> CounterFile.sum(appliance.counterFile().manager(),
                io.flowlane.dataplane.pipeline.WorkerEvent.IP4_FRAGMENTS_MADE.label()), 2L * FRAGMENTS_PER_TUNNEL), "fragments made");
        }
        Eal.removeVdev("net_pcap_tw");
        Eal.removeVdev("net_pcap_te");
        assertEquals(1, drops.get(DropReason.GRE_BAD_CHECKSUM), "GRE with a wrong checksum");
        assertEquals(1, drops.get(DropReason.GRE_UNKNOWN_TUNNEL), "GRE with an unknown key");
        assertEquals(2, drops.get(DropReason.GRE_MALFORMED), "GRE version 1 and a truncated header");
        assertEquals(1, drops.get(DropReason.GRE_OUT_OF_SEQUENCE), "GRE with an old sequence number");
        assertEquals(1, drops.get(DropReason.ESP_REPLAY), "ESP replayed");
        // With 64-bit sequence numbers a low half left of the window is read as the next 2^32
        // subspace (RFC 4303 Appendix A2.2), so the stale packet fails the ICV instead; the
        // non-ESN case is in ReplayWindowTest.
        assertEquals(2, drops.get(DropReason.ESP_BAD_ICV), "ESP with a flipped ciphertext bit, and the stale packet");
        assertEquals(1, drops.get(DropReason.ESP_UNKNOWN_SPI), "ESP for an SPI we have no SA for");
        assertEquals(1, drops.get(DropReason.ESP_MALFORMED), "ESP shorter than header and ICV");
        assertEquals(1, drops.get(DropReason.ESP_POLICY_MISMATCH), "ESP whose inner source is outside the selectors");
        final String report = Peers.python("tunnel_peer.py", "check", dir, GRE_PEER_MAC, ESP_PEER_MAC);
        System.out.println(report);
        assertTrue(report.contains("scapy decrypted every ESP packet"), report);
        assertTrue(report.contains("4 packets in " + 2 * FRAGMENTS_PER_TUNNEL + " fragments"), report);
        // A second decoder: tshark's GRE and ESP dissectors read the same headers.
        final String fields = Peers.run(java.util.List.of("tshark", "-r", dir.resolve("east-out.pcap").toString(), "-T", "fields",
            "-e", "gre.key", "-e", "gre.sequence_number", "-e", "esp.spi", "-e", "esp.sequence", "-e", "_ws.malformed"));
        final java.util.List<String> lines = fields.lines().filter(l -> !l.startsWith("Running as")).toList();
        assertEquals(FLOWS, lines.stream().filter(l -> l.startsWith("0x0000002a\t")).count(), "tshark: GRE key 42 on every GRE packet\n" + fields);
        assertEquals(FLOWS, lines.stream().filter(l -> l.contains("0x00001001")).count(), "tshark: SPI 0x1001 on every ESP packet\n" + fields);
        assertTrue(lines.stream().noneMatch(l -> l.endsWith("\t1") || l.contains("Malformed")), "tshark found nothing malformed\n" + fields);
    }
}
