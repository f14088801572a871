package io.quantedge.benchmarks;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** Runs {@link KernelThroughputBenchmark} and prints GOP/s per kernel, backend and threads, with ratios to scalar. */
public final class KernelReport {

    private KernelReport() {
    }

    public static void main(String[] args) throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(KernelThroughputBenchmark.class.getSimpleName()).build()).run();
        Map<String, Double> gops = new TreeMap<>();
        for (RunResult result : results) {
            var p = result.getParams();
            double seconds = result.getPrimaryResult().getScore() / 1e6;
            gops.put(p.getParam("kernel") + "|" + p.getParam("backend") + "|" + p.getParam("threads"),
                    KernelThroughputBenchmark.operations(p.getParam("kernel")) / seconds / 1e9);
        }
        System.out.println();
        System.out.println("Kernel throughput, GOP/s (threads 0 = all cores):");
        System.out.printf("%-14s %-8s %8s %8s %14s%n", "kernel", "threads", "scalar", "vector", "native (xscalar)");
        for (String kernel : new String[] {"gemm-int8", "gemv-int8", "gemv-int4", "conv3x3-int8"}) {
            for (String threads : new String[] {"1", "0"}) {
                double s = gops.getOrDefault(kernel + "|scalar|" + threads, Double.NaN);
                double v = gops.getOrDefault(kernel + "|vector|" + threads, Double.NaN);
                double n = gops.getOrDefault(kernel + "|native|" + threads, Double.NaN);
                System.out.printf("%-14s %-8s %8.1f %8.1f %8.1f (%5.1fx)%n", kernel, threads, s, v, n, n / s);
            }
        }
    }
}
