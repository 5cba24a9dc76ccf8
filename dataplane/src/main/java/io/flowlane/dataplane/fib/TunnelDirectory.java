package io.flowlane.dataplane.fib;

/**
 * What the forwarding tables need to know about tunnels, implemented by the tunnels module:
 * a route's "via: tunnel X" becomes an adjacency that sends the packet to X's encapsulation
 * stage, with X's index for that stage to find its parameters.
 */
public interface TunnelDirectory
{
    /** The tunnel's index, or -1 if no tunnel has that name. */
    int index(String name);

    /** The graph stage that encapsulates into this tunnel (a StageId in the encap range). */
    byte encapStage(int index);

    /** No tunnels: every tunnel next hop is rejected. */
    TunnelDirectory NONE = new TunnelDirectory()
    {
        @Override
        public int index(final String name)
        {
            return -1;
        }

        @Override
        public byte encapStage(final int index)
        {
            throw new IllegalArgumentException("no tunnel " + index);
        }
    };
}
