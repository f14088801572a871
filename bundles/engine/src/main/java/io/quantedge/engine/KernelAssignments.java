package io.quantedge.engine;

import io.quantedge.api.kernel.OpSignature;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/** Which backend computes each operation some backend declares: what operators want to see in the log. */
public final class KernelAssignments {

    private KernelAssignments() {
    }

    /** Operation (as "Gemm[FP32, FP32]") to the name of the backend that computes it, sorted. */
    public static Map<String, String> of(KernelRegistry registry) {
        Map<String, String> winners = new TreeMap<>();
        // Backends come best first, so the first to claim an operation keeps it.
        for (KernelRegistry.Ranked ranked : registry.backends()) {
            ranked.backend().supportedOps().stream()
                    .sorted(Comparator.comparing(OpSignature::toString))
                    .forEach(op -> winners.putIfAbsent(op.toString(), ranked.backend().name()));
        }
        return winners;
    }

    /** One line: "Gemm[FP32, FP32] -> vector, IntegerGemm[INT8, INT8] -> native-avx512vnni, ...". */
    public static String describe(KernelRegistry registry) {
        StringBuilder line = new StringBuilder();
        of(registry).forEach((op, backend) -> line.append(line.length() == 0 ? "" : ", ").append(op).append(" -> ")
                .append(backend));
        return line.length() == 0 ? "no kernel backend" : line.toString();
    }
}
