package io.flowlane.dataplane.port;

import java.util.List;

/**
 * The interfaces of the appliance, found from a received frame's (port, VLAN) in one array load.
 * Immutable: a change of interfaces publishes a new table.
 */
public final class InterfaceTable
{
    public static final int MAX_PORTS = 64;
    private static final int VLANS = 4096;

    private final Interface[] byIndex;
    private final long[] macs;
    /** (port * 4096 + vlan) → interface index + 1; 0 means no interface. */
    private final short[] byPortVlan = new short[MAX_PORTS * VLANS];

    public InterfaceTable(final List<Interface> interfaces)
    {
        byIndex = interfaces.toArray(new Interface[0]);
        macs = new long[byIndex.length];
        for (int i = 0; i < byIndex.length; i++)
        {
            final Interface itf = byIndex[i];
            if (itf.index() != i)
            {
                throw new IllegalArgumentException("interface '" + itf.name() + "' has index " + itf.index() + ", expected " + i);
            }
            if (itf.port() < 0 || itf.port() >= MAX_PORTS)
            {
                throw new IllegalArgumentException("interface '" + itf.name() + "': port " + itf.port() + " is outside 0.." + (MAX_PORTS - 1));
            }
            if (itf.vlan() < 0 || itf.vlan() >= VLANS - 1)
            {
                throw new IllegalArgumentException("interface '" + itf.name() + "': vlan " + itf.vlan() + " is outside 0..4094");
            }
            final int slot = itf.port() * VLANS + itf.vlan();
            if (byPortVlan[slot] != 0)
            {
                throw new IllegalArgumentException("interfaces '" + byIndex[byPortVlan[slot] - 1].name() + "' and '" +
                    itf.name() + "' are both port " + itf.port() + " vlan " + itf.vlan());
            }
            byPortVlan[slot] = (short)(i + 1);
            macs[i] = itf.mac();
        }
    }

    /** The interface index for a frame received on {@code port} with {@code vlan} (0 = untagged), or -1. */
    public int lookup(final int port, final int vlan)
    {
        if (port >= MAX_PORTS)
        {
            return -1;
        }
        return byPortVlan[port * VLANS + vlan] - 1;
    }

    public long mac(final int index)
    {
        return macs[index];
    }

    public Interface get(final int index)
    {
        return byIndex[index];
    }

    public int size()
    {
        return byIndex.length;
    }

    public Interface byName(final String name)
    {
        for (final Interface itf : byIndex)
        {
            if (itf.name().equals(name))
            {
                return itf;
            }
        }
        return null;
    }

    public List<Interface> all()
    {
        return List.of(byIndex);
    }
}
