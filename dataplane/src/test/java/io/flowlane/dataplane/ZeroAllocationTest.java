package io.flowlane.dataplane;

import static io.flowlane.dataplane.testing.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.testing.ApplianceHarness;
import io.flowlane.dataplane.testing.Frames;
import io.flowlane.dataplane.testing.JitActivity;
import io.flowlane.dataplane.testing.TestPort;
import io.flowlane.dataplane.worker.Worker;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The packet path allocates nothing and leaks nothing: a million packets through a warmed-up
 * worker (forwarded over ECMP, dropped for no route, answered ARP, expired TTL turned into ICMP)
 * leave the worker thread's allocated-bytes counter where it was, and every mbuf returns.
 */
class ZeroAllocationTest
{
    static final String YAML = """
        eal: {vdevs: [unused]}
        ports:
          - {name: west, device: net_ring_za_w_a}
          - {name: east, device: net_ring_za_e_a}
        interfaces:
          - {name: west, port: west, ipv4: [10.0.0.1/24], ipv6: ["2001:db8::1/64"]}
          - {name: east, port: east, ipv4: [10.1.0.1/24], ipv6: ["2001:db8:1::1/64"]}
        workers: {count: 1, idle: backoff}
        icmp: {errors-per-second: 1000000, burst: 1000000}
        neighbors:
          - {interface: west, address: 10.0.0.50, mac: "02:00:00:00:00:50"}
          - {interface: east, address: 10.1.0.2, mac: "02:00:00:00:01:02"}
          - {interface: east, address: 10.1.0.3, mac: "02:00:00:00:01:03"}
          - {interface: east, address: "2001:db8:1::2", mac: "02:00:00:00:01:02"}
        routes:
          - prefix: 198.18.0.0/15
            via: [{address: 10.1.0.2}, {address: 10.1.0.3}]
          - prefix: "2001:db8:99::/48"
            via: [{address: "2001:db8:1::2"}]
        """;

    @Test
    void workerAllocatesNothingAndReturnsEveryMbufOverAMillionPackets()
    {
        try (ApplianceHarness harness = new ApplianceHarness(YAML, 1, "za_w", "za_e"))
        {
            final TestPort west = harness.link("za_w");
            final TestPort east = harness.link("za_e");
            final long westMac = harness.appliance.port("west").mac();
            final long host = 0x02_00_00_00_00_50L;
            final long[] v6src = io.flowlane.dataplane.packet.Ipv6Header.parse("2001:db8::50");
            final long[] v6dst = io.flowlane.dataplane.packet.Ipv6Header.parse("2001:db8:99::9");
            final List<byte[]> mix = new ArrayList<>();
            for (int i = 0; i < 64; i++)
            {
                mix.add(Frames.udp4(westMac, host, 0, ip(10, 0, 0, 50), ip(198, 18 + (i & 1), i, 1), 64, 1000 + i, 80, 18));
            }
            mix.add(Frames.udp4(westMac, host, 0, ip(10, 0, 0, 50), ip(8, 8, 8, 8), 64, 1, 1, 18));
            mix.add(Frames.udp4(westMac, host, 0, ip(10, 0, 0, 50), ip(198, 18, 0, 1), 1, 1, 1, 18));
            mix.add(Frames.arpRequest(host, ip(10, 0, 0, 50), ip(10, 0, 0, 1)));
            mix.add(Frames.udp6(westMac, host, v6src[0], v6src[1], v6dst[0], v6dst[1], 64, 18));
            final int testPoolBaseline = harness.testPool.available();

            final Worker worker = harness.appliance.workers().get(0);
            // The worker's thread may not have started yet on a busy machine: its id is set in onStart.
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (worker.threadId() < 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertTrue(worker.threadId() >= 0, "the worker thread started");
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            // Warm-up lasts until the JIT has settled. While it has not, the JVM allocates on the
            // worker's own thread: a method that deoptimises re-runs in the interpreter, and the
            // interpreter links call sites the compiled code never executed (method-handle and
            // VarHandle sites build a MethodType from a String). Seen with JFR (no TLAB, outside-
            // TLAB allocation events with stacks): bytes at quiescent(), AtomicCounter.setRelease
            // and the idle strategy, at tier changes seconds into the run. On a loaded 2-core CI
            // machine, two windows without a finished compile were not enough either (192 bytes
            // came later): a long C2 compile still running counts nowhere until it ends. So: windows
            // until two in a row allocate nothing, finish no compile, and start and end with
            // HotSpot's compile queue empty. An allocation on the packet path itself never lets a
            // window be quiet, and the million below is then measured anyway and fails, with the
            // JIT's deoptimisations and compiles during it in the message.
            final java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            try (JitActivity jitActivity = new JitActivity())
            {
                int warmupWindows;
                int quietWindows = 0;
                for (warmupWindows = 0; quietWindows < 2 && warmupWindows < 40; warmupWindows++)
                {
                    final boolean idleBefore = JitActivity.idle();
                    final long startBytes = threads.getThreadAllocatedBytes(worker.threadId());
                    final long startJitMillis = jit.getTotalCompilationTime();
                    pump(harness, mix, 200_000);
                    final boolean quiet = idleBefore && threads.getThreadAllocatedBytes(worker.threadId()) == startBytes &&
                        jit.getTotalCompilationTime() == startJitMillis && JitActivity.idle();
                    quietWindows = quiet ? quietWindows + 1 : 0;
                }
                System.out.println("zero-allocation: " + warmupWindows + " warm-up windows of 200k packets, " +
                    quietWindows + " quiet at the end");
                final java.time.Instant measuredFrom = java.time.Instant.now();
                final long before = threads.getThreadAllocatedBytes(worker.threadId());
                final long noRouteBefore = harness.drops(DropReason.NO_ROUTE);
                final long rxBefore = harness.counter("rx-packets west");
                final long forwarded = pump(harness, mix, 1_000_000);
                final long after = threads.getThreadAllocatedBytes(worker.threadId());

                final long rx = ApplianceHarness.await(() -> harness.counter("rx-packets west"), rxBefore + 1_000_000) - rxBefore;
                assertTrue(rx >= 1_000_000, "worker received at least a million packets (" + rx + ")");
                assertTrue(forwarded > 900_000, "most of them came out again (" + forwarded + "); drops: " + harness.nonZeroDrops());
                assertTrue(harness.drops(DropReason.NO_ROUTE) > noRouteBefore, "the drop path was exercised");
                assertTrue(before > 0, "allocation tracking works for the worker thread");
                final int windows = warmupWindows;
                final int quiet = quietWindows;
                assertEquals(0, after - before, () -> "bytes allocated by the worker thread over a million packets (after " +
                    windows + " warm-up windows of 200k, " + quiet + " of them quiet at the end); the JIT meanwhile: " +
                    jitActivity.since(measuredFrom, worker.threadId()));
            }
            west.drain(200);
            east.drain(200);
            assertEquals(testPoolBaseline, harness.awaitTestPoolAvailable(testPoolBaseline), "no mbuf leaked");
        }
    }

    /**
     * Sends the mix until {@code packets} were sent, draining both sides; returns frames received.
     * Sends only while the test pool has room, so a sender faster than the worker waits instead
     * of filling every ring.
     */
    private static long pump(final ApplianceHarness harness, final List<byte[]> mix, final int packets)
    {
        final TestPort west = harness.link("za_w");
        final TestPort east = harness.link("za_e");
        long sent = 0;
        long received = 0;
        while (sent < packets)
        {
            if (harness.testPool.available() > 4 * mix.size())
            {
                sent += west.send(0, mix);
            }
            received += east.receive(0, Integer.MAX_VALUE, 0).size();
            received += west.receive(0, Integer.MAX_VALUE, 0).size();
        }
        for (int i = 0; i < 50; i++)
        {
            received += east.receive(0, Integer.MAX_VALUE, 1).size() + west.receive(0, Integer.MAX_VALUE, 1).size();
        }
        return received;
    }
}
