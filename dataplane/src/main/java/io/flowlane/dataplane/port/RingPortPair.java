package io.flowlane.dataplane.port;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.flowlane.bindings.flowlane_shim_h;
import io.flowlane.dataplane.eal.DpdkException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Two net_ring ports wired back to back inside this process: what {@code a} sends on queue q,
 * {@code b} receives on queue q, and the other way round. DPDK names them
 * {@code net_ring_<name>_a} and {@code net_ring_<name>_b}. Real ethdev ports driven by DPDK's
 * ring PMD, so tests exercise the same rx/tx burst path as a NIC without a second process.
 */
public record RingPortPair(EthPort a, EthPort b)
{
    public static RingPortPair create(final String name, final int queues, final int ringSize)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment a = arena.allocate(JAVA_SHORT);
            final MemorySegment b = arena.allocate(JAVA_SHORT);
            DpdkException.check("creating ring port pair " + name,
                flowlane_shim_h.fl_ring_port_pair(arena.allocateFrom(name), queues, ringSize, -1, a, b));
            return new RingPortPair(EthPort.byId(Short.toUnsignedInt(a.get(JAVA_SHORT, 0))),
                EthPort.byId(Short.toUnsignedInt(b.get(JAVA_SHORT, 0))));
        }
    }
}
