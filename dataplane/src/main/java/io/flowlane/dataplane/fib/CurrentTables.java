package io.flowlane.dataplane.fib;

/**
 * The forwarding tables workers use now. Replacing them is the RCU publish step: one volatile
 * write; workers pick the new tables up at their next burst.
 */
public final class CurrentTables
{
    private volatile ForwardingTables tables;

    public CurrentTables(final ForwardingTables initial)
    {
        tables = initial;
    }

    public ForwardingTables get()
    {
        return tables;
    }

    public void publish(final ForwardingTables newTables)
    {
        tables = newTables;
    }
}
