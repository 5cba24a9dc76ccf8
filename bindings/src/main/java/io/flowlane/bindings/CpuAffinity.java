package io.flowlane.bindings;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Pins the calling thread to one CPU with libc's sched_setaffinity(2), called through FFM.
 * Linux applies the mask to the calling thread when pid is 0, which is what a worker wants.
 */
public final class CpuAffinity
{
    /** sizeof(cpu_set_t) in glibc: 1024 bits. */
    private static final int CPU_SET_BYTES = 128;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SCHED_SETAFFINITY = LINKER.downcallHandle(
        LINKER.defaultLookup().find("sched_setaffinity").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
        Linker.Option.captureCallState("errno"));
    private static final MethodHandle SCHED_GETAFFINITY = LINKER.downcallHandle(
        LINKER.defaultLookup().find("sched_getaffinity").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
        .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    private CpuAffinity()
    {
    }

    /** Pins the calling thread to {@code cpu}; throws with errno's meaning if the kernel refuses. */
    public static void pinCurrentThread(final int cpu)
    {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8)
        {
            throw new IllegalArgumentException("cpu " + cpu + " is outside 0.." + (CPU_SET_BYTES * 8 - 1));
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            mask.set(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8, (byte)(1 << (cpu % 8)));
            final MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            final int rc = (int)SCHED_SETAFFINITY.invokeExact(state, 0, (long)CPU_SET_BYTES, mask.address());
            if (rc != 0)
            {
                final int errno = state.get(JAVA_INT, ERRNO_OFFSET);
                throw new IllegalStateException("sched_setaffinity(cpu " + cpu + ") failed: errno " + errno +
                    (errno == 22 ? " (EINVAL: no such CPU online or not allowed by the cgroup)" : ""));
            }
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** The CPUs the calling thread may run on, lowest first. */
    public static int[] currentThreadCpus()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            final int rc = (int)SCHED_GETAFFINITY.invokeExact(0, (long)CPU_SET_BYTES, mask.address());
            if (rc != 0)
            {
                throw new IllegalStateException("sched_getaffinity failed");
            }
            return java.util.stream.IntStream.range(0, CPU_SET_BYTES * 8)
                .filter(cpu -> (mask.get(java.lang.foreign.ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0)
                .toArray();
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new AssertionError(ex);
        }
    }
}
