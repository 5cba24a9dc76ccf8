package io.flowlane.controlplane.nab;

import java.util.List;

/**
 * An application profile of the Numenta Anomaly Benchmark: the weights of a true positive, a false
 * positive and a false negative (Lavin and Ahmad 2015, section "Scoring"). True negatives earn
 * nothing, so NAB's {@code tnWeight} is left out.
 *
 * @param name     NAB's name of the profile, as in its result files
 * @param tpWeight A_TP: what the earliest detection in a window can earn
 * @param fpWeight A_FP: what a false positive far from any window costs
 * @param fnWeight A_FN: what a window without a detection costs
 */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight)
{
    public static final NabProfile STANDARD = new NabProfile("standard", 1.0, 0.11, 1.0);
    /** Twice the false-positive cost: for operators who are paged by every alarm. */
    public static final NabProfile REWARD_LOW_FP_RATE = new NabProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    /** Twice the cost of a missed window: for systems where a missed failure is the expensive mistake. */
    public static final NabProfile REWARD_LOW_FN_RATE = new NabProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);

    public static final List<NabProfile> ALL = List.of(STANDARD, REWARD_LOW_FP_RATE, REWARD_LOW_FN_RATE);

    public NabProfile
    {
        if (!(tpWeight > 0) || !(fpWeight >= 0) || !(fnWeight >= 0))
        {
            throw new IllegalArgumentException("weights must be tp > 0, fp >= 0, fn >= 0: " + tpWeight + ", " + fpWeight + ", " + fnWeight);
        }
    }
}
