package io.flowlane.controlplane.channel;

/**
 * Why a control message was not applied: the field at fault and the reason, as the error
 * {@code Ack} carries them. Thrown before anything is changed, or after what was changed has been
 * rolled back: a rejected message leaves the tables as they were.
 */
public final class Rejection extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public Rejection(final String field, final String reason)
    {
        super(field + ": " + reason, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    /**
     * The tables' writers report bad input as "field: reason" (ForwardingControl, TunnelTable,
     * the tunnel records); keep that split, prefixing the message's own field path.
     */
    public static Rejection from(final String path, final RuntimeException ex)
    {
        final String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        final int colon = message.indexOf(": ");
        if (colon > 0 && colon < 40 && message.substring(0, colon).matches("[a-zA-Z0-9.\\[\\]-]+"))
        {
            final String field = message.substring(0, colon);
            return new Rejection(path.isEmpty() ? field : path + "." + field, message.substring(colon + 2));
        }
        return new Rejection(path.isEmpty() ? "tables" : path, message);
    }

    public String field()
    {
        return field;
    }

    public String reason()
    {
        return reason;
    }
}
