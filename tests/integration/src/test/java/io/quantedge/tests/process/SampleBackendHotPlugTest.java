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

    @Test
    void aDroppedBackendIsPickedForItsOperationsAndRemovingItHandsThemBack() throws Exception {
        Path load = work.resolve("load");
        try (GatewayProcess gateway = GatewayProcess.start(DIST, work, "run", "--load", load.toString(),
                "--data", work.resolve("data").toString())) {
            gateway.awaitLine(l -> l.startsWith("QuantEdge ready:"), WITHIN);
            gateway.awaitLine(l -> l.contains("Kernel backends: ") && l.contains("Gemm[FP32, FP32] -> scalar"), WITHIN);

            int before = gateway.lineCount();
            Path dropped = load.resolve("sample-backend.jar");
            Path partial = load.resolve("sample-backend.jar.part");
            Files.copy(SAMPLE, partial);
            Files.move(partial, dropped, StandardCopyOption.ATOMIC_MOVE);
            String picked = gateway.awaitLineAfter(before,
                    l -> l.contains("Kernel backends: ") && l.contains("Gemm[FP32, FP32] -> sample-fp32"), WITHIN);
            // Only the operation it declares moves; integer products stay with the scalar backend.
            assertEquals(true, picked.contains("IntegerGemm[INT8, INT8] -> scalar"), picked);

            int beforeRemoval = gateway.lineCount();
            Files.delete(dropped);
            gateway.awaitLineAfter(beforeRemoval, l -> l.startsWith("Bundle uninstalled: com.example.quantedge.backend"),
                    WITHIN);
            gateway.awaitLineAfter(beforeRemoval,
                    l -> l.contains("Kernel backends: ") && l.contains("Gemm[FP32, FP32] -> scalar"), WITHIN);

            assertEquals(0, gateway.terminate(Duration.ofSeconds(10)), gateway.output());
        }
    }
}
