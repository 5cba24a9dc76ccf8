package io.flowlane.dataplane.fib;

import io.flowlane.dataplane.port.InterfaceTable;

/**
 * Everything a worker consults to forward a packet. The LPM, adjacency, ECMP and neighbor tables
 * are updated in place by one writer with per-entry atomic stores (readers see old or new, never
 * torn); structures that cannot be updated that way, like the interface table, are replaced
 * whole: a new {@code ForwardingTables} is published with one volatile write (see
 * {@link ForwardingControl}).
 */
public record ForwardingTables(
    InterfaceTable interfaces, Ipv4Lpm ipv4, Ipv6Lpm ipv6, AdjacencyTable adjacencies,
    EcmpGroupTable ecmpGroups, NeighborTable neighbors)
{
    public ForwardingTables withInterfaces(final InterfaceTable newInterfaces)
    {
        return new ForwardingTables(newInterfaces, ipv4, ipv6, adjacencies, ecmpGroups, neighbors);
    }
}
