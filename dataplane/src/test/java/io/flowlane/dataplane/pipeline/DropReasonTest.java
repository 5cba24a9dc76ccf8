package io.flowlane.dataplane.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class DropReasonTest
{
    @Test
    void everyReasonHasABlame()
    {
        for (final DropReason reason : DropReason.values())
        {
            assertNotNull(reason.blame(), reason.label());
        }
    }

    @Test
    void aDeadNeighbourIsThePathsFaultAndBadInputTheSenders()
    {
        // What an ingress drops while its neighbour dies must not make it look unhealthy.
        assertEquals(DropBlame.PATH, DropReason.NO_ROUTE.blame());
        assertEquals(DropBlame.PATH, DropReason.TX_QUEUE_FULL.blame());
        assertEquals(DropBlame.PATH, DropReason.NEIGHBOR_MISS.blame());
        assertEquals(DropBlame.PATH, DropReason.TUNNEL_UNAVAILABLE.blame());
        assertEquals(DropBlame.PATH, DropReason.MTU_EXCEEDED.blame());
        assertEquals(DropBlame.INPUT, DropReason.RUNT.blame());
        assertEquals(DropBlame.INPUT, DropReason.IP4_BAD_CHECKSUM.blame());
        assertEquals(DropBlame.INPUT, DropReason.TTL_EXPIRED.blame());
        assertEquals(DropBlame.INPUT, DropReason.ESP_REPLAY.blame());
        assertEquals(DropBlame.INPUT, DropReason.ESP_BAD_ICV.blame());
    }

    @Test
    void theNodesOwnFailuresAreBlamedOnIt()
    {
        assertEquals(DropBlame.NODE, DropReason.FAULT_INJECTED.blame());
        assertEquals(DropBlame.NODE, DropReason.NO_HEADROOM.blame());
        assertEquals(DropBlame.NODE, DropReason.NO_TAILROOM.blame());
        assertEquals(DropBlame.NODE, DropReason.ESP_CRYPTO_FAILED.blame());
        assertEquals(DropBlame.NODE, DropReason.FRAGMENT_NO_MBUF.blame());
        assertEquals(DropBlame.POLICY, DropReason.POLICED.blame());
        assertEquals(DropBlame.POLICY, DropReason.CLASS_BREAKER_OPEN.blame());
    }

    @Test
    void workerStatsSplitsDropsByBlame()
    {
        final WorkerStats stats = new WorkerStats();
        stats.drops[DropReason.NO_ROUTE.ordinal()] = 100;
        stats.drops[DropReason.TX_QUEUE_FULL.ordinal()] = 50;
        stats.drops[DropReason.RUNT.ordinal()] = 7;
        stats.drops[DropReason.FAULT_INJECTED.ordinal()] = 3;
        stats.drops[DropReason.NO_HEADROOM.ordinal()] = 2;
        stats.drops[DropReason.POLICED.ordinal()] = 1000;
        stats.drops[DropReason.CLASS_BREAKER_OPEN.ordinal()] = 10;
        assertEquals(1172, stats.totalDrops());
        assertEquals(162, stats.unintendedDrops(), "all but policy");
        assertEquals(5, stats.nodeDrops(), "fault-injected and no-headroom only");
        assertEquals(150, stats.blamedOn(DropBlame.PATH));
        assertEquals(7, stats.blamedOn(DropBlame.INPUT));
    }
}
