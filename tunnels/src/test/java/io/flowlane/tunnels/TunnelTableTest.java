package io.flowlane.tunnels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowlane.dataplane.fib.AdjacencyTable;
import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.dataplane.stats.CounterFile;

import org.junit.jupiter.api.Test;

/** The control side of the tunnel table: what workers look up stays findable across changes. */
class TunnelTableTest
{
    @Test
    void scalingATunnelKeepsItFindableByItsReceivedPackets()
    {
        final TunnelTable table = new TunnelTable(16, 1, GracePeriods.NONE, new AdjacencyTable(16, GracePeriods.NONE), null);
        final Endpoints endpoints = Endpoints.parse("192.0.2.1", "192.0.2.2", 64);
        final int slot = table.create(new GreTunnel("gre1", endpoints, 42, false, false, 1500, 0));
        assertEquals(slot, lookup(table, endpoints, 42), "found after create");
        table.scale("gre1", 100_000_000L);
        assertEquals(slot, lookup(table, endpoints, 42), "found after scale");
        assertEquals(100_000_000L / 8, table.current().rate[slot], "the new rate is published");
    }

    @Test
    void countersAreInTheSharedFileAndStartAtZeroWhenASlotIsReused()
    {
        final CounterFile file = CounterFile.inMemory(64);
        final TunnelTable table = new TunnelTable(1, 2, GracePeriods.NONE, new AdjacencyTable(16, GracePeriods.NONE), file.manager());
        final TunnelStages worker0 = new TunnelStages(table, 0, 2, 1);
        final TunnelStages worker1 = new TunnelStages(table, 1, 2, 1);
        final Endpoints endpoints = Endpoints.parse("192.0.2.1", "192.0.2.2", 64);
        final int slot = table.create(new GreTunnel("gre1", endpoints, 42, false, false, 1500, 0));
        worker0.countTransmit(slot, 100);
        worker0.countTransmit(slot, 100);
        worker1.countTransmit(slot, 60);
        worker1.countReceive(slot, 40);
        worker0.publish();
        worker1.publish();
        assertEquals(2, CounterFile.value(file.manager(), "worker 0: tunnel gre1 tx-packets"));
        assertEquals(1, CounterFile.value(file.manager(), "worker 1: tunnel gre1 tx-packets"));
        assertEquals(3, CounterFile.sum(file.manager(), "tunnel gre1 tx-packets"));
        assertEquals(260, CounterFile.sum(file.manager(), "tunnel gre1 tx-bytes"));
        assertEquals(40, CounterFile.sum(file.manager(), "tunnel gre1 rx-bytes"));

        table.delete("gre1");
        // The only slot is taken again (the grace period is over at once here): the new tunnel
        // starts from zero, and the old tunnel's counters are gone from the file.
        assertEquals(slot, table.create(new GreTunnel("gre2", endpoints, 43, false, false, 1500, 0)));
        worker0.countTransmit(slot, 10);
        worker0.publish();
        worker1.publish();
        assertEquals(-1, CounterFile.value(file.manager(), "worker 0: tunnel gre1 tx-packets"), "gre1's counters freed");
        assertEquals(1, CounterFile.sum(file.manager(), "tunnel gre2 tx-packets"));
        assertEquals(10, CounterFile.sum(file.manager(), "tunnel gre2 tx-bytes"));
        assertEquals(0, CounterFile.sum(file.manager(), "tunnel gre2 rx-bytes"));
    }

    private static int lookup(final TunnelTable table, final Endpoints e, final long key)
    {
        // As gre-decap asks: outer source is the peer, outer destination is us.
        return table.current().greTunnel(4, e.remoteHi(), e.remoteLo(), e.localHi(), e.localLo(), key);
    }
}
