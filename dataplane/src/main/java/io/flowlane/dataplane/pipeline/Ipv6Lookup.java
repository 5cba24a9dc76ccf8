package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.EcmpGroupTable;
import io.flowlane.dataplane.fib.Ipv6Lpm;
import io.flowlane.dataplane.fib.RouteTarget;
import io.flowlane.dataplane.packet.Ipv6Header;

/** IPv6 longest-prefix match, then an ECMP member by flow hash. */
public final class Ipv6Lookup implements Stage
{
    @Override
    public byte id()
    {
        return StageId.IP6_LOOKUP;
    }

    @Override
    public void process(final PacketVector v)
    {
        final Ipv6Lpm lpm = v.tables.ipv6();
        final AdjacencyTable adjacencies = v.tables.adjacencies();
        final EcmpGroupTable groups = v.tables.ecmpGroups();
        // Once per burst: a link that goes down mid-burst is avoided from the next one on.
        final long portsDown = adjacencies.portsDown();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP6_LOOKUP)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int target = lpm.lookup(Ipv6Header.destinationHi(ip), Ipv6Header.destinationLo(ip));
            if (target == RouteTarget.NONE)
            {
                v.drop(i, DropReason.NO_ROUTE);
                continue;
            }
            final int adjacency = RouteTarget.isGroup(target) ?
                groups.selectLive(RouteTarget.index(target), FlowHash.ipv6(v.mbuf[i], ip, v.l3Length[i]), adjacencies, portsDown) : target;
            switch (adjacencies.kind(adjacency))
            {
                case AdjacencyTable.NEIGHBOR, AdjacencyTable.GLEAN ->
                {
                    v.adjacency[i] = adjacency;
                    v.to(i, StageId.IP6_REWRITE);
                }
                case AdjacencyTable.LOCAL -> v.to(i, StageId.IP6_LOCAL);
                case AdjacencyTable.DROP -> v.drop(i, DropReason.BLACKHOLE);
                case AdjacencyTable.TUNNEL ->
                {
                    v.adjacency[i] = adjacency;
                    v.to(i, adjacencies.encapStage(adjacency));
                }
                default -> v.drop(i, DropReason.NO_ROUTE);
            }
        }
    }
}
