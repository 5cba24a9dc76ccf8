package io.flowlane.dataplane.testing;

import io.flowlane.dataplane.eal.Eal;
import io.flowlane.dataplane.eal.EalConfig;

/** One EAL per test JVM (DPDK allows one rte_eal_init per process); tests add their own vdevs. */
public final class TestEal
{
    public static final EalConfig CONFIG = EalConfig.forTests("flowlane-test-" + ProcessHandle.current().pid());

    private TestEal()
    {
    }

    public static void init()
    {
        Eal.init(CONFIG);
    }
}
