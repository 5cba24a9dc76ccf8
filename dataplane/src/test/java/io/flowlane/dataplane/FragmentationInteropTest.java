package io.flowlane.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowlane.dataplane.config.ApplianceConfig;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.pipeline.WorkerEvent;
import io.flowlane.dataplane.stats.CounterFile;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Peers;
import io.flowlane.dataplane.testing.TestEal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * IPv4 fragmentation on egress (RFC 791, RFC 1812 §5.2.6) judged by independent tools: scapy
 * writes packets larger than the east link's 576-byte MTU (without DF, with copied and
 * non-copied options, one that is a fragment already, one with DF), reassembles what the
 * appliance sent with its own defragmenter and compares payloads; tshark checks every
 * fragment's header checksum.
 */
class FragmentationInteropTest
{
    static final String APPLIANCE_MAC = "02:00:00:00:0a:01";
    static final int MTU = 576;
    /**
     * What fragment_peer.py's packets make at MTU 576 (552 data bytes per fragment with a
     * 20-byte header): 1480 data bytes → 3, 1104 → 2, 1105 → 3, 1208 behind a 40-byte header
     * (536 per fragment) → 3, the 1000-byte fragment → 2.
     */
    static final int FRAGMENTS = 13;

    @Test
    void fragmentsWhatScapyReassembles(@TempDir final Path dir)
    {
        TestEal.init();
        final Path in = dir.resolve("in.pcap");
        final Path empty = dir.resolve("empty.pcap");
        final Path westOut = dir.resolve("west-out.pcap");
        final Path eastOut = dir.resolve("east-out.pcap");
        Peers.python("fragment_peer.py", "make", in, empty, APPLIANCE_MAC);
        Eal.createVdev("net_pcap_fw", "rx_pcap=" + in + ",tx_pcap=" + westOut);
        Eal.createVdev("net_pcap_fe", "rx_pcap=" + empty + ",tx_pcap=" + eastOut);
        final String yaml = """
            eal: {vdevs: [unused]}
            ports:
              - {name: west, device: net_pcap_fw}
              - {name: east, device: net_pcap_fe}
            interfaces:
              - {name: west, port: west, mac: "%s", ipv4: [10.0.0.1/24]}
              - {name: east, port: east, mtu: %d, ipv4: [10.1.0.1/24]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: west, address: 10.0.0.50, mac: "02:00:00:00:00:50"}
              - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
            routes:
              - {prefix: 198.18.0.0/24, via: [{address: 10.1.0.2}]}
            """.formatted(APPLIANCE_MAC, MTU);
        final long fragmentsMade;
        try (Appliance appliance = Appliance.start(ConfigLoader.parse("fragments.yaml", yaml).embeddedIn(TestEal.CONFIG)))
        {
            ApplianceHarness.await(() -> CounterFile.sum(appliance.counterFile().manager(), "rx-packets west"), 7);
            final int baseline = appliance.pool().size();
            ApplianceHarness.await(() -> appliance.pool().available(), baseline);
            assertEquals(baseline, appliance.pool().available(), "every mbuf, the fragments' included, came back to the pool");
            fragmentsMade = ApplianceHarness.await(
                () -> CounterFile.sum(appliance.counterFile().manager(), WorkerEvent.IP4_FRAGMENTS_MADE.label()), FRAGMENTS);
        }
        Eal.removeVdev("net_pcap_fw");
        Eal.removeVdev("net_pcap_fe");
        final String report = Peers.python("fragment_peer.py", "check", eastOut, westOut, MTU);
        System.out.println(report);
        final long fragmentsSeen = Long.parseLong(report.replaceAll("(?s).*fragments: (\\d+).*", "$1"));
        assertEquals(FRAGMENTS, fragmentsSeen, report);
        assertEquals(FRAGMENTS, fragmentsMade, "the fragment counter counts what went out");
    }
}
