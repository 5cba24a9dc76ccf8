package io.flowlane.controlplane.http;

import io.flowlane.dataplane.pipeline.DropReason;
import io.flowlane.dataplane.stats.CounterType;

import org.agrona.concurrent.status.CountersReader;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shared counters file in Prometheus' text format (version 0.0.4): the label a worker gave
 * each counter ("worker 0: rx-packets west", "worker 0: drop no-route", "worker 0: tunnel gre-1
 * tx-bytes") becomes a metric name with labels, so per-worker series can be summed in queries;
 * drops also carry their reason's blame ({@code sum(flowlane_drops_total{blame="node"})}: what
 * the node itself failed).
 */
public final class PrometheusMetrics
{
    /** Each drop reason's blame (input, path, node, policy: docs/dataplane.md), so queries can sum a node's own losses. */
    private static final Map<String, String> BLAME_OF_REASON = java.util.Arrays.stream(DropReason.values())
        .collect(java.util.stream.Collectors.toUnmodifiableMap(DropReason::label, r -> r.blame().name().toLowerCase(Locale.ROOT)));

    private PrometheusMetrics()
    {
    }

    public static String render(final CountersReader counters, final Map<String, Double> extra)
    {
        final Map<String, StringBuilder> families = new TreeMap<>();
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (!label.startsWith("worker "))
            {
                return;
            }
            final int colon = label.indexOf(": ");
            if (colon < 0)
            {
                return;
            }
            final String worker = label.substring("worker ".length(), colon);
            final String rest = label.substring(colon + 2);
            final long value = counters.getCounterValue(counterId);
            final String name;
            final String labels;
            if (typeId == CounterType.WORKER_DROP)
            {
                name = "flowlane_drops_total";
                final String reason = rest.substring("drop ".length());
                labels = "worker=\"" + worker + "\",reason=\"" + escape(reason) + "\",blame=\"" +
                    BLAME_OF_REASON.getOrDefault(reason, "unknown") + "\"";
            }
            else if (typeId == CounterType.WORKER_EVENT)
            {
                name = "flowlane_events_total";
                labels = "worker=\"" + worker + "\",event=\"" + escape(rest) + "\"";
            }
            else if (typeId == CounterType.TUNNEL)
            {
                final String[] parts = rest.split(" ");
                name = "flowlane_tunnel_" + parts[parts.length - 1].replace('-', '_') + "_total";
                labels = "worker=\"" + worker + "\",tunnel=\"" + escape(parts.length > 2 ? parts[1] : "") + "\"";
            }
            else if (rest.startsWith("rx-packets ") || rest.startsWith("tx-packets "))
            {
                name = "flowlane_" + rest.substring(0, 10).replace('-', '_') + "_total";
                labels = "worker=\"" + worker + "\",port=\"" + escape(rest.substring(11)) + "\"";
            }
            else
            {
                name = "flowlane_" + rest.replace('-', '_').replace(' ', '_') + "_total";
                labels = "worker=\"" + worker + "\"";
            }
            families.computeIfAbsent(name, n -> new StringBuilder("# TYPE " + n + " counter\n"))
                .append(name).append('{').append(labels).append("} ").append(value).append('\n');
        });
        final StringBuilder text = new StringBuilder();
        families.values().forEach(text::append);
        extra.forEach((name, value) -> text.append(name).append(' ').append(String.format(Locale.ROOT, "%s",
            value == Math.rint(value) ? Long.toString(value.longValue()) : Double.toString(value))).append('\n'));
        return text.toString();
    }

    private static String escape(final String value)
    {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
