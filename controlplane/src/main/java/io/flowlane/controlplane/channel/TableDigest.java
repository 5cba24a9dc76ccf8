package io.flowlane.controlplane.channel;

import io.flowlane.dataplane.fib.ForwardingControl;
import io.flowlane.dataplane.fib.ForwardingControl.RouteKey;
import io.flowlane.dataplane.fib.NextHop;
import io.flowlane.tunnels.EspTunnel;
import io.flowlane.tunnels.Tunnel;
import io.flowlane.tunnels.TunnelTable;
import io.flowlane.tunnels.esp.SecurityAssociation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A SHA-256 over the data plane's logical state: every route with its next hops and weights (and,
 * for an ECMP route, which next hop each flow-hash bucket takes), and every tunnel with its
 * parameters and SAs (keys included as a hash of the key, so a wrongly unwrapped key changes the
 * digest but the digest reveals nothing of it). Two data planes with the same digest forward the
 * same way: what journal recovery is checked against.
 *
 * <p>Runs on the control thread (it reads the writer's view of the tables).
 */
public final class TableDigest
{
    private TableDigest()
    {
    }

    public static String of(final ForwardingControl forwarding, final TunnelTable tunnels)
    {
        final MessageDigest sha = sha256();
        final Map<RouteKey, List<NextHop>> routes = forwarding.routes();
        for (final RouteKey key : forwarding.sortedRouteKeys())
        {
            update(sha, "route " + key.family() + " " + Long.toHexString(key.hi()) + " " + Long.toHexString(key.lo()) + "/" +
                key.length());
            for (final NextHop hop : routes.get(key))
            {
                update(sha, " " + hop.kind() + " " + hop.interfaceName() + " " + Long.toHexString(hop.gatewayHi()) + " " +
                    Long.toHexString(hop.gatewayLo()) + " w" + hop.weight() + " " + hop.tunnel());
            }
            final int[] buckets = forwarding.memberOfBucket(key);
            if (buckets != null)
            {
                // Which next hop each bucket takes: weights alone do not say (SteeringBuckets pins
                // buckets, and the same weights reached by other changes place them differently).
                update(sha, " buckets");
                for (final int member : buckets)
                {
                    sha.update((byte)member);
                }
            }
            update(sha, "\n");
        }
        if (tunnels != null)
        {
            final List<Tunnel> all = tunnels.all();
            all.sort(Comparator.comparing(Tunnel::name));
            for (final Tunnel tunnel : all)
            {
                update(sha, "tunnel " + tunnel + " ttl=" + tunnel.endpoints().ttl() + "\n");
                if (tunnel instanceof EspTunnel esp)
                {
                    update(sha, sa(esp.outbound()) + sa(esp.inbound()) + esp.selectors() + "\n");
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sa(final SecurityAssociation sa)
    {
        final byte[] key = sa.key();
        final String keyHash = HexFormat.of().formatHex(sha256().digest(key));
        java.util.Arrays.fill(key, (byte)0);
        return sa + " salt=" + Integer.toHexString(sa.salt()) + " life=" + sa.lifetimePackets() + "/" + sa.lifetimeBytes() +
            " key-sha256=" + keyHash + "\n";
    }

    private static void update(final MessageDigest sha, final String text)
    {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
