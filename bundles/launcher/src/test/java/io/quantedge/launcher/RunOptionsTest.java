package io.quantedge.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void noOptionsMeansTheDistributionDefaults() throws Exception {
        RunOptions o = RunOptions.parse(List.of());
        assertEquals(Optional.empty(), o.configDir());
        assertFalse(o.shell());
        assertFalse(o.help());
    }

    @Test
    void directoriesComeAsNextArgumentOrInline() throws Exception {
        RunOptions o = RunOptions.parse(List.of("--config", "/etc/qe", "--load=/srv/load", "--data", "d", "--shell"));
        assertEquals(Optional.of(Path.of("/etc/qe")), o.configDir());
        assertEquals(Optional.of(Path.of("/srv/load")), o.loadDir());
        assertEquals(Optional.of(Path.of("d")), o.dataDir());
        assertTrue(o.shell());
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatIsWrong() {
        assertEquals("--config needs a directory",
                assertThrows(UsageException.class, () -> RunOptions.parse(List.of("--config"))).getMessage());
        assertEquals("--load needs a directory",
                assertThrows(UsageException.class, () -> RunOptions.parse(List.of("--load="))).getMessage());
        assertEquals("unknown option '--confg' for run",
                assertThrows(UsageException.class, () -> RunOptions.parse(List.of("--confg", "x"))).getMessage());
    }

    @Test
    void helpDescribesEveryOption() throws Exception {
        assertTrue(RunOptions.parse(List.of("--help")).help());
        for (String option : List.of("--config", "--load", "--data", "--shell", "--help")) {
            assertTrue(RunOptions.USAGE.contains(option), option);
        }
    }
}
