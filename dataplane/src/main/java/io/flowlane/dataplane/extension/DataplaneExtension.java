package io.flowlane.dataplane.extension;

import io.flowlane.dataplane.config.ConfigNode;

import java.util.Set;

/**
 * A module that adds stages and tables to the data plane (VPP's plugins): the tunnels module is
 * one. Found with {@link java.util.ServiceLoader} when its jar is on the class path, so the
 * data plane does not depend on it. It owns some top-level sections of the config file, and
 * routes may point at the tunnels it declares.
 */
public interface DataplaneExtension
{
    /** Top-level config keys this extension reads (for example "tunnels"). */
    Set<String> configKeys();

    /**
     * Parses and checks this extension's sections of a config file, reporting problems with
     * {@link ConfigNode#error}; returns null when the file has none of them.
     *
     * @param interfaceNames the interfaces the file declares
     */
    ExtensionConfig parse(ConfigNode root, Set<String> interfaceNames);
}
