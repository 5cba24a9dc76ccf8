package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Mbuf;

/**
 * Puts a fresh Ethernet header (tagged or not) in front of the network header at {@code l3},
 * moving the mbuf's data start so that the frame begins exactly there. Works whatever the frame
 * had before: an untagged frame leaving on a VLAN gains four bytes, a tagged one leaving
 * untagged loses them, and a packet built by a stage (an ICMP error) gets its first header.
 */
final class L2Header
{
    private L2Header()
    {
    }

    /** False when the buffer lacks the headroom for the header. */
    static boolean write(
        final long mbuf, final long l3, final long dstMac, final long srcMac, final int vlan, final int etherType)
    {
        final long frame = l3 - EthernetHeader.lengthFor(vlan);
        if (!moveStart(mbuf, frame))
        {
            return false;
        }
        EthernetHeader.write(frame, dstMac, srcMac, vlan, etherType);
        return true;
    }

    /** Makes {@code address} the first byte of the mbuf's data; false if it is outside the buffer. */
    static boolean moveStart(final long mbuf, final long address)
    {
        final long data = Mbuf.data(mbuf);
        if (address == data)
        {
            return true;
        }
        if (address < data)
        {
            return Mbuf.prepend(mbuf, (int)(data - address)) != 0;
        }
        return Mbuf.adj(mbuf, (int)(address - data)) != 0;
    }
}
