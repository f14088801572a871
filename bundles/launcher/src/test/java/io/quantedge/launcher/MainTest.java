package io.quantedge.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommandsAndExitsZero() throws Exception {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("run       run the gateway"));
    }

    @Test
    void commandHelpDescribesItsOptions() throws Exception {
        assertEquals(0, run("run", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--config DIR"));
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() throws Exception {
        assertEquals(Main.EXIT_USAGE, run());
        assertEquals(Main.EXIT_USAGE, run("--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option '--frobnicate'"));
        assertEquals(Main.EXIT_USAGE, run("run", "--bogus"));
    }

    @Test
    void failureDescriptionsIncludeTheCauses() {
        Exception e = new Exception("start failed", new IllegalStateException("port in use"));
        assertEquals("start failed <- java.lang.IllegalStateException: port in use", GatewayDaemon.describe(e));
    }
}
