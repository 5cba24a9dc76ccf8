package io.flowlane.dataplane.extension;

import java.util.Set;

/** An extension's validated configuration, ready to start. */
public interface ExtensionConfig
{
    /** Names routes may use as next hops ({@code via: [{tunnel: name}]}). */
    Set<String> tunnelNames();

    /** Builds the extension's tables once the forwarding tables exist, before routes are installed. */
    ExtensionRuntime start(ExtensionContext context);
}
