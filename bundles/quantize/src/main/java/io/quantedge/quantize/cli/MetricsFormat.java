package io.quantedge.quantize.cli;

import io.quantedge.quantize.eval.ModelMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluation figures as a terminal table or as JSON-ready maps (an infinite SNR becomes null). */
final class MetricsFormat {

    private MetricsFormat() {
    }

    static void table(List<ModelMetrics> metrics, String backendsNote, PrintStream out) {
        out.printf("%-28s %9s %10s %9s %9s %9s %9s %8s %8s%n", "model", "file KiB", "weight KiB", "act KiB",
                "accuracy", "agreement", "SNR dB", "p50 ms", "p99 ms");
        for (ModelMetrics m : metrics) {
            out.printf("%-28s %9.1f %10.1f %9s %9s %8.2f%% %9s %8.3f %8.3f%n", shorten(m.model()), m.fileBytes() / 1024.0,
                    m.weightBytes() / 1024.0, m.plannedActivationBytes() < 0 ? "-"
                            : String.format("%.1f", m.plannedActivationBytes() / 1024.0),
                    m.accuracy() == null ? "-" : String.format("%.2f%%", 100 * m.accuracy()),
                    100 * m.agreement(), Double.isInfinite(m.snrDb()) ? "inf" : String.format("%.1f", m.snrDb()),
                    m.p50Ms(), m.p99Ms());
        }
        if (!metrics.isEmpty()) {
            ModelMetrics first = metrics.get(0);
            out.printf("%d samples; agreement (top-1) and SNR against %s; weight size ratio to it:", first.samples(),
                    shorten(first.model()));
            for (ModelMetrics m : metrics.subList(1, metrics.size())) {
                out.printf(" %s %.2fx", shorten(m.model()), (double) first.weightBytes() / m.weightBytes());
            }
            out.printf("%nact KiB: the engine's planned peak of intermediate values for one sample;"
                    + " latency: one sample per run, backends %s%n", backendsNote);
        }
    }

    static List<Map<String, Object>> json(List<ModelMetrics> metrics) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelMetrics m : metrics) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.model());
            row.put("fileBytes", m.fileBytes());
            row.put("weightBytes", m.weightBytes());
            row.put("runtimeWeightBytes", m.runtimeWeightBytes());
            row.put("plannedActivationBytes", m.plannedActivationBytes() < 0 ? null : m.plannedActivationBytes());
            row.put("samples", m.samples());
            row.put("accuracy", m.accuracy());
            row.put("agreement", m.agreement());
            row.put("snrDb", Double.isInfinite(m.snrDb()) ? null : m.snrDb());
            row.put("latencyP50Ms", m.p50Ms());
            row.put("latencyP99Ms", m.p99Ms());
            row.put("backends", m.backends());
            rows.add(row);
        }
        return rows;
    }

    private static String shorten(String name) {
        return name.length() <= 28 ? name : "..." + name.substring(name.length() - 25);
    }
}
