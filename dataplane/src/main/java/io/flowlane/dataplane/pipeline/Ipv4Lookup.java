package io.flowlane.dataplane.pipeline;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.EcmpGroupTable;
import io.flowlane.dataplane.fib.Ipv4Lpm;
import io.flowlane.dataplane.fib.RouteTarget;
import io.flowlane.dataplane.packet.Ipv4Header;

/**
 * Longest-prefix match on the destination, then an ECMP member by flow hash when the route has several
 * (one whose link is up: {@link EcmpGroupTable#selectLive}).
 */
public final class Ipv4Lookup implements Stage
{
    @Override
    public byte id()
    {
        return StageId.IP4_LOOKUP;
    }

    @Override
    public void process(final PacketVector v)
    {
        final Ipv4Lpm lpm = v.tables.ipv4();
        final AdjacencyTable adjacencies = v.tables.adjacencies();
        final EcmpGroupTable groups = v.tables.ecmpGroups();
        // Once per burst: a link that goes down mid-burst is avoided from the next one on.
        final long portsDown = adjacencies.portsDown();
        for (int i = 0; i < v.count; i++)
        {
            if (v.next[i] != StageId.IP4_LOOKUP)
            {
                continue;
            }
            final long ip = v.l3[i];
            final int target = lpm.lookup(Ipv4Header.destination(ip));
            if (target == RouteTarget.NONE)
            {
                v.drop(i, DropReason.NO_ROUTE);
                continue;
            }
            final int adjacency = RouteTarget.isGroup(target) ?
                groups.selectLive(RouteTarget.index(target), FlowHash.ipv4(v.mbuf[i], ip, v.l3Length[i]), adjacencies, portsDown) : target;
            switch (adjacencies.kind(adjacency))
            {
                case AdjacencyTable.NEIGHBOR, AdjacencyTable.GLEAN ->
                {
                    v.adjacency[i] = adjacency;
                    v.to(i, StageId.IP4_REWRITE);
                }
                case AdjacencyTable.LOCAL -> v.to(i, StageId.IP4_LOCAL);
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
