package io.flowlane.dataplane.testing;

import java.nio.ByteBuffer;

/**
 * Builds test frames byte by byte, independently of the data plane's own header code, so that
 * a bug there cannot hide itself in the test's expectations.
 */
public final class Frames
{
    private Frames()
    {
    }

    public static byte[] mac(final long mac)
    {
        final byte[] out = new byte[6];
        for (int i = 0; i < 6; i++)
        {
            out[i] = (byte)(mac >>> (40 - 8 * i));
        }
        return out;
    }

    public static int ip(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** Ethernet + IPv4 + UDP with {@code payload} bytes of payload, checksums right. */
    public static byte[] udp4(final long dstMac, final long srcMac, final int vlan, final int src, final int dst, final int ttl,
        final int srcPort, final int dstPort, final int payload)
    {
        final int ipLength = 20 + 8 + payload;
        final ByteBuffer b = ethernet(dstMac, srcMac, vlan, 0x0800, ipLength);
        final int ip = b.position();
        b.put((byte)0x45).put((byte)0).putShort((short)ipLength).putShort((short)0x1234).putShort((short)0x4000)
            .put((byte)ttl).put((byte)17).putShort((short)0).putInt(src).putInt(dst);
        b.putShort(ip + 10, (short)checksum(b.array(), ip, 20));
        b.putShort((short)srcPort).putShort((short)dstPort).putShort((short)(8 + payload)).putShort((short)0);
        for (int i = 0; i < payload; i++)
        {
            b.put((byte)i);
        }
        return b.array();
    }

    /** Ethernet + IPv6 + UDP. */
    public static byte[] udp6(final long dstMac, final long srcMac, final long srcHi, final long srcLo, final long dstHi,
        final long dstLo, final int hopLimit, final int payload)
    {
        final int l4 = 8 + payload;
        final ByteBuffer b = ethernet(dstMac, srcMac, 0, 0x86DD, 40 + l4);
        b.putInt(0x6000_0000).putShort((short)l4).put((byte)17).put((byte)hopLimit)
            .putLong(srcHi).putLong(srcLo).putLong(dstHi).putLong(dstLo);
        b.putShort((short)4000).putShort((short)5000).putShort((short)l4).putShort((short)0);
        for (int i = 0; i < payload; i++)
        {
            b.put((byte)i);
        }
        return b.array();
    }

    public static byte[] arpRequest(final long srcMac, final int senderIp, final int targetIp)
    {
        final ByteBuffer b = ethernet(0xFFFF_FFFF_FFFFL, srcMac, 0, 0x0806, 28);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)1)
            .put(mac(srcMac)).putInt(senderIp).put(new byte[6]).putInt(targetIp);
        return b.array();
    }

    public static byte[] arpReply(final long dstMac, final long srcMac, final int senderIp, final int targetIp)
    {
        final ByteBuffer b = ethernet(dstMac, srcMac, 0, 0x0806, 28);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)2)
            .put(mac(srcMac)).putInt(senderIp).put(mac(dstMac)).putInt(targetIp);
        return b.array();
    }

    /** Ethernet II (optionally 802.1Q) header; pads the frame to 60 bytes like a NIC would. */
    public static ByteBuffer ethernet(final long dstMac, final long srcMac, final int vlan, final int etherType, final int payload)
    {
        final int header = vlan == 0 ? 14 : 18;
        final ByteBuffer b = ByteBuffer.allocate(Math.max(60, header + payload));
        b.put(mac(dstMac)).put(mac(srcMac));
        if (vlan != 0)
        {
            b.putShort((short)0x8100).putShort((short)vlan);
        }
        b.putShort((short)etherType);
        return b;
    }

    /** RFC 1071 over a byte range. */
    public static int checksum(final byte[] data, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2)
        {
            sum += ((data[offset + i] & 0xFF) << 8) | (data[offset + i + 1] & 0xFF);
        }
        if ((length & 1) != 0)
        {
            sum += (data[offset + length - 1] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    public static int u16(final byte[] data, final int offset)
    {
        return ((data[offset] & 0xFF) << 8) | (data[offset + 1] & 0xFF);
    }

    public static int u32(final byte[] data, final int offset)
    {
        return (u16(data, offset) << 16) | u16(data, offset + 2);
    }

    public static long mac(final byte[] data, final int offset)
    {
        long mac = 0;
        for (int i = 0; i < 6; i++)
        {
            mac = (mac << 8) | (data[offset + i] & 0xFF);
        }
        return mac;
    }
}
