package io.flowlane.tunnels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.TestPort;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Two workers encrypt into one SA at once (each fed on its own rx queue, as RSS would spread
 * flows): the shared outbound sequence counter must hand out every number exactly once, with no
 * gap, and every packet must decrypt — checked with the JDK's AES-GCM, an implementation
 * independent of the OpenSSL one the appliance uses — to the inner packet that was sent.
 */
class EspSequenceStressTest
{
    static final int PER_QUEUE = 30_000;
    static final int BATCH = 256;
    static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    static final byte[] SALT = HexFormat.of().parseHex("01020304");
    static final int SPI = 0x1001;
    static final String YAML = """
        eal: {vdevs: [unused]}
        mempool: {mbufs: 16383, cache: 256}
        ports:
          - {name: west, device: net_ring_es_w_a}
          - {name: east, device: net_ring_es_e_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24]}
          - {name: east, port: east, ipv4: [192.0.2.1/24]}
        workers: {count: 2, idle: backoff}
        neighbors:
          - {interface: east, address: 192.0.2.3, mac: "02:00:00:00:02:03"}
        tunnels:
          - name: esp1
            protocol: esp
            source: 192.0.2.1
            destination: 192.0.2.3
            outbound-sa: {spi: 0x1001, key: 00112233445566778899aabbccddeeff, salt: "01020304", esn: true}
            inbound-sa: {spi: 0x2001, key: ffeeddccbbaa99887766554433221100, salt: 0a0b0c0d}
        routes:
          - {prefix: 198.18.0.0/16, via: [{tunnel: esp1}]}
        """;

    @Test
    void twoWorkersShareOneSequenceCounterWithoutGapsOrRepeats() throws Exception
    {
        try (ApplianceHarness harness = new ApplianceHarness(YAML, 2, "es_w", "es_e"))
        {
            final TestPort west = harness.link("es_w");
            final TestPort east = harness.link("es_e");
            final long westMac = harness.appliance.port("west").mac();
            final List<byte[]> received = new ArrayList<>(2 * PER_QUEUE);
            int sent = 0;
            final long deadline = System.nanoTime() + 60_000_000_000L;
            for (int start = 0; start < PER_QUEUE; start += BATCH)
            {
                // Every mbuf in flight is the test pool's (net_ring passes pointers): keep a
                // bounded number outstanding so the pool never runs dry.
                while (sent - received.size() > 4 * BATCH && System.nanoTime() < deadline)
                {
                    received.addAll(east.receive(0, Integer.MAX_VALUE, 0));
                    received.addAll(east.receive(1, Integer.MAX_VALUE, 0));
                }
                for (int queue = 0; queue < 2; queue++)
                {
                    final List<byte[]> batch = new ArrayList<>(BATCH);
                    for (int i = start; i < start + BATCH && i < PER_QUEUE; i++)
                    {
                        batch.add(inner(westMac, queue * PER_QUEUE + i));
                    }
                    sent += west.send(queue, batch);
                }
                received.addAll(east.receive(0, Integer.MAX_VALUE, 0));
                received.addAll(east.receive(1, Integer.MAX_VALUE, 0));
            }
            assertEquals(2 * PER_QUEUE, sent, "the rings took every frame (batches are far below their size)");
            while (received.size() < sent)
            {
                final int before = received.size();
                received.addAll(east.receive(0, Integer.MAX_VALUE, 100));
                received.addAll(east.receive(1, Integer.MAX_VALUE, 100));
                if (received.size() == before)
                {
                    break;
                }
            }
            assertEquals(sent, received.size(), "every packet came out encrypted; drops: " + harness.nonZeroDrops());
            final TunnelsRuntime tunnels = (TunnelsRuntime)harness.appliance.extensions().get(0);
            assertEquals(sent, tunnels.table().transmitSequence("esp1"), "the counter advanced once per packet");

            final BitSet sequences = new BitSet(sent + 1);
            final BitSet ids = new BitSet(sent);
            final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            final SecretKeySpec key = new SecretKeySpec(KEY, "AES");
            for (final byte[] frame : received)
            {
                final ByteBuffer b = ByteBuffer.wrap(frame);
                final int esp = 14 + 20;
                assertEquals(50, frame[14 + 9], "outer protocol ESP");
                assertEquals(SPI, b.getInt(esp));
                final long sequence = b.getInt(esp + 4) & 0xFFFF_FFFFL;
                assertTrue(sequence >= 1 && sequence <= sent, "sequence " + sequence + " within 1.." + sent);
                assertTrue(!sequences.get((int)sequence), "sequence " + sequence + " handed out twice");
                sequences.set((int)sequence);
                // RFC 4106: nonce = salt || IV, the IV is the 64-bit sequence number; ESN AAD = SPI || seq-hi || seq-lo.
                final byte[] nonce = ByteBuffer.allocate(12).put(SALT).put(frame, esp + 8, 8).array();
                assertEquals(sequence, ByteBuffer.wrap(nonce, 4, 8).getLong(), "IV = 64-bit sequence number");
                gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                gcm.updateAAD(ByteBuffer.allocate(12).putInt(SPI).putInt(0).putInt((int)sequence).array());
                final byte[] plain = gcm.doFinal(frame, esp + 16, frame.length - esp - 16);
                final int padLength = plain[plain.length - 2] & 0xFF;
                assertEquals(4, plain[plain.length - 1], "next header: IPv4");
                final int innerLength = plain.length - 2 - padLength;
                final ByteBuffer ip = ByteBuffer.wrap(plain, 0, innerLength);
                assertEquals(innerLength, ip.getShort(2) & 0xFFFF, "inner total length");
                final int id = ip.getInt(28);
                assertTrue(id >= 0 && id < sent, "packet id " + id);
                assertArrayEquals(payload(id), java.util.Arrays.copyOfRange(plain, 28, innerLength), "inner payload of packet " + id);
                assertTrue(!ids.get(id), "packet " + id + " came out twice");
                ids.set(id);
            }
            assertEquals(sent, sequences.cardinality(), "no sequence number missing");
            assertEquals(sent, ids.cardinality(), "every packet sent came back");
        }
    }

    /** A UDP packet to a destination behind the tunnel; its payload starts with its id. */
    static byte[] inner(final long westMac, final int id)
    {
        final byte[] payload = payload(id);
        final byte[] frame = Frames.udp4(westMac, 0x02_00_00_00_00_32L, 0, Frames.ip(10, 0, 0, 50),
            Frames.ip(198, 18, (id >> 8) & 0xFF, id & 0xFF), 64, 1000 + (id & 0x3FFF), 2000, payload.length);
        System.arraycopy(payload, 0, frame, 14 + 20 + 8, payload.length);
        return frame;
    }

    static byte[] payload(final int id)
    {
        return ByteBuffer.allocate(24).putInt(id).putLong(id * 0x9E37_79B9_7F4A_7C15L).putInt(~id).putLong(id).array();
    }
}
