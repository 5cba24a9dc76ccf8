package io.flowlane.dataplane.extension;

import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.dataplane.port.MbufPool;

import java.lang.foreign.Arena;

import org.agrona.concurrent.status.CountersManager;

/**
 * What an extension may use when it starts.
 *
 * @param control      the forwarding tables' writer (interfaces, routes)
 * @param gracePeriods quiescent-state tracking of the workers, for freeing what they may still read
 * @param workers      how many workers (and graphs) there will be
 * @param pool         the mbuf pool packets come from (for stages that need new buffers)
 * @param arena        native memory that lives as long as the appliance
 * @param counters     the shared counters file, for the extension's own counters (the control
 *                     thread allocates and frees them; workers only set values)
 */
public record ExtensionContext(
    ForwardingControl control, GracePeriods gracePeriods, int workers, MbufPool pool, Arena arena, CountersManager counters)
{
}
