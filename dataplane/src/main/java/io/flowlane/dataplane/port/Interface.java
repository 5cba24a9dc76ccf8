package io.flowlane.dataplane.port;

import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;

import java.util.Arrays;

/**
 * A layer-3 interface: a DPDK port, or one VLAN on it, with its MAC, MTU and addresses.
 *
 * @param index      dense index used by the packet path
 * @param name       the operator's name for it ("uplink", "port0.100")
 * @param port       DPDK port id
 * @param vlan       802.1Q VLAN id, 0 for untagged
 * @param mac        its MAC address (the port's own unless configured)
 * @param mtu        largest IP packet it sends, in bytes
 * @param ipv4       its IPv4 addresses
 * @param ipv4Prefix prefix length of each IPv4 address (its connected subnet)
 * @param ipv6       its IPv6 addresses as hi,lo pairs
 * @param ipv6Prefix prefix length of each IPv6 address
 */
public record Interface(
    int index, String name, int port, int vlan, long mac, int mtu,
    int[] ipv4, int[] ipv4Prefix, long[] ipv6, int[] ipv6Prefix)
{
    public boolean ownsIpv4(final int address)
    {
        for (final int own : ipv4)
        {
            if (own == address)
            {
                return true;
            }
        }
        return false;
    }

    public boolean ownsIpv6(final long hi, final long lo)
    {
        for (int i = 0; i < ipv6.length; i += 2)
        {
            if (ipv6[i] == hi && ipv6[i + 1] == lo)
            {
                return true;
            }
        }
        return false;
    }

    /** Source for packets this interface originates (ARP requests, ICMP errors); 0 if it has none. */
    public int primaryIpv4()
    {
        return ipv4.length == 0 ? 0 : ipv4[0];
    }

    public boolean hasIpv6()
    {
        return ipv6.length > 0;
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder()
            .append(name).append(" (port ").append(port).append(vlan == 0 ? "" : " vlan " + vlan)
            .append(", ").append(EthernetHeader.macToString(mac)).append(", mtu ").append(mtu);
        for (int i = 0; i < ipv4.length; i++)
        {
            text.append(", ").append(Ipv4Header.toString(ipv4[i])).append('/').append(ipv4Prefix[i]);
        }
        for (int i = 0; i < ipv6Prefix.length; i++)
        {
            text.append(", ").append(Ipv6Header.toString(ipv6[2 * i], ipv6[2 * i + 1])).append('/').append(ipv6Prefix[i]);
        }
        return text.append(')').toString();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Interface that && index == that.index && name.equals(that.name) && port == that.port &&
            vlan == that.vlan && mac == that.mac && mtu == that.mtu && Arrays.equals(ipv4, that.ipv4) &&
            Arrays.equals(ipv4Prefix, that.ipv4Prefix) && Arrays.equals(ipv6, that.ipv6) &&
            Arrays.equals(ipv6Prefix, that.ipv6Prefix);
    }

    @Override
    public int hashCode()
    {
        return index * 31 + name.hashCode();
    }
}
