package io.quantedge.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's backend bundle (tests/sample-backend: ranking 500, float products only) dropped
 * into load/ of a running gateway is picked for the operations it supports, the others stay with
 * the gateway's backends; deleting it hands its operations back.
 */
class SampleBackendHotPlugTest {

    private static final Path DIST = Path.of(System.getProperty("quantedge.dist", "../../deploy/target/quantedge"))
            .toAbsolutePath().normalize();
    private static final Path SAMPLE = Path.of(System.getProperty("sample.backend.jar")).toAbsolutePath();
    private static final Duration WITHIN = Duration.ofSeconds(15);

    @TempDir
    Path work;

    /** The backend a "Kernel backends: ..." log line names for float products. */
    private static String floatProductsBackend(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Gemm\\[FP32, FP32\\] -> ([^,]+)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no float product assignment in: " + line);
        }
        return m.group(1).strip();
    }

    @Test
    void aDroppedBackendIsPickedForItsOperationsAndRemovingItHandsThemBack() throws Exception {
        Path load = work.resolve("load");
        try (GatewayProcess gateway = GatewayProcess.start(DIST, work, "run", "--load", load.toString(),
                "--data", work.resolve("data").toString())) {
            gateway.awaitLine(l -> l.startsWith("QuantEdge ready:"), WITHIN);
            String shipped = floatProductsBackend(gateway.awaitLine(l -> l.contains("Kernel backends: "), WITHIN));
            assertEquals(false, shipped.equals("sample-fp32"), shipped);

            int before = gateway.lineCount();
            Path dropped = load.resolve("sample-backend.jar");
            Path partial = load.resolve("sample-backend.jar.part");
            Files.copy(SAMPLE, partial);
            Files.move(partial, dropped, StandardCopyOption.ATOMIC_MOVE);
            String picked = gateway.awaitLineAfter(before,
                    l -> l.contains("Kernel backends: ") && l.contains("Gemm[FP32, FP32] -> sample-fp32"), WITHIN);
            // Only the operation it declares moves; integer products stay with the gateway's backends.
            assertEquals(false, picked.contains("IntegerGemm[INT8, INT8] -> sample-fp32"), picked);

            int beforeRemoval = gateway.lineCount();
            Files.delete(dropped);
            gateway.awaitLineAfter(beforeRemoval, l -> l.startsWith("Bundle uninstalled: com.example.quantedge.backend"),
                    WITHIN);
            String handedBack = gateway.awaitLineAfter(beforeRemoval,
                    l -> l.contains("Kernel backends: ") && !l.contains("-> sample-fp32"), WITHIN);
            assertEquals(shipped, floatProductsBackend(handedBack), handedBack);

            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.output());
        }
    }
}
