package io.quantedge.engine.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quantedge.engine.Storage;
import io.quantedge.engine.plan.MemoryLayout.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLayoutTest {

    @Test
    void valuesWithDisjointLifetimesShareMemory() {
        // a chain x -> a -> b -> c: a and c never live at once, b overlaps both.
        MemoryLayout layout = MemoryLayout.place(List.of(
                new Request(Storage.FLOAT, 100, 0, 1),
                new Request(Storage.FLOAT, 50, 1, 2),
                new Request(Storage.FLOAT, 100, 2, 3)));
        assertEquals(layout.offset(0), layout.offset(2));
        assertEquals(150, layout.arenaSizes().get(Storage.FLOAT));
        assertEquals(600, layout.bytes());
    }

    @Test
    void overlappingValuesNeverShareAndStoragesAreSeparate() {
        MemoryLayout layout = MemoryLayout.place(List.of(
                new Request(Storage.FLOAT, 10, 0, 5),
                new Request(Storage.FLOAT, 10, 3, 4),
                new Request(Storage.BYTE, 7, 0, 5)));
        assertNotEquals(layout.offset(0), layout.offset(1));
        assertEquals(20, layout.arenaSizes().get(Storage.FLOAT));
        assertEquals(7, layout.arenaSizes().get(Storage.BYTE));
        assertEquals(0, layout.offset(2));
    }
}
