package io.flowlane.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.packet.EthernetHeader;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generator's frames read back byte by byte, with checks written independently of the code
 * that built them: checksums summed here, ESP opened with the JDK's AES-GCM (not the shim's
 * intel-ipsec-mb that sealed it).
 */
class FrameTemplatesTest
{
    static final long DST_MAC = EthernetHeader.parseMac("02:fe:00:00:00:01");
    static final long SRC_MAC = EthernetHeader.parseMac("02:fe:00:00:01:01");
    static final byte[] KEY = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");
    static final int SALT = 0x0a0b0c0d;

    static TrafficSpec spec(final String src, final int srcCount, final String dst, final TrafficSpec.Encapsulation encapsulation)
    {
        return new TrafficSpec(DST_MAC, SRC_MAC, TrafficSpec.IpAddress.parse(src), srcCount, TrafficSpec.IpAddress.parse(dst), 200,
            1024, 4789, encapsulation);
    }

    static byte[] bytes(final FrameTemplates t, final int flow)
    {
        return t.frames.asSlice((long)flow * t.length, t.length).toArray(ValueLayout.JAVA_BYTE);
    }

    static int u16(final byte[] b, final int at)
    {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    /** RFC 1071, over {@code length} bytes at {@code from}, plus {@code initial}; 0 when a range with its checksum verifies. */
    static int onesComplement(final byte[] b, final int from, final int length, final long initial)
    {
        long sum = initial;
        for (int i = 0; i < length; i += 2)
        {
            sum += (b[from + i] & 0xFF) << 8 | (i + 1 < length ? b[from + i + 1] & 0xFF : 0);
        }
        while (sum >>> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    static long udp6PseudoHeader(final byte[] b, final int ip, final int udpLength)
    {
        long sum = 0;
        for (int i = 8; i < 40; i += 2)
        {
            sum += u16(b, ip + i);
        }
        return sum + udpLength + 17;
    }

    @Test
    void classicFramesAreUnchanged()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final FrameTemplates t = new FrameTemplates(arena, 1024, 64, DST_MAC, SRC_MAC, 0x0A000002, 0xC6120101, 200);
            assertEquals(60, t.length);
            final byte[] f = bytes(t, 201);
            assertEquals(0x0800, u16(f, 12));
            assertEquals(46, u16(f, 16), "IPv4 total length");
            assertEquals(0, onesComplement(f, 14, 20, 0), "IPv4 header checksum");
            assertArrayEquals(new byte[] {10, 0, 0, 2}, Arrays.copyOfRange(f, 26, 30));
            assertArrayEquals(new byte[] {(byte)198, 18, 1, 2}, Arrays.copyOfRange(f, 30, 34), "201 % 200 = 1 after the first");
            assertEquals(10201, u16(f, 34));
            assertEquals(4789, u16(f, 36));
            assertEquals(0, u16(f, 40), "no UDP checksum over IPv4, as before");
            assertEquals(44, t.stampOffset, "the last 16 of 18 payload bytes");
        }
    }

    @Test
    void sourcesSpreadOverSrcCount()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final FrameTemplates t = new FrameTemplates(arena, spec("10.0.0.2", 4, "198.18.1.1", TrafficSpec.Encapsulation.NONE), 64);
            assertArrayEquals(new byte[] {10, 0, 0, 5}, Arrays.copyOfRange(bytes(t, 7), 26, 30));
            assertArrayEquals(new byte[] {10, 0, 0, 2}, Arrays.copyOfRange(bytes(t, 8), 26, 30));
        }
    }

    @Test
    void ipv6FramesCarryAValidUdpChecksumAlsoAfterAStamp()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final FrameTemplates t = new FrameTemplates(arena, spec("2001:db8::2", 1, "2001:db8:99::1", TrafficSpec.Encapsulation.NONE), 128);
            final MemorySegment frame = arena.allocate(t.length);
            final int flow = 777;
            MemorySegment.copy(t.frames, (long)flow * t.length, frame, 0, t.length);
            final LatencyStamps stamps = new LatencyStamps(2_000_000_000L);
            stamps.stamp(frame.address(), t, 0x1234_5678_9abc_def0L);
            final byte[] f = frame.toArray(ValueLayout.JAVA_BYTE);
            assertEquals(0x86DD, u16(f, 12));
            assertEquals(6, (f[14] & 0xFF) >>> 4);
            assertEquals(128 - 4 - 14 - 40, u16(f, 18), "payload length");
            assertEquals(17, f[20]);
            // destination 2001:db8:99::1 + 777 % 200
            assertEquals(1 + 777 % 200, u16(f, 14 + 24 + 14));
            final int udpLength = u16(f, 58);
            assertEquals(128 - 4 - 14 - 40, udpLength);
            assertTrue(u16(f, 60) != 0, "a UDP checksum is mandatory over IPv6");
            assertEquals(0, onesComplement(f, 54, udpLength, udp6PseudoHeader(f, 14, udpLength)), "UDP checksum verifies");
            assertEquals(stamps.stampOf(frame.address(), t.length), 0x1234_5678_9abc_def0L, "the sink finds the stamp at the end");
            assertEquals(-1, new LatencyStamps(2_000_000_000L).stampOf(frame.address(), t.length), "another run's signature is not ours");
        }
    }

    @Test
    void greFramesHaveTheOuterHeaderTheKeyAndThePlainFrameInside()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final TrafficSpec.Encapsulation gre = new TrafficSpec.Encapsulation(TrafficSpec.Kind.GRE,
                TrafficSpec.IpAddress.parse("10.0.0.2"), TrafficSpec.IpAddress.parse("10.0.0.1"), 7, 0);
            final FrameTemplates t = new FrameTemplates(arena, spec("10.0.0.2", 1, "198.18.1.1", gre), 64);
            final FrameTemplates plain = new FrameTemplates(arena, spec("10.0.0.2", 1, "198.18.1.1", TrafficSpec.Encapsulation.NONE), 64);
            assertEquals(60 + 20 + 8, t.length);
            final byte[] f = bytes(t, 3);
            assertEquals(0x0800, u16(f, 12));
            assertEquals(47, f[23], "GRE");
            assertEquals(0, onesComplement(f, 14, 20, 0), "outer checksum");
            assertEquals(20 + 8 + 46, u16(f, 16));
            assertEquals(0x4000, u16(f, 20), "DF");
            assertEquals(0x2000, u16(f, 34), "K bit only, version 0");
            assertEquals(0x0800, u16(f, 36));
            assertEquals(7, u16(f, 40));
            assertArrayEquals(Arrays.copyOfRange(bytes(plain, 3), 14, 60), Arrays.copyOfRange(f, 42, 88), "inner = the plain frame's packet");
        }
    }

    @Test
    void espFramesDecryptWithTheJdksAesGcmToThePlainPacket() throws Exception
    {
        for (final boolean esn : new boolean[] {false, true})
        {
            try (Arena arena = Arena.ofConfined())
            {
                final TrafficSpec.Encapsulation esp = new TrafficSpec.Encapsulation(TrafficSpec.Kind.ESP,
                    TrafficSpec.IpAddress.parse("10.0.0.2"), TrafficSpec.IpAddress.parse("10.0.0.1"), -1, 0x2001);
                final FrameTemplates t = new FrameTemplates(arena, spec("10.0.0.2", 1, "198.18.1.1", esp), 594);
                final FrameTemplates plain = new FrameTemplates(arena, spec("10.0.0.2", 1, "198.18.1.1", TrafficSpec.Encapsulation.NONE), 594);
                try (EspSealer sealer = new EspSealer(arena, 0x2001, KEY, SALT, esn, 41))
                {
                    for (long seq = 41; seq < 43; seq++)
                    {
                        final MemorySegment frame = arena.allocate(t.length);
                        MemorySegment.copy(t.frames, 5L * t.length, frame, 0, t.length);
                        sealer.seal(frame.address(), t);
                        final byte[] f = frame.toArray(ValueLayout.JAVA_BYTE);
                        assertEquals(50, f[23], "ESP");
                        assertEquals(0, onesComplement(f, 14, 20, 0), "outer checksum");
                        assertEquals(t.length - 14, u16(f, 16));
                        final ByteBuffer espHeader = ByteBuffer.wrap(f, 34, 16);
                        assertEquals(0x2001, espHeader.getInt());
                        assertEquals(seq, espHeader.getInt(), "sequence numbers count from the first");
                        assertEquals(seq, espHeader.getLong(), "IV = sequence number");
                        final ByteBuffer nonce = ByteBuffer.allocate(12).putInt(SALT).putLong(seq);
                        final ByteBuffer aad = esn ? ByteBuffer.allocate(12).putInt(0x2001).putInt(0).putInt((int)seq) :
                            ByteBuffer.allocate(8).putInt(0x2001).putInt((int)seq);
                        final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
                        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce.array()));
                        gcm.updateAAD(aad.array());
                        final byte[] clear = gcm.doFinal(f, 50, t.length - 50);
                        final int innerLength = 594 - 4 - 14;
                        assertArrayEquals(Arrays.copyOfRange(bytes(plain, 5), 14, 14 + innerLength), Arrays.copyOfRange(clear, 0, innerLength),
                            "the plaintext is the plain frame's packet");
                        final int padding = clear[clear.length - 2];
                        assertEquals(clear.length, innerLength + padding + 2);
                        assertEquals(0, clear.length % 4, "RFC 4303 §2.4: payload + padding + trailer end on 4 bytes");
                        for (int p = 0; p < padding; p++)
                        {
                            assertEquals(p + 1, clear[innerLength + p], "padding 1, 2, 3 ...");
                        }
                        assertEquals(4, clear[clear.length - 1], "next header IPv4");
                    }
                }
            }
        }
    }

    @Test
    void sizesTooSmallForTheHeadersAreRefused()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
                new FrameTemplates(arena, spec("2001:db8::2", 1, "2001:db8:99::1", TrafficSpec.Encapsulation.NONE), 64));
            assertTrue(ex.getMessage().contains("66-byte minimum"), ex.getMessage());
            assertEquals(-1, new FrameTemplates(arena, spec("2001:db8::2", 1, "2001:db8:99::1", TrafficSpec.Encapsulation.NONE), 66)
                .stampOffset, "no room for a stamp in the smallest IPv6 frame");
        }
    }
}
