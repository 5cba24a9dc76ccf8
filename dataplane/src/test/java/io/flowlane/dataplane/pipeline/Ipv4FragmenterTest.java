package io.flowlane.dataplane.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.flowlane.bindings.FastPath;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Mbuf;
import io.flowlane.dataplane.port.MbufPool;
import io.flowlane.dataplane.testing.TestEal;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

/**
 * The fragmenter's refusals: when it cannot cut a packet (no mbufs left, no room in the
 * vector) it changes nothing and takes nothing from the pool, so the caller's drop is the only
 * thing that happens to the packet. (Successful fragmentation is judged by scapy in
 * FragmentationInteropTest.)
 */
class Ipv4FragmenterTest
{
    @Test
    void refusesWithoutTouchingAnythingWhenThePoolOrTheVectorIsShort()
    {
        TestEal.init();
        final MbufPool pool = MbufPool.create("frag_" + Long.toHexString(System.nanoTime()), 4, 0, MbufPool.DEFAULT_DATA_ROOM, -1);
        try (Arena arena = Arena.ofConfined())
        {
            final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter(arena, pool.address());
            final PacketVector v = new PacketVector(arena, new WorkerStats());
            final long m = FastPath.alloc(pool.address());
            final long ip = Mbuf.data(m);
            final int length = 1500;
            Mbuf.setLength(m, length);
            Ipv4Header.write(ip, 0, length, 7, 0, 64, Ipv4Header.PROTO_UDP, 0x0A00_0032, 0xC612_0001);
            v.count = 1;
            v.mbuf[0] = m;
            v.l3[0] = ip;
            v.l3Length[0] = length;
            v.next[0] = StageId.IP4_REWRITE;

            // 1480 data bytes at MTU 400 (376 per fragment) need 3 more mbufs; the pool has 3 left.
            // Take two so that only one is free.
            final long held1 = FastPath.alloc(pool.address());
            final long held2 = FastPath.alloc(pool.address());
            assertEquals(DropReason.FRAGMENT_NO_MBUF, fragmenter.fragment(v, 0, 400, StageId.IP4_REWRITE), "3 mbufs needed, 1 free");
            assertUnchanged(v, pool, 1, length);
            assertEquals(1, v.count, "no slot added");

            FastPath.free(held1);
            FastPath.free(held2);
            v.count = PacketVector.CAPACITY - 2;
            assertEquals(DropReason.FRAGMENT_NO_MBUF, fragmenter.fragment(v, 0, 400, StageId.IP4_REWRITE), "3 slots needed, 2 free");
            assertUnchanged(v, pool, 3, length);
            assertEquals(PacketVector.CAPACITY - 2, v.count, "no slot added");

            v.count = 1;
            assertEquals(DropReason.MTU_EXCEEDED, fragmenter.fragment(v, 0, 27, StageId.IP4_REWRITE), "an MTU below header + 8 cannot be met");
            assertUnchanged(v, pool, 3, length);

            assertNull(fragmenter.fragment(v, 0, 400, StageId.IP4_REWRITE), "cut");
            assertEquals(4, v.count, "the packet and three more fragments");
            assertEquals(0, pool.available(), "three mbufs taken for them");
            for (int i = 0; i < v.count; i++)
            {
                FastPath.free(v.mbuf[i]);
            }
        }
        finally
        {
            pool.close();
        }
    }

    private static void assertUnchanged(final PacketVector v, final MbufPool pool, final int free, final int length)
    {
        assertEquals(free, pool.available(), "no mbuf taken");
        assertEquals(length, v.l3Length[0]);
        assertEquals(length, Ipv4Header.totalLength(v.l3[0]));
        assertEquals(0, Ipv4Header.flagsAndFragment(v.l3[0]), "header untouched");
    }
}
