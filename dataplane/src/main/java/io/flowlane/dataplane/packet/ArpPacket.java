package io.flowlane.dataplane.packet;

import static io.flowlane.dataplane.packet.NativeMemory.mac;
import static io.flowlane.dataplane.packet.NativeMemory.u16be;
import static io.flowlane.dataplane.packet.NativeMemory.u32be;
import static io.flowlane.dataplane.packet.NativeMemory.u8;

/** RFC 826 ARP for IPv4 over Ethernet, at a raw address. */
public final class ArpPacket
{
    public static final int LENGTH = 28;
    public static final int HARDWARE_TYPE = 0;
    public static final int PROTOCOL_TYPE = 2;
    public static final int HARDWARE_LENGTH = 4;
    public static final int PROTOCOL_LENGTH = 5;
    public static final int OPERATION = 6;
    public static final int SENDER_MAC = 8;
    public static final int SENDER_IP = 14;
    public static final int TARGET_MAC = 18;
    public static final int TARGET_IP = 24;

    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private ArpPacket()
    {
    }

    /** Ethernet hardware, IPv4 protocol, 6- and 4-byte addresses: the only ARP a router speaks. */
    public static boolean isEthernetIpv4(final long arp)
    {
        return u16be(arp + HARDWARE_TYPE) == 1 && u16be(arp + PROTOCOL_TYPE) == EthernetHeader.TYPE_IPV4 &&
            u8(arp + HARDWARE_LENGTH) == 6 && u8(arp + PROTOCOL_LENGTH) == 4;
    }

    public static int operation(final long arp)
    {
        return u16be(arp + OPERATION);
    }

    public static long senderMac(final long arp)
    {
        return mac(arp + SENDER_MAC);
    }

    public static int senderIp(final long arp)
    {
        return u32be(arp + SENDER_IP);
    }

    public static int targetIp(final long arp)
    {
        return u32be(arp + TARGET_IP);
    }

    public static void write(
        final long arp, final int operation, final long senderMac, final int senderIp, final long targetMac, final int targetIp)
    {
        u16be(arp + HARDWARE_TYPE, 1);
        u16be(arp + PROTOCOL_TYPE, EthernetHeader.TYPE_IPV4);
        u8(arp + HARDWARE_LENGTH, 6);
        u8(arp + PROTOCOL_LENGTH, 4);
        u16be(arp + OPERATION, operation);
        mac(arp + SENDER_MAC, senderMac);
        u32be(arp + SENDER_IP, senderIp);
        mac(arp + TARGET_MAC, targetMac);
        u32be(arp + TARGET_IP, targetIp);
    }
}
