package io.flowlane.dataplane.pipeline;

/**
 * Runs a burst through the stages: always the lowest-numbered stage with packets waiting (see
 * {@link StageId} for why that is journey order), then transmit, then drop.
 */
public final class PacketGraph
{
    /** More stage visits than any legitimate packet needs (encap, ICMP, decap add a few each). */
    private static final int MAX_VISITS = 48;

    private final Stage[] stages = new Stage[StageId.COUNT];
    private final Stage tx;
    private final Stage drop;

    public PacketGraph(final Stage tx, final Stage drop, final Stage... processing)
    {
        this.tx = tx;
        this.drop = drop;
        for (final Stage stage : processing)
        {
            add(stage);
        }
    }

    /** Adds a stage (tunnels plug in their decap/encap stages this way). */
    public void add(final Stage stage)
    {
        if (stages[stage.id()] != null)
        {
            throw new IllegalArgumentException("stage id " + stage.id() + " is taken by " + stages[stage.id()].getClass().getSimpleName());
        }
        stages[stage.id()] = stage;
    }

    public void run(final PacketVector vector)
    {
        int visits = 0;
        long waiting;
        while ((waiting = vector.pending & ~StageId.TERMINAL) != 0)
        {
            final int id = Long.numberOfTrailingZeros(waiting);
            vector.pending &= ~(1L << id);
            final Stage stage = stages[id];
            if (stage == null || ++visits > MAX_VISITS)
            {
                dropWaiting(vector, id);
                continue;
            }
            stage.process(vector);
        }
        if ((vector.pending & (1L << StageId.TX)) != 0)
        {
            tx.process(vector);
        }
        if ((vector.pending & (1L << StageId.DROP)) != 0)
        {
            drop.process(vector);
        }
        vector.pending = 0;
    }

    private static void dropWaiting(final PacketVector vector, final int id)
    {
        for (int i = 0; i < vector.count; i++)
        {
            if (vector.next[i] == id)
            {
                vector.drop(i, DropReason.LOOP);
            }
        }
    }
}
