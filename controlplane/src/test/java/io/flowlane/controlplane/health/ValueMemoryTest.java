package io.flowlane.controlplane.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueMemoryTest
{
    @Test
    void noveltyIsTheDistanceToTheNearestSeenValueInUnitsOfTheRange()
    {
        final ValueMemory memory = new ValueMemory(0.02, 100);
        assertEquals(0.0, memory.observe(0.0), 0.0);
        // 10 is as far as can be from 0, the range is now 10.
        assertEquals(1.0, memory.observe(10.0), 1e-12);
        assertEquals(0.5, memory.observe(5.0), 1e-12);
        // Within 2% of the range of a seen value: known.
        assertEquals(0.0, memory.observe(5.1), 0.0);
        assertEquals(0.0, memory.observe(10.0), 0.0);
        // A gap: 7.5 is 2.5 from 5 and from 10.
        assertEquals(0.25, memory.observe(7.5), 1e-12);
        // Beyond the maximum: 1 past 10, range now 11.
        assertEquals(1.0 / 11.0, memory.observe(11.0), 1e-12);
        assertEquals(5, memory.size());
    }

    @Test
    void staysWithinItsCapacity()
    {
        final ValueMemory memory = new ValueMemory(0.001, 16);
        for (int i = 0; i < 1000; i++)
        {
            memory.observe(i * i);
        }
        assertEquals(16, memory.size());
        assertTrue(memory.observe(2e6) > 0);
    }
}
