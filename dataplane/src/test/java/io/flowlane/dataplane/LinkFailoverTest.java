package io.flowlane.dataplane;

import static io.flowlane.dataplane.testing.Frames.ip;
import static io.flowlane.dataplane.testing.Frames.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.config.ConfigException;
import io.flowlane.dataplane.config.ConfigLoader;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Local repair when a link goes down, over real DPDK ports (net_ring, whose link is set down the
 * way a dead memif peer or a pulled cable sets it): flows of an ECMP member whose port is down move
 * to a live member, and a route's backup next hop (weight 0) carries nothing until its primary's
 * link is down, then everything; all of it before any route changes.
 */
class LinkFailoverTest
{
    static final long WEST_HOST_MAC = 0x02_00_00_00_00_32L;
    static final long ONE_MAC = 0x02_00_00_00_01_02L;
    static final long TWO_MAC = 0x02_00_00_00_02_02L;
    static final long THREE_MAC = 0x02_00_00_00_03_02L;
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 4095, cache: 64}
        ports:
          - {name: west, device: net_ring_lf_w_a}
          - {name: one, device: net_ring_lf_1_a}
          - {name: two, device: net_ring_lf_2_a}
          - {name: three, device: net_ring_lf_3_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: one, port: one, ipv4: [10.1.0.1/24]}
          - {name: two, port: two, ipv4: [10.2.0.1/24]}
          - {name: three, port: three, ipv4: [10.3.0.1/24]}
        workers: {count: 1, idle: backoff}
        neighbors:
          - {interface: one, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
          - {interface: two, address: 10.2.0.2, mac: "02:00:00:00:02:02"}
          - {interface: three, address: 10.3.0.2, mac: "02:00:00:00:03:02"}
        routes:
          - prefix: 198.18.0.0/16
            via: [{address: 10.1.0.2}, {address: 10.2.0.2, weight: 0}]
          - prefix: 198.19.0.0/16
            via: [{address: 10.1.0.2}, {address: 10.2.0.2}, {address: 10.3.0.2, weight: 0}]
        """;

    static ApplianceHarness harness;
    static TestPort west;
    static Map<Long, TestPort> byMac;

    @BeforeAll
    static void start()
    {
        harness = new ApplianceHarness(YAML, 1, "lf_w", "lf_1", "lf_2", "lf_3");
        west = harness.link("lf_w");
        byMac = Map.of(ONE_MAC, harness.link("lf_1"), TWO_MAC, harness.link("lf_2"), THREE_MAC, harness.link("lf_3"));
    }

    @AfterAll
    static void stop()
    {
        harness.close();
    }

    @Test
    void aBackupCarriesNothingUntilItsPrimarysLinkGoesDownThenEverything() throws InterruptedException
    {
        assertEquals(Map.of(ONE_MAC, 64), where(ip(198, 18, 1, 1)), "all flows on the primary while its link is up");
        linkDown("one");
        try
        {
            assertEquals(Map.of(TWO_MAC, 64), where(ip(198, 18, 1, 1)), "all flows on the backup while the primary is down");
        }
        finally
        {
            linkUp("one");
        }
        assertEquals(Map.of(ONE_MAC, 64), where(ip(198, 18, 1, 1)), "back on the primary once its link is up");
    }

    @Test
    void anEcmpMembersFlowsMoveToTheLiveMemberAndTheOthersStay() throws InterruptedException
    {
        final Map<Integer, Long> before = pathOfFlow(ip(198, 19, 1, 1));
        assertTrue(before.containsValue(ONE_MAC) && before.containsValue(TWO_MAC) && !before.containsValue(THREE_MAC), before.toString());
        linkDown("one");
        try
        {
            final Map<Integer, Long> during = pathOfFlow(ip(198, 19, 1, 1));
            for (final Map.Entry<Integer, Long> flow : before.entrySet())
            {
                // Flows on the live member keep their path (no reordering for them); the others all go to it, not to the backup.
                assertEquals(TWO_MAC, during.get(flow.getKey()), "flow " + flow.getKey() + " was on " + Long.toHexString(flow.getValue()));
            }
        }
        finally
        {
            linkUp("one");
        }
        assertEquals(before, pathOfFlow(ip(198, 19, 1, 1)), "every flow back where it was");

        linkDown("one");
        linkDown("two");
        try
        {
            assertEquals(Map.of(THREE_MAC, 64), where(ip(198, 19, 1, 1)), "both members down: the backup carries all");
        }
        finally
        {
            linkUp("two");
            linkUp("one");
        }
    }

    @Test
    void aRouteWhoseEveryWeightIsZeroIsRefusedNamingTheField()
    {
        final ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.parse("test.yaml",
            YAML.replace("via: [{address: 10.1.0.2}, {address: 10.2.0.2, weight: 0}]",
                "via: [{address: 10.1.0.2, weight: 0}, {address: 10.2.0.2, weight: 0}]")));
        assertTrue(refused.getMessage().contains("routes[0].via") && refused.getMessage().contains("every weight is 0"),
            refused.getMessage());
    }

    /** Sets a port's link down and waits until the appliance's port watch has seen it. */
    private static void linkDown(final String port) throws InterruptedException
    {
        setLink(port, false);
    }

    private static void linkUp(final String port) throws InterruptedException
    {
        setLink(port, true);
    }

    private static void setLink(final String port, final boolean up) throws InterruptedException
    {
        harness.appliance.port(port).link(up);
        final int id = harness.appliance.port(port).id();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (((harness.appliance.tables().adjacencies().portsDown() >>> id & 1) == 0) == !up)
        {
            assertTrue(System.nanoTime() < deadline, "the port watch did not see " + port + " go " + (up ? "up" : "down"));
            Thread.sleep(1);
        }
    }

    /** How many of 64 flows to {@code dst} left by each next hop (by destination MAC). */
    private static Map<Long, Integer> where(final int dst)
    {
        final Map<Long, Integer> count = new HashMap<>();
        pathOfFlow(dst).values().forEach(mac -> count.merge(mac, 1, Integer::sum));
        return count;
    }

    /** Sends one packet of each of 64 flows to {@code dst}; which next hop (MAC) each flow left by. */
    private static Map<Integer, Long> pathOfFlow(final int dst)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int flow = 0; flow < 64; flow++)
        {
            frames.add(Frames.udp4(harness.appliance.port("west").mac(), WEST_HOST_MAC, 0, ip(10, 0, 0, 50), dst, 64, 3000 + flow, 80, 18));
        }
        west.send(0, frames);
        final Map<Integer, Long> path = new HashMap<>();
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (path.size() < 64 && System.nanoTime() < deadline)
        {
            for (final Map.Entry<Long, TestPort> out : byMac.entrySet())
            {
                for (final byte[] frame : out.getValue().drain(5))
                {
                    assertEquals(out.getKey(), Frames.mac(frame, 0), "the frame's destination MAC is its port's neighbour");
                    path.put(u16(frame, 14 + 20), out.getKey());
                }
            }
        }
        assertEquals(64, path.size(), "every flow forwarded: " + harness.nonZeroDrops());
        return path;
    }
}
