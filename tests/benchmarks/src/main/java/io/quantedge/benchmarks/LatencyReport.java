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
        System.out.println("Latency per inference, batch 1, one thread (microseconds; ratios from the same run):");
        String[] runtimes = {"quantedge-scalar", "quantedge-vector", "quantedge-native", "onnxruntime"};
        System.out.printf("%-12s %-6s %12s %12s %12s %12s%n", "model", "", "ours scalar", "ours vector", "ours native",
                "ORT");
        for (String model : new String[] {"cnn", "mobilenetv2"}) {
            for (String precision : new String[] {"fp32", "int8"}) {
                System.out.printf("%-12s %-6s", model, precision);
                for (String runtime : runtimes) {
                    System.out.printf(" %12.1f", micros.getOrDefault(model + "/" + runtime + "/" + precision, Double.NaN));
                }
                System.out.println();
            }
            double bestFp32 = Double.MAX_VALUE;
            double bestInt8 = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                bestFp32 = Math.min(bestFp32, micros.getOrDefault(model + "/" + runtimes[i] + "/fp32", Double.MAX_VALUE));
                bestInt8 = Math.min(bestInt8, micros.getOrDefault(model + "/" + runtimes[i] + "/int8", Double.MAX_VALUE));
            }
            System.out.printf("%-12s ours best INT8 vs ours best FP32: %.2fx faster; ours best INT8 vs ORT INT8: %.2fx"
                    + " the time; ours best FP32 vs ORT FP32: %.2fx the time%n", model, bestFp32 / bestInt8,
                    bestInt8 / micros.getOrDefault(model + "/onnxruntime/int8", Double.NaN),
                    bestFp32 / micros.getOrDefault(model + "/onnxruntime/fp32", Double.NaN));
        }
    }
}
