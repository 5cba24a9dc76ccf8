package io.flowlane.controlplane.channel;

import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.policy.CircuitBreakers;
import io.flowlane.dataplane.policy.TrafficClass;
import io.flowlane.dataplane.policy.TrafficClasses;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The traffic classes as rows ({@code show classes}, and seed 000's prioritisation rules at
 * {@code /api/rules}): what each matches, its rate, burst and breaker, and the workers' counters
 * summed. Counters are read while workers write them: each is a whole, recent value.
 */
public final class ClassTable
{
    public static final String[] HEADER = {"class", "priority", "match", "rate-mbps", "burst-kb", "breaker", "breaker-state",
        "trips", "packets", "policed", "breaker-drops"};

    private ClassTable()
    {
    }

    public static List<String[]> rows(final TrafficClasses classes, final CircuitBreakers breakers)
    {
        final List<String[]> rows = new ArrayList<>();
        for (int c = 0; c < classes.count(); c++)
        {
            final TrafficClass tc = classes.classes().get(c);
            final TrafficClass.Breaker breaker = tc.breaker();
            rows.add(new String[] {tc.name(), Integer.toString(tc.priority()), match(tc),
                classes.rate(c) == 0 ? "unlimited" : String.format(Locale.ROOT, "%.3f", classes.rate(c) / 1e6),
                Integer.toString(classes.burst(c) / 1024),
                breaker == null ? "none" : String.format(Locale.ROOT, ">%.0f%% policed in %d ms opens for %d ms",
                    100 * breaker.dropRatio(), breaker.windowMillis(), breaker.openMillis()),
                breaker == null ? "-" : classes.breakerOpen(c) ? "open" : "closed", Long.toString(breakers.trips(c)),
                Long.toString(breakers.matchedPackets(c)), Long.toString(breakers.policedPackets(c)),
                Long.toString(breakers.breakerDrops(c))});
        }
        return rows;
    }

    static String match(final TrafficClass tc)
    {
        if (tc.matchesAny())
        {
            return "any";
        }
        final List<String> parts = new ArrayList<>();
        if (tc.dscpMask() != 0)
        {
            final List<String> dscps = new ArrayList<>();
            for (int d = 0; d < 64; d++)
            {
                if ((tc.dscpMask() & (1L << d)) != 0)
                {
                    dscps.add(Integer.toString(d));
                }
            }
            parts.add("dscp " + String.join(",", dscps));
        }
        if (tc.protocol() >= 0)
        {
            parts.add("protocol " + switch (tc.protocol())
            {
                case 6 -> "tcp";
                case 17 -> "udp";
                case 1 -> "icmp";
                case 47 -> "gre";
                case 50 -> "esp";
                default -> Integer.toString(tc.protocol());
            });
        }
        if (tc.sourceLength() > 0)
        {
            parts.add("from " + Ipv4Header.toString(tc.source()) + "/" + tc.sourceLength());
        }
        if (tc.destinationLength() > 0)
        {
            parts.add("to " + Ipv4Header.toString(tc.destination()) + "/" + tc.destinationLength());
        }
        if (tc.portLow() >= 0)
        {
            parts.add("port " + tc.portLow() + (tc.portHigh() == tc.portLow() ? "" : "-" + tc.portHigh()));
        }
        return String.join(" ", parts);
    }

    /** Rows [offset, offset + limit) as listing text: the header, then tab-separated rows. */
    static String listing(final TrafficClasses classes, final CircuitBreakers breakers, final int offset, final int limit,
        final long[] total)
    {
        final List<String[]> rows = rows(classes, breakers);
        total[0] = rows.size();
        final StringBuilder text = new StringBuilder(String.join("\t", HEADER)).append('\n');
        for (int i = offset; i < Math.min(rows.size(), offset + limit); i++)
        {
            text.append(String.join("\t", rows.get(i))).append('\n');
        }
        return text.toString();
    }
}
