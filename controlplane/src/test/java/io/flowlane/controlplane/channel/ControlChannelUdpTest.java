package io.flowlane.controlplane.channel;

import static io.flowlane.dataplane.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The control channel across hosts: Aeron UDP between two media drivers (the appliance's and the
 * controller's own), every frame authenticated with HMAC-SHA256. Frames without the key, with
 * another key, or replayed are refused and change nothing.
 */
class ControlChannelUdpTest
{
    static final byte[] HMAC_KEY = HexFormat.of().parseHex(
        "8f3a1c5e7b9d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c0e2b4d6f8a1c3e5b7d9f0a");
    static final long PID = ProcessHandle.current().pid();

    static ApplianceHarness harness;
    static ControlClient client;
    static ControlChannelClientFactory factory;

    record ControlChannelClientFactory(String dataPlane, String controller)
    {
        ControlClient connect(final byte[] hmacKey, final String dir)
        {
            return ControlClient.connect(new ControlClient.Config(dir, true, dataPlane, controller, hmacKey, null));
        }

        /** Another host's sender: the data plane answers only its configured controller, so this one only sends. */
        ControlClient sender(final byte[] hmacKey, final String dir)
        {
            return ControlClient.connect(new ControlClient.Config(dir, true, dataPlane, null, hmacKey, null));
        }
    }

    @BeforeAll
    static void start() throws IOException
    {
        final Path work = Files.createTempDirectory("flowlane-control-udp");
        Files.writeString(work.resolve("hmac.hex"), HexFormat.of().formatHex(HMAC_KEY));
        final int port = 41000 + ThreadLocalRandom.current().nextInt(4000) * 2;
        factory = new ControlChannelClientFactory("127.0.0.1:" + port, "127.0.0.1:" + (port + 1));
        harness = new ApplianceHarness("""
            eal: {vdevs: [unused]}
            mempool: {mbufs: 4095, cache: 64}
            ports:
              - {name: west, device: net_ring_ccu_w_a}
              - {name: east, device: net_ring_ccu_e_a}
            interfaces:
              - {name: west, port: west, ipv4: [10.0.0.1/24]}
              - {name: east, port: east, ipv4: [10.1.0.1/24]}
            workers: {count: 1, idle: backoff}
            neighbors:
              - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
            control:
              transport: udp
              listen: %s
              controller: %s
              aeron-dir: /dev/shm/flowlane-ccu-dp-%d
              hmac-key-file: %s
            """.formatted(factory.dataPlane(), factory.controller(), PID, work.resolve("hmac.hex")), 1, "ccu_w", "ccu_e");
        client = factory.connect(HMAC_KEY, "/dev/shm/flowlane-ccu-ctl-" + PID).awaitConnected(10_000);
    }

    @AfterAll
    static void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (harness != null)
        {
            harness.close();
        }
    }

    @Test
    void signedCommandsApplyAndUnsignedForeignOrReplayedFramesAreRefused()
    {
        final TestPort west = harness.link("ccu_w");
        final TestPort east = harness.link("ccu_e");
        final long prefix = ip(203, 0, 113, 0) & 0xFFFF_FFFFL;
        final List<NextHop> gw = List.of(NextHop.viaIpv4(null, ip(10, 1, 0, 2), 1));

        final ControlClient.Ack ack = client.awaitAck(client.routeAdd(4, prefix, 0, 24, gw), 5_000);
        assertTrue(ack.applied(), ack.field() + ": " + ack.reason());
        final byte[] signedAdd = client.lastFrame();
        west.send(Frames.udp4(harness.appliance.port("west").mac(), 0x02_00_00_00_00_32L, 0, ip(10, 0, 0, 50),
            ip(203, 0, 113, 5), 64, 1000, 80, 18));
        assertEquals(1, east.receive(1, 2000).size(), "the route sent over UDP forwards");

        final ControlClient.Ack deleted = client.awaitAck(client.routeDelete(4, prefix, 0, 24), 5_000);
        assertTrue(deleted.applied());
        final String digest = client.awaitAck(client.command(io.flowlane.controlplane.sbe.CommandKind.TABLE_DIGEST), 5_000).reason();

        // Replaying the captured, validly signed RouteAdd would bring the deleted route back: refused.
        client.sendExact(signedAdd);
        assertRefused(client, "replayed");

        // A controller without the key, and one with another key.
        try (ControlClient unsigned = factory.sender(null, "/dev/shm/flowlane-ccu-ctl2-" + PID).awaitConnected(10_000))
        {
            unsigned.routeAdd(4, prefix, 0, 24, gw);
            assertRefused(client, "HMAC");
        }
        final byte[] otherKey = HMAC_KEY.clone();
        otherKey[0] ^= 1;
        try (ControlClient foreign = factory.sender(otherKey, "/dev/shm/flowlane-ccu-ctl3-" + PID).awaitConnected(10_000))
        {
            foreign.routeAdd(4, prefix, 0, 24, gw);
            assertRefused(client, "HMAC");
        }
        assertEquals(digest, client.awaitAck(client.command(io.flowlane.controlplane.sbe.CommandKind.TABLE_DIGEST), 5_000).reason(),
            "no refused frame changed the tables");
    }

    private static void assertRefused(final ControlClient via, final String reasonContains)
    {
        final ControlClient.Ack[] got = new ControlClient.Ack[1];
        final long deadline = System.nanoTime() + 5_000_000_000L;
        while (got[0] == null && System.nanoTime() < deadline)
        {
            via.pollAcks(ack ->
            {
                if (ack.correlationId() == 0)
                {
                    got[0] = ack;
                }
            });
        }
        assertTrue(got[0] != null, "an error ack for the refused frame");
        assertFalse(got[0].applied());
        assertEquals("authentication", got[0].field());
        assertTrue(got[0].reason().contains(reasonContains), got[0].reason());
    }
}
