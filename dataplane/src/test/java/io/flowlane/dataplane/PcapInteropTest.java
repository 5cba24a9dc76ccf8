package io.flowlane.dataplane;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Peers;
import io.flowlane.dataplane.testing.TestEal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * pcap in → appliance → pcap out, judged by independent tools: scapy writes the input, DPDK's
 * net_pcap PMD replays it into the appliance and records what it sends, tshark decodes the
 * result (TTL, checksums, MACs, ECMP spread, payloads, the ICMP error).
 */
class PcapInteropTest
{
    static final String APPLIANCE_MAC = "02:00:00:00:0a:01";
    static final String EAST_MAC = "02:00:00:00:0b:01";
    static final String GW1 = "02:00:00:00:01:02";
    static final String GW2 = "02:00:00:00:01:03";
    static final int FLOWS = 300;

    @Test
    void forwardsAScapyCaptureAsTsharkExpects(@TempDir final Path dir) throws Exception
    {
        TestEal.init();
        final Path in = dir.resolve("in.pcap");
        final Path empty = dir.resolve("empty.pcap");
        final Path westOut = dir.resolve("west-out.pcap");
        final Path eastOut = dir.resolve("east-out.pcap");
        Peers.python("make_forwarding_pcap.py", in, empty, APPLIANCE_MAC, FLOWS);
        Eal.createVdev("net_pcap_pw", "rx_pcap=" + in + ",tx_pcap=" + westOut);
        Eal.createVdev("net_pcap_pe", "rx_pcap=" + empty + ",tx_pcap=" + eastOut);
        final String yaml = """
            eal: {vdevs: [unused]}
            ports:
              - {name: west, device: net_pcap_pw}
              - {name: east, device: net_pcap_pe}
            interfaces:
              - {name: west, port: west, mac: "%s", ipv4: [10.0.0.1/24]}
              - {name: east, port: east, mac: "%s", ipv4: [10.1.0.1/24]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: west, address: 10.0.0.50, mac: "02:00:00:00:00:50"}
              - {interface: east, address: 10.1.0.2, mac: "%s"}
              - {interface: east, address: 10.1.0.3, mac: "%s"}
            routes:
              - prefix: 198.18.0.0/16
                via: [{address: 10.1.0.2}, {address: 10.1.0.3}]
            """.formatted(APPLIANCE_MAC, EAST_MAC, GW1, GW2);
        final ApplianceConfig parsed = ConfigLoader.parse("pcap.yaml", yaml);
        final int expectedRx = 2 * FLOWS + 2;
        try (Appliance appliance = Appliance.start(parsed.embeddedIn(TestEal.CONFIG)))
        {
            final long rx = ApplianceHarness.await(() -> io.flowlane.dataplane.stats.CounterFile.sum(
                appliance.counterFile().manager(), "rx-packets west"), expectedRx);
            assertTrue(rx == expectedRx, "the appliance read all " + expectedRx + " packets of the capture (" + rx + ")");
            final int baseline = appliance.pool().size();
            ApplianceHarness.await(() -> appliance.pool().available(), baseline);
            assertTrue(appliance.pool().available() == baseline, "every mbuf net_pcap allocated came back to the pool");
        }
        Eal.removeVdev("net_pcap_pw");
        Eal.removeVdev("net_pcap_pe");
        assertTrue(Files.size(eastOut) > 0);
        final String report = Peers.python("check_forwarded_pcap.py", in, eastOut, westOut, EAST_MAC, GW1, GW2, FLOWS);
        System.out.println(report);
    }
}
