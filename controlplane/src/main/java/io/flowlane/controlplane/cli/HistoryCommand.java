package io.flowlane.controlplane.cli;

import io.flowlane.controlplane.journal.Journal;
import io.flowlane.controlplane.sbe.AckDecoder;
import io.flowlane.controlplane.sbe.MessageHeaderDecoder;
import io.flowlane.controlplane.text.Durations;
import io.flowlane.controlplane.text.Json;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code flowlane history --journal DIR --since 10m}: what the journal holds for a time range. */
@Command(name = "history", description = "List journal entries (commands, acks, telemetry, decisions) in a time range.")
final class HistoryCommand implements Callable<Integer>
{
    private static final String[] TEMPLATES = {"?", "RouteAdd", "RouteDelete", "TunnelCreate", "TunnelScale", "TunnelDelete",
        "SteeringWeights", "FailurePrediction", "Command", "Ack", "TelemetryReport", "FaultInjection", "Listing", "CaptureStart",
        "CaptureStop", "CapturedFrame", "ClassRate", "SteeringBuckets"};

    @Option(names = "--journal", required = true, description = "the journal directory (the appliance's control.journal)")
    Path journal;

    @Option(names = "--since", defaultValue = "1h", description = "start: a duration back from now (90s, 10m, 2h, 1d) or an ISO instant")
    String since;

    @Option(names = "--until", description = "end: as --since (default: now)")
    String until;

    @Option(names = "--kind", split = ",", description = "only these kinds: ${COMPLETION-CANDIDATES}")
    Set<Journal.Kind> kinds;

    @Option(names = "--json", description = "one JSON object a line")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        if (!Files.isDirectory(journal))
        {
            spec.commandLine().getErr().println(journal + ": no journal there");
            return FlowlaneCli.USAGE;
        }
        final long from = instant(since, "--since");
        final long to = until == null ? Long.MAX_VALUE : instant(until, "--until");
        final Set<Journal.Kind> wanted = kinds == null ? EnumSet.allOf(Journal.Kind.class) : EnumSet.copyOf(kinds);
        final PrintWriter out = spec.commandLine().getOut();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final AckDecoder ack = new AckDecoder();
        final long[] shown = new long[1];
        try (Journal source = Journal.openReadOnly(journal))
        {
            source.history(from, to, (kind, time, buffer, offset, length) ->
            {
                if (!wanted.contains(kind))
                {
                    return;
                }
                final String at = Instant.ofEpochSecond(0, time).toString();
                String what;
                String detail = "";
                if (kind == Journal.Kind.DECISION)
                {
                    what = "decision";
                    final byte[] text = new byte[length];
                    buffer.getBytes(offset, text);
                    detail = new String(text, StandardCharsets.UTF_8);
                }
                else if (length < MessageHeaderDecoder.ENCODED_LENGTH)
                {
                    what = "(" + length + " bytes: not a message)";
                }
                else
                {
                    header.wrap(buffer, offset);
                    final int template = header.templateId();
                    what = template < TEMPLATES.length ? TEMPLATES[template] : "template " + template;
                    if (template == AckDecoder.TEMPLATE_ID && length >= MessageHeaderDecoder.ENCODED_LENGTH + AckDecoder.BLOCK_LENGTH)
                    {
                        ack.wrapAndApplyHeader(buffer, offset, header);
                        final long id = ack.correlationId();
                        final boolean applied = ack.status() == io.flowlane.controlplane.sbe.AckStatus.APPLIED;
                        final int answers = ack.templateId();
                        final String field = ack.field();
                        final String reason = ack.reason();
                        detail = "#" + id + " " + (answers < TEMPLATES.length ? TEMPLATES[answers] : answers) +
                            (applied ? " applied" : " REFUSED " + field + ": " + reason);
                    }
                }
                shown[0]++;
                if (json)
                {
                    out.printf("{\"time\":\"%s\",\"kind\":\"%s\",\"what\":\"%s\",\"bytes\":%d,\"detail\":\"%s\"}%n", at, kind, what,
                        length, Json.escape(detail));
                }
                else
                {
                    out.printf("%-30s %-16s %-17s %s%n", at, kind, what, detail);
                }
            });
        }
        if (!json)
        {
            out.println(shown[0] + " entr" + (shown[0] == 1 ? "y" : "ies"));
        }
        out.flush();
        return FlowlaneCli.OK;
    }

    private long instant(final String text, final String option)
    {
        try
        {
            final Instant at = text.contains("T") ? Instant.parse(text) : Instant.now().minus(Durations.parse(text));
            return at.getEpochSecond() * 1_000_000_000L + at.getNano();
        }
        catch (final RuntimeException ex)
        {
            throw new ParameterException(spec.commandLine(), option + ": '" + text + "' is neither a duration (90s, 10m, 2h, 1d) " +
                "nor an instant (2026-11-23T14:00:00Z)");
        }
    }
}
