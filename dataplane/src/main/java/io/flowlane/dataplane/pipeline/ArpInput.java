package io.flowlane.dataplane.pipeline;

import static io.flowlane.dataplane.packet.NativeMemory.mac;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.NeighborTable;
import io.flowlane.dataplane.packet.ArpPacket;
import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.port.Interface;
import io.flowlane.dataplane.port.InterfaceTable;

/**
 * Answers ARP requests for the receiving interface's own addresses, turning the request into
 * the reply in place (RFC 826), and reports every sender binding it has not seen to the control
 * thread so next hops resolve.
 */
public final class ArpInput implements Stage
{
    private final NeighborEvents neighborEvents;

    public ArpInput(final NeighborEvents neighborEvents)
    {
        this.neighborEvents = neighborEvents;
    }

    @Override
    public byte id()
    {
        return StageId.ARP_INPUT;
    }

    @Override
    public void process(final PacketVector v)
    {
        final InterfaceTable interfaces = v.tables.interfaces();
        final NeighborTable neighbors = v.tables.neighbors();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.ARP_INPUT)
            {
                continue;
            }
            final long arp = v.l3[i];
            if (v.l3Length[i] < ArpPacket.LENGTH || !ArpPacket.isEthernetIpv4(arp))
            {
                v.drop(i, DropReason.ARP_MALFORMED);
                continue;
            }
            final int itfIndex = v.rxInterface[i];
            final Interface itf = interfaces.get(itfIndex);
            final int operation = ArpPacket.operation(arp);
            final int senderIp = ArpPacket.senderIp(arp);
            final long senderMac = ArpPacket.senderMac(arp);
            if (senderIp != 0 && !EthernetHeader.isGroupAddress(senderMac) &&
                neighbors.lookupIpv4(itfIndex, senderIp) != (senderMac | AdjacencyTable.RESOLVED))
            {
                v.stats.event(neighborEvents.offerIpv4(itfIndex, senderIp, senderMac) ?
                    WorkerEvent.NEIGHBORS_LEARNED : WorkerEvent.NEIGHBOR_EVENTS_LOST);
            }
            final int targetIp = ArpPacket.targetIp(arp);
            if (operation == ArpPacket.OP_REQUEST && itf.ownsIpv4(targetIp))
            {
                ArpPacket.write(arp, ArpPacket.OP_REPLY, itf.mac(), targetIp, senderMac, senderIp);
                final long eth = Mbuf.data(v.mbuf[i]);
                mac(eth + EthernetHeader.DST, senderMac);
                mac(eth + EthernetHeader.SRC, itf.mac());
                v.txPort[i] = itf.port();
                v.to(i, StageId.TX);
                v.stats.event(WorkerEvent.ARP_REPLIES_SENT);
            }
            else
            {
                v.drop(i, DropReason.ARP_CONSUMED);
            }
        }
    }
}
