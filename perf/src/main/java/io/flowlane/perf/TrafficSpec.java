package io.flowlane.perf;

import io.flowlane.dataplane.packet.EthernetHeader;
import io.flowlane.dataplane.packet.Ipv4Header;
import io.flowlane.dataplane.packet.Ipv6Header;

import java.util.Locale;

/**
 * What the generator's frames carry, but for their size: addresses, how flows spread over them,
 * and an optional outer header for decapsulation tests. Flow {@code f} is UDP from
 * {@code src + f % srcCount}, port {@code 10000 + f % 50000}, to {@code dst + f % dstCount},
 * port {@code dstPort}; many flows give RSS and ECMP different 5-tuples to hash.
 *
 * @param src first source address (IPv4 or IPv6; {@code dst} must be the same family)
 * @param encapsulation none, or the tunnel the frames arrive through (outer source = the
 *                      generator's side, outer destination = the appliance's tunnel endpoint)
 */
public record TrafficSpec(long dstMac, long srcMac, IpAddress src, int srcCount, IpAddress dst, int dstCount, int flows,
    int dstPort, Encapsulation encapsulation)
{
    public TrafficSpec
    {
        if (src.v6() != dst.v6())
        {
            throw new IllegalArgumentException("source " + src + " and destination " + dst + " are not of one family");
        }
        if (flows < 1 || srcCount < 1 || dstCount < 1)
        {
            throw new IllegalArgumentException("flows, source and destination counts must be at least 1");
        }
    }

    /** The generator's classic traffic: IPv4 UDP, one source, no tunnel. */
    public static TrafficSpec ipv4(final long dstMac, final long srcMac, final int srcIp, final int dstBase, final int dstCount,
        final int flows)
    {
        return new TrafficSpec(dstMac, srcMac, IpAddress.v4(srcIp), 1, IpAddress.v4(dstBase), dstCount, flows, 4789,
            Encapsulation.NONE);
    }

    public boolean ipv6()
    {
        return src.v6();
    }

    /** Flow {@code f}'s source address. */
    public IpAddress source(final int flow)
    {
        return src.plus(flow % srcCount);
    }

    public IpAddress destination(final int flow)
    {
        return dst.plus(flow % dstCount);
    }

    public static int sourcePort(final int flow)
    {
        return 10000 + flow % 50000;
    }

    public String json()
    {
        return String.format(Locale.ROOT,
            "{\"family\":\"%s\",\"src\":\"%s\",\"src_count\":%d,\"dst\":\"%s\",\"dst_count\":%d,\"flows\":%d,\"dst_port\":%d," +
            "\"dst_mac\":\"%s\",\"encapsulation\":%s}",
            src.v6() ? "ipv6" : "ipv4", src, srcCount, dst, dstCount, flows, dstPort, EthernetHeader.macToString(dstMac),
            encapsulation.json());
    }

    /** An IPv4 address (in {@code lo}) or an IPv6 address (two big-endian halves). */
    public record IpAddress(boolean v6, long hi, long lo)
    {
        public static IpAddress v4(final int address)
        {
            return new IpAddress(false, 0, address & 0xFFFF_FFFFL);
        }

        public static IpAddress parse(final String text)
        {
            if (text.indexOf(':') >= 0)
            {
                final long[] parts = Ipv6Header.parse(text);
                return new IpAddress(true, parts[0], parts[1]);
            }
            return v4(Ipv4Header.parse(text));
        }

        /** This address plus {@code n} (IPv6: added to the low 64 bits, carrying into the high ones). */
        public IpAddress plus(final long n)
        {
            if (!v6)
            {
                return v4((int)(lo + n));
            }
            final long sum = lo + n;
            return new IpAddress(true, Long.compareUnsigned(sum, lo) < 0 ? hi + 1 : hi, sum);
        }

        public int v4()
        {
            return (int)lo;
        }

        @Override
        public String toString()
        {
            return v6 ? Ipv6Header.toString(hi, lo) : Ipv4Header.toString((int)lo);
        }
    }

    public enum Kind
    {
        NONE, GRE, ESP
    }

    /**
     * The outer header of decapsulation tests: GRE (RFC 2784, with an RFC 2890 key if
     * {@code greKey >= 0}) or ESP tunnel mode (AES-GCM, {@code espSpi}; the keys are the sealer's).
     */
    public record Encapsulation(Kind kind, IpAddress source, IpAddress destination, long greKey, long espSpi)
    {
        public static final Encapsulation NONE = new Encapsulation(Kind.NONE, null, null, -1, 0);

        public Encapsulation
        {
            if (kind != Kind.NONE && source.v6() != destination.v6())
            {
                throw new IllegalArgumentException("tunnel source " + source + " and destination " + destination +
                    " are not of one family");
            }
        }

        public String json()
        {
            return switch (kind)
            {
                case NONE -> "\"none\"";
                case GRE -> String.format(Locale.ROOT, "{\"kind\":\"gre\",\"src\":\"%s\",\"dst\":\"%s\",\"key\":%s}", source, destination,
                    greKey < 0 ? "null" : Long.toString(greKey));
                case ESP -> String.format(Locale.ROOT, "{\"kind\":\"esp\",\"src\":\"%s\",\"dst\":\"%s\",\"spi\":%d}", source, destination,
                    espSpi);
            };
        }
    }
}
