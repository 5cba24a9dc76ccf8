package io.flowlane.controlplane.nab;

/**
 * A detector's NAB score under one profile at one threshold, over a corpus or one file.
 *
 * @param threshold       a row is a detection when its anomaly score is at least this
 *                        ({@code +Infinity}: nothing is detected)
 * @param rawScore        the sum of the weighted detections and misses
 * @param nullScore       what a detector that never fires scores: every window missed
 * @param perfectScore    one detection at the first row of every window
 * @param truePositives   detected rows inside windows (NAB's TP count: rows, not windows)
 * @param falsePositives  detected rows outside windows, after the probationary period
 * @param falseNegatives  rows inside windows that were not detected
 * @param trueNegatives   rows outside windows, after the probationary period, not detected
 * @param detectedWindows windows with at least one detection
 * @param windows         windows that count (those not wholly inside the probationary period)
 */
public record NabResult(
    NabProfile profile,
    double threshold,
    double rawScore,
    double nullScore,
    double perfectScore,
    long truePositives,
    long falsePositives,
    long falseNegatives,
    long trueNegatives,
    int detectedWindows,
    int windows)
{
    /** 100 for the perfect detector, 0 for the null detector (Lavin and Ahmad 2015, eq. 3). */
    public double normalizedScore()
    {
        final double span = perfectScore - nullScore;
        return span == 0 ? 100.0 : 100.0 * (rawScore - nullScore) / span;
    }
}
