package io.flowlane.tunnels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.GracePeriods;

import org.junit.jupiter.api.Test;

/** The control side of the tunnel table: what workers look up stays findable across changes. */
class TunnelTableTest
{
    @Test
    void scalingATunnelKeepsItFindableByItsReceivedPackets()
    {
        final TunnelTable table = new TunnelTable(16, 1, GracePeriods.NONE, new AdjacencyTable(16, GracePeriods.NONE));
        final Endpoints endpoints = Endpoints.parse("192.0.2.1", "192.0.2.2", 64);
        final int slot = table.create(new GreTunnel("gre1", endpoints, 42, false, false, 1500, 0));
        assertEquals(slot, lookup(table, endpoints, 42), "found after create");
        table.scale("gre1", 100_000_000L);
        assertEquals(slot, lookup(table, endpoints, 42), "found after scale");
        assertEquals(100_000_000L / 8, table.current().rate[slot], "the new rate is published");
    }

    private static int lookup(final TunnelTable table, final Endpoints e, final long key)
    {
        // As gre-decap asks: outer source is the peer, outer destination is us.
        return table.current().greTunnel(4, e.remoteHi(), e.remoteLo(), e.localHi(), e.localLo(), key);
    }
}
