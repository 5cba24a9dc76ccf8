package io.flowlane.controlplane.nab;

/**
 * A labelled anomaly window: the rows {@code first..last} (inclusive) of one series. NAB centres
 * each window on a labelled anomaly and makes the windows of a file together 10% of its length.
 */
public record NabWindow(int first, int last)
{
    public NabWindow
    {
        if (first < 0 || last < first)
        {
            throw new IllegalArgumentException("window rows " + first + ".." + last);
        }
    }

    public int width()
    {
        return last - first + 1;
    }

    public boolean contains(final int row)
    {
        return row >= first && row <= last;
    }
}
