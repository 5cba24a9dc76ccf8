package io.flowlane.dataplane;

import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.pipeline.NeighborEvents;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The control thread's duty cycle: the one thread that writes the forwarding tables. It applies
 * commands handed to it by other threads (CLI, control channel, tests), applies the neighbor
 * bindings workers learned, and recycles table memory whose grace period has passed.
 */
final class ControlAgent implements Agent
{
    private final ForwardingControl control;
    private final NeighborEvents[] neighborEvents;
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(4096);

    ControlAgent(final ForwardingControl control, final NeighborEvents[] neighborEvents)
    {
        this.control = control;
        this.neighborEvents = neighborEvents;
    }

    /** Runs {@code change} on the control thread; the future completes when it has been applied. */
    <T> CompletableFuture<T> submit(final Function<ForwardingControl, T> change)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Runnable command = () ->
        {
            try
            {
                result.complete(change.apply(control));
            }
            catch (final RuntimeException ex)
            {
                result.completeExceptionally(ex);
            }
        };
        while (!commands.offer(command))
        {
            Thread.onSpinWait();
        }
        return result;
    }

    @Override
    public int doWork()
    {
        int work = commands.drain(Runnable::run, 256);
        for (final NeighborEvents events : neighborEvents)
        {
            work += control.drainNeighborEvents(events);
        }
        control.reclaim();
        return work;
    }

    @Override
    public String roleName()
    {
        return "control";
    }
}
