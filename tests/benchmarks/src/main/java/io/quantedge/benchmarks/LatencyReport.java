package io.quantedge.benchmarks;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ModelLatencyBenchmark} and prints, per model, the four latencies and their ratios,
 * all from the one run (so machine load affects every figure alike).
 */
public final class LatencyReport {

    private LatencyReport() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder().include(ModelLatencyBenchmark.class.getSimpleName())
                .jvmArgsAppend("-Dquantedge.models=" + System.getProperty("quantedge.models", "tests/models"))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> micros = new TreeMap<>();
        for (RunResult result : results) {
            var params = result.getParams();
            micros.put(params.getParam("model") + "/" + params.getParam("runtime") + "/" + params.getParam("precision"),
                    result.getPrimaryResult().getScore());
        }
        System.out.println();
        System.out.println("Latency per inference, batch 1, one thread (microseconds):");
        System.out.printf("%-12s %14s %14s %14s %14s | %10s %10s %10s %10s%n", "model", "ours FP32", "ours INT8",
                "ORT FP32", "ORT INT8", "ours I8/F32", "ORT I8/F32", "ours/ORT F", "ours/ORT I8");
        for (String model : new String[] {"cnn", "mobilenetv2"}) {
            double of = micros.getOrDefault(model + "/quantedge/fp32", Double.NaN);
            double oi = micros.getOrDefault(model + "/quantedge/int8", Double.NaN);
            double rf = micros.getOrDefault(model + "/onnxruntime/fp32", Double.NaN);
            double ri = micros.getOrDefault(model + "/onnxruntime/int8", Double.NaN);
            System.out.printf("%-12s %14.1f %14.1f %14.1f %14.1f | %10.2f %10.2f %10.2f %10.2f%n", model, of, oi, rf, ri,
                    oi / of, ri / rf, of / rf, oi / ri);
        }
    }
}
