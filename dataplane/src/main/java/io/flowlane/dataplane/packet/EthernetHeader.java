package io.flowlane.dataplane.packet;

import static io.flowlane.dataplane.packet.NativeMemory.mac;
import static io.flowlane.dataplane.packet.NativeMemory.u16be;

/** IEEE 802.3 Ethernet II header, with an optional 802.1Q tag, at a raw address. */
public final class EthernetHeader
{
    public static final int LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int DST = 0;
    public static final int SRC = 6;
    public static final int ETHER_TYPE = 12;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88A8;
    public static final int TYPE_IPV6 = 0x86DD;

    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private EthernetHeader()
    {
    }

    public static long destination(final long eth)
    {
        return mac(eth + DST);
    }

    public static long source(final long eth)
    {
        return mac(eth + SRC);
    }

    public static int etherType(final long eth)
    {
        return u16be(eth + ETHER_TYPE);
    }

    /** True for broadcast and multicast destinations (the group bit of the first octet). */
    public static boolean isGroupAddress(final long mac)
    {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /**
     * Writes destination, source and ether type; for a tagged frame also the 802.1Q tag
     * (TPID 0x8100, priority 0), with the ether type after it.
     */
    public static void write(final long eth, final long dst, final long src, final int vlan, final int etherType)
    {
        mac(eth + DST, dst);
        mac(eth + SRC, src);
        if (vlan == 0)
        {
            u16be(eth + ETHER_TYPE, etherType);
        }
        else
        {
            u16be(eth + ETHER_TYPE, TYPE_VLAN);
            u16be(eth + ETHER_TYPE + 2, vlan & 0x0FFF);
            u16be(eth + ETHER_TYPE + 4, etherType);
        }
    }

    public static int lengthFor(final int vlan)
    {
        return vlan == 0 ? LENGTH : LENGTH + VLAN_TAG_LENGTH;
    }

    public static String macToString(final long mac)
    {
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int octet = (int)(mac >>> shift) & 0xFF;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }

    /** Parses "aa:bb:cc:dd:ee:ff"; throws IllegalArgumentException naming the text otherwise. */
    public static long parseMac(final String text)
    {
        final String[] octets = text.split(":", -1);
        if (octets.length != 6)
        {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (expected six hex octets like 02:00:00:00:00:01)");
        }
        long mac = 0;
        for (final String octet : octets)
        {
            if (octet.length() != 2)
            {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (octet '" + octet + "')");
            }
            try
            {
                mac = (mac << 8) | Integer.parseInt(octet, 16);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (octet '" + octet + "')");
            }
        }
        return mac;
    }
}
