package io.quantedge.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {

    @Test
    void optionsTakeBackendsThreadsIterationsAndJson() throws Exception {
        BenchOptions o = BenchOptions.parse(List.of("--model", "m.onnx", "--backend", "scalar", "--backend", "vector",
                "--threads", "2", "--iterations", "50", "--json"));
        assertEquals(Path.of("m.onnx"), o.model());
        assertEquals(List.of("scalar", "vector"), o.backends());
        assertEquals(2, o.threads());
        assertEquals(50, o.iterations());
        assertTrue(o.json());
        assertEquals(200, BenchOptions.parse(List.of("--model", "m")).iterations());
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertEquals("--threads takes a whole number of at least 1, got '0'", assertThrows(CommandLineException.class,
                () -> BenchOptions.parse(List.of("--model", "m", "--threads", "0"))).getMessage());
        assertThrows(CommandLineException.class, () -> BenchOptions.parse(List.of("--model", "m", "--iterations", "x")));
        for (String option : List.of("--model", "--backend", "--threads", "--iterations", "--json", "Exit codes")) {
            assertTrue(BenchOptions.USAGE.contains(option), option);
        }
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * 1_000_000L; // 1 ms .. 100 ms
        }
        assertEquals(50.0, BenchCommand.percentile(sorted, 0.50));
        assertEquals(99.0, BenchCommand.percentile(sorted, 0.99));
        assertEquals(7.0, BenchCommand.percentile(new long[] {7_000_000L}, 0.99));
    }
}
