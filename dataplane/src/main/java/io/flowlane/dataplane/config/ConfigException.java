package io.flowlane.dataplane.config;

/** A configuration error; the message names where (file:line:column), which field, and why. */
public final class ConfigException extends RuntimeException
{
    public ConfigException(final String message)
    {
        super(message);
    }
}
