package io.flowlane.dataplane.pipeline;

/**
 * One job done to every packet of a burst that waits for it (VPP's graph node): the stage
 * processes each slot whose {@code next} is its id and sends it on with {@link PacketVector#to}
 * or {@link PacketVector#drop}. The built-in stages are called directly by {@link PacketGraph};
 * stages of other modules (tunnels) plug in through this interface.
 */
public interface Stage
{
    byte id();

    void process(PacketVector vector);
}
