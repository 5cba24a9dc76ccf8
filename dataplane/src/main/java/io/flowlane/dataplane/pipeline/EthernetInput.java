package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.u16be;

import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.port.InterfaceTable;

/**
 * First stage: checks the frame, strips nothing, finds the receiving interface from (port, VLAN),
 * drops unicast frames for other stations, and classifies by ether type.
 */
public final class EthernetInput implements Stage
{
    @Override
    public byte id()
    {
        return StageId.ETHERNET_INPUT;
    }

    @Override
    public void process(final PacketVector v)
    {
        final InterfaceTable interfaces = v.tables.interfaces();
        final int port = v.rxPort;
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.ETHERNET_INPUT)
            {
                continue;
            }
            final long m = v.mbuf[i];
            if (Mbuf.segments(m) != 1)
            {
                v.drop(i, DropReason.MULTI_SEGMENT);
                continue;
            }
            final long eth = Mbuf.data(m);
            final int length = Mbuf.dataLength(m);
            if (length < EthernetHeader.LENGTH)
            {
                v.drop(i, DropReason.RUNT);
                continue;
            }
            int etherType = EthernetHeader.etherType(eth);
            int l2Length = EthernetHeader.LENGTH;
            int vlan = 0;
            if (etherType == EthernetHeader.TYPE_VLAN)
            {
                if (length < EthernetHeader.LENGTH + EthernetHeader.VLAN_TAG_LENGTH)
                {
                    v.drop(i, DropReason.RUNT);
                    continue;
                }
                vlan = u16be(eth + EthernetHeader.ETHER_TYPE + 2) & 0x0FFF;
                etherType = u16be(eth + EthernetHeader.ETHER_TYPE + 4);
                l2Length += EthernetHeader.VLAN_TAG_LENGTH;
                if (etherType == EthernetHeader.TYPE_VLAN || etherType == EthernetHeader.TYPE_QINQ)
                {
                    v.drop(i, DropReason.VLAN_UNSUPPORTED);
                    continue;
                }
            }
            else if (etherType == EthernetHeader.TYPE_QINQ)
            {
                v.drop(i, DropReason.VLAN_UNSUPPORTED);
                continue;
            }
            final int itf = interfaces.lookup(port, vlan);
            if (itf < 0)
            {
                v.drop(i, DropReason.UNKNOWN_INTERFACE);
                continue;
            }
            final long dst = EthernetHeader.destination(eth);
            if (dst != interfaces.mac(itf) && !EthernetHeader.isGroupAddress(dst))
            {
                v.drop(i, DropReason.NOT_FOR_US);
                continue;
            }
            v.rxInterface[i] = itf;
            v.l3[i] = eth + l2Length;
            v.l3Length[i] = length - l2Length;
            if (etherType == EthernetHeader.TYPE_IPV4)
            {
                v.to(i, StageId.IP4_INPUT);
            }
            else if (etherType == EthernetHeader.TYPE_IPV6)
            {
                v.to(i, StageId.IP6_INPUT);
            }
            else if (etherType == EthernetHeader.TYPE_ARP)
            {
                v.to(i, StageId.ARP_INPUT);
            }
            else
            {
                v.drop(i, DropReason.UNKNOWN_ETHERTYPE);
            }
        }
    }
}
