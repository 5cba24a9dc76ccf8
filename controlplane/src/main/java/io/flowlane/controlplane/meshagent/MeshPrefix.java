package io.flowlane.controlplane.meshagent;

import io.flowlane.dataplane.packet.Ipv4Header;

/** An IPv4 prefix that leaves the mesh at one node (its egress), e.g. 198.18.0.0/16. */
public record MeshPrefix(int address, int length)
{
    public MeshPrefix
    {
        if (length < 0 || length > 32)
        {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0..32");
        }
        if (length < 32 && (address & (int)(0xFFFF_FFFFL >>> length)) != 0)
        {
            throw new IllegalArgumentException(Ipv4Header.toString(address) + "/" + length + " has host bits set");
        }
    }

    public static MeshPrefix parse(final String text)
    {
        final int slash = text.indexOf('/');
        if (slash < 0)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 prefix (address/length)");
        }
        return new MeshPrefix(Ipv4Header.parse(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
    }

    /** Whether {@code address}/{@code length} covers all of this prefix. */
    public boolean within(final int otherAddress, final int otherLength)
    {
        final int mask = otherLength == 0 ? 0 : (int)(0xFFFF_FFFFL << (32 - otherLength));
        return otherLength <= length && (address & mask) == (otherAddress & mask);
    }

    /** The prefix as ControlClient's route commands take it (IPv4 in the low 32 bits of the high half). */
    public long hi()
    {
        return address & 0xFFFF_FFFFL;
    }

    @Override
    public String toString()
    {
        return Ipv4Header.toString(address) + "/" + length;
    }
}
