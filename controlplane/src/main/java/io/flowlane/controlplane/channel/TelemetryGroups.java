package io.flowlane.controlplane.channel;

import io.flowlane.controlplane.sbe.TelemetryReportDecoder;

/**
 * SBE reads a message's repeating groups in order: to reach a report's tunnels, its workers and
 * ports must be stepped over first. These do that, for readers that want only the later groups.
 */
public final class TelemetryGroups
{
    private TelemetryGroups()
    {
    }

    /** Steps over the ports group (call after reading or skipping the workers). */
    public static void skipPorts(final TelemetryReportDecoder report)
    {
        final TelemetryReportDecoder.PortsDecoder ports = report.ports();
        while (ports.hasNext())
        {
            ports.next();
        }
    }

    /** Steps over the workers and ports groups: the next group read is the tunnels. */
    public static TelemetryReportDecoder.TunnelsDecoder tunnels(final TelemetryReportDecoder report)
    {
        final TelemetryReportDecoder.WorkersDecoder workers = report.workers();
        while (workers.hasNext())
        {
            workers.next();
        }
        skipPorts(report);
        return report.tunnels();
    }
}
