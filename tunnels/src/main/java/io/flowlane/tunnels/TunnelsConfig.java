package io.flowlane.tunnels;

import io.flowlane.dataplane.extension.ExtensionConfig;
import io.flowlane.dataplane.extension.ExtensionContext;
import io.flowlane.dataplane.extension.ExtensionRuntime;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The validated {@code tunnels:} section. */
public record TunnelsConfig(int capacity, List<Tunnel> tunnels) implements ExtensionConfig
{
    @Override
    public Set<String> tunnelNames()
    {
        final Set<String> names = new LinkedHashSet<>();
        tunnels.forEach(t -> names.add(t.name()));
        return names;
    }

    @Override
    public ExtensionRuntime start(final ExtensionContext context)
    {
        return new TunnelsRuntime(this, context);
    }
}
