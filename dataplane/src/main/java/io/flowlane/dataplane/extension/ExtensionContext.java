package io.flowlane.dataplane.extension;

import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.GracePeriods;
import io.flowlane.dataplane.port.MbufPool;

import java.lang.foreign.Arena;

/**
 * What an extension may use when it starts.
 *
 * @param control      the forwarding tables' writer (interfaces, routes)
 * @param gracePeriods quiescent-state tracking of the workers, for freeing what they may still read
 * @param workers      how many workers (and graphs) there will be
 * @param pool         the mbuf pool packets come from (for stages that need new buffers)
 * @param arena        native memory that lives as long as the appliance
 */
public record ExtensionContext(ForwardingControl control, GracePeriods gracePeriods, int workers, MbufPool pool, Arena arena)
{
}
