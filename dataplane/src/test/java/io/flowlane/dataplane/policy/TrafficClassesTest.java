package io.flowlane.dataplane.policy;

import static io.flowlane.dataplane.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

import java.util.ArrayList;
import java.util.List;

/** Traffic classes over real DPDK ports (net_ring): classification, policing at the class's rate, the circuit breaker. */
class TrafficClassesTest
{
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 64}
        ports:
          - {name: west, device: net_ring_tc_w_a}
          - {name: east, device: net_ring_tc_e_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: east, port: east, ipv4: [10.1.0.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
        routes:
          - {prefix: 198.18.0.0/16, via: [{address: 10.1.0.2}]}
        classes:
          - name: voice
            priority: 7
            match: {dscp: [46], protocol: udp}
          - name: bulk
            match: {destination: 198.18.9.0/24, destination-ports: 5000-5999}
            rate-mbps: 1
            burst-kb: 16
          - name: flood
            match: {destination: 198.18.7.0/24}
            rate-mbps: 1
            burst-kb: 4
            breaker: {drop-ratio: 0.5, window-ms: 50, open-ms: 400}
        """;

    static ApplianceHarness harness;
    static TestPort west;
    static TestPort east;

    @BeforeAll
    static void start()
    {
        harness = new ApplianceHarness(YAML, 1, "tc_w", "tc_e");
        west = harness.link("tc_w");
        east = harness.link("tc_e");
    }

    @AfterAll
    static void stop()
    {
        harness.close();
    }

    static byte[] packet(final int dst, final int dstPort, final int dscp, final int payload)
    {
        final byte[] frame = Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50), dst, 64,
            1000, dstPort, payload);
        frame[15] = (byte)(dscp << 2);
        frame[24] = 0;
        frame[25] = 0;
        final int checksum = Frames.checksum(frame, 14, 20);
        frame[24] = (byte)(checksum >>> 8);
        frame[25] = (byte)checksum;
        return frame;
    }

    /** Sends {@code count} frames in bursts of 32 as fast as the ring takes them; returns how many came out of east. */
    static int blast(final byte[] frame, final int count)
    {
        int received = 0;
        for (int sent = 0; sent < count; sent += 32)
        {
            final List<byte[]> burst = new ArrayList<>();
            for (int i = 0; i < Math.min(32, count - sent); i++)
            {
                burst.add(frame);
            }
            west.send(0, burst);
            received += east.drain(0).size();
        }
        return received + east.drain(100).size();
    }

    @Test
    void aPolicedClassPassesItsBurstAndRateAndDropsTheRestWhileOtherClassesPassUntouched()
    {
        final int bulk = harness.appliance.trafficClasses().index("bulk");
        final long policedBefore = harness.drops(DropReason.POLICED);
        final long start = System.nanoTime();
        // 1000-byte IP packets: the 16 KiB burst lets ~16 through at once, 1 Mbit/s adds 125 bytes a ms.
        final int passed = blast(packet(ip(198, 18, 9, 1), 5001, 0, 972), 400);
        final double seconds = (System.nanoTime() - start) / 1e9;
        final double allowed = (16 * 1024 + 125_000 * seconds) / 1000;
        assertTrue(passed >= 12 && passed <= allowed + 4, passed + " of 400 passed; burst + rate allow " + allowed);
        assertEquals(400 - passed, harness.drops(DropReason.POLICED) - policedBefore, "the rest counted as policed");
        assertEquals(400, harness.appliance.circuitBreakers().policers().get(0).matchedPackets(bulk));

        // Same destination, a port outside the class: not policed. DSCP EF: the unpoliced voice class.
        assertEquals(400, blast(packet(ip(198, 18, 9, 1), 6000, 0, 972), 400));
        assertEquals(400, blast(packet(ip(198, 18, 9, 1), 5001, 46, 972), 400), "voice matches first (config order)");
        assertEquals(400, harness.appliance.circuitBreakers().policers().get(0).matchedPackets(harness.appliance.trafficClasses()
            .index("voice")));
    }

    @Test
    void theBreakerOpensOnAFloodAndClosesAfterItsOpenTime() throws InterruptedException
    {
        final int flood = harness.appliance.trafficClasses().index("flood");
        final byte[] frame = packet(ip(198, 18, 7, 1), 80, 0, 972);
        final long deadline = System.nanoTime() + 3_000_000_000L;
        while (!harness.appliance.trafficClasses().breakerOpen(flood) && System.nanoTime() < deadline)
        {
            blast(frame, 64);
        }
        assertTrue(harness.appliance.trafficClasses().breakerOpen(flood), "a flood over its rate opens the breaker");
        assertEquals(1, harness.appliance.circuitBreakers().trips(flood));
        final long breakerBefore = harness.drops(DropReason.CLASS_BREAKER_OPEN);
        assertEquals(0, blast(frame, 64), "open: the whole class is shed");
        assertEquals(64, harness.drops(DropReason.CLASS_BREAKER_OPEN) - breakerBefore);
        Thread.sleep(600);
        assertTrue(!harness.appliance.trafficClasses().breakerOpen(flood), "closed after open-ms");
        assertTrue(blast(frame, 1) == 1, "and the class passes again within its rate");
    }

    @Test
    void badClassConfigNamesTheFieldAndReason()
    {
        final ConfigException ex = Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.parse("t.yaml",
            YAML.replace("destination-ports: 5000-5999", "destination-ports: 6000-5000")));
        assertTrue(ex.getMessage().contains("destination-ports") && ex.getMessage().contains("not a range"), ex.getMessage());
        final ConfigException breaker = Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.parse("t.yaml",
            YAML.replace("    rate-mbps: 1\n    burst-kb: 4\n", "")));
        assertTrue(breaker.getMessage().contains("breaker") && breaker.getMessage().contains("needs a rate-mbps"), breaker.getMessage());
        final ConfigException unknown = Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.parse("t.yaml",
            YAML.replace("priority: 7", "priority: 7\n    colour: red")));
        assertTrue(unknown.getMessage().contains("colour"), unknown.getMessage());
    }
}
