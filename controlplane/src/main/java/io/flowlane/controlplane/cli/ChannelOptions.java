package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.channel.ControlChannelConfig;
import io.flowlane.controlplane.channel.ControlClient;
import io.flowlane.controlplane.text.Json;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** How a command reaches a running appliance, and how it prints. */
final class ChannelOptions
{
    @Option(names = "--aeron-dir", defaultValue = ControlChannelConfig.DEFAULT_AERON_DIRECTORY,
        description = "the appliance's Aeron directory (its control.aeron-dir), default ${DEFAULT-VALUE}")
    String aeronDir;

    @Option(names = "--timeout-ms", defaultValue = "5000", description = "how long to wait for the appliance")
    long timeoutMillis;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    ControlClient connect()
    {
        return connect(null);
    }

    /** @param keyEncryptionKey the appliance's KEK when SA keys are sent, else null */
    ControlClient connect(final byte[] keyEncryptionKey)
    {
        if (!new java.io.File(aeronDir, "cnc.dat").exists())
        {
            throw new FlowlaneCli.Unreachable("no appliance control channel at " + aeronDir +
                " (is the appliance running with a control: section, and is --aeron-dir its control.aeron-dir?)");
        }
        try
        {
            return ControlClient.connect(ControlClient.Config.ipc(aeronDir, keyEncryptionKey)).awaitConnected(timeoutMillis);
        }
        catch (final RuntimeException ex)
        {
            throw new FlowlaneCli.Unreachable("appliance at " + aeronDir + " did not answer: " + ex.getMessage());
        }
    }

    /** Waits for the ack and reports it: 0 applied, 1 refused (field and reason on {@code err}). */
    int outcome(final ControlClient client, final long correlationId, final String what, final PrintWriter out,
        final PrintWriter err)
    {
        final ControlClient.Ack ack = ack(client, correlationId);
        if (ack.applied())
        {
            if (json)
            {
                out.printf(java.util.Locale.ROOT, "{\"applied\":true,\"what\":\"%s\",\"latency_us\":%.1f}%n", Json.escape(what),
                    ack.latencyNanos() / 1e3);
            }
            else
            {
                out.printf(java.util.Locale.ROOT, "%s: applied (every worker uses it %.1f us after it was sent)%n", what,
                    ack.latencyNanos() / 1e3);
            }
            out.flush();
            return FlowlaneCli.OK;
        }
        return refused(ack, what, out, err);
    }

    /** Waits for the ack: 0 applied (nothing printed), 1 refused (field and reason on {@code err}). */
    int refusal(final ControlClient client, final long correlationId, final String what, final PrintWriter out,
        final PrintWriter err)
    {
        final ControlClient.Ack ack = ack(client, correlationId);
        return ack.applied() ? FlowlaneCli.OK : refused(ack, what, out, err);
    }

    private ControlClient.Ack ack(final ControlClient client, final long correlationId)
    {
        try
        {
            return client.awaitAck(correlationId, timeoutMillis);
        }
        catch (final IllegalStateException ex)
        {
            throw new FlowlaneCli.Unreachable(ex.getMessage());
        }
    }

    private int refused(final ControlClient.Ack ack, final String what, final PrintWriter out, final PrintWriter err)
    {
        if (json)
        {
            out.printf("{\"applied\":false,\"what\":\"%s\",\"field\":\"%s\",\"reason\":\"%s\"}%n", Json.escape(what),
                Json.escape(ack.field()), Json.escape(ack.reason()));
            out.flush();
        }
        err.println(what + ": refused: " + ack.field() + ": " + ack.reason());
        err.flush();
        return FlowlaneCli.REFUSED;
    }
}
