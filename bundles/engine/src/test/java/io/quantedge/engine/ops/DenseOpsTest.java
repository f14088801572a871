package io.quantedge.engine.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.graph.Attribute;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DenseOpsTest {

    private static double[][] product(float[] a, int m, int k, float[] b, int n, boolean transA, boolean transB) {
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    c[i][j] += (double) a[transA ? p * m + i : i * k + p] * b[transB ? j * k + p : p * n + j];
                }
            }
        }
        return c;
    }

    @Test
    void gemmAppliesTransposesAlphaBetaAndBroadcastC() throws Exception {
        Random random = new Random(7);
        int m = 3, k = 5, n = 4;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                float[] a = TestGraphs.randomFloats(random, m * k);
                float[] b = TestGraphs.randomFloats(random, k * n);
                float[] c = TestGraphs.randomFloats(random, n);
                Value y = TestGraphs.runOp("", "Gemm", 13, Map.of("transA", Attribute.ofInt(transA ? 1 : 0),
                                "transB", Attribute.ofInt(transB ? 1 : 0), "alpha", Attribute.ofFloat(0.5f),
                                "beta", Attribute.ofFloat(2f)),
                        Value.ofFloats(transA ? new int[] {k, m} : new int[] {m, k}, a),
                        Value.ofFloats(transB ? new int[] {n, k} : new int[] {k, n}, b),
                        Value.ofFloats(new int[] {n}, c))[0];
                double[][] expected = product(a, m, k, b, n, transA, transB);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        assertEquals(0.5 * expected[i][j] + 2 * c[j], y.floats()[i * n + j], 1e-4);
                    }
                }
            }
        }
    }

    @Test
    void matMulBroadcastsBatchesAndHandlesVectors() throws Exception {
        Random random = new Random(3);
        float[] a = TestGraphs.randomFloats(random, 2 * 3 * 4);
        float[] b = TestGraphs.randomFloats(random, 4 * 5);
        Value y = TestGraphs.runOp("", "MatMul", 13, Map.of(), Value.ofFloats(new int[] {2, 3, 4}, a),
                Value.ofFloats(new int[] {1, 4, 5}, b))[0];
        assertArrayEquals(new int[] {2, 3, 5}, y.shape());
        for (int batch = 0; batch < 2; batch++) {
            float[] slice = java.util.Arrays.copyOfRange(a, batch * 12, batch * 12 + 12);
            double[][] expected = product(slice, 3, 4, b, 5, false, false);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 5; j++) {
                    assertEquals(expected[i][j], y.floats()[batch * 15 + i * 5 + j], 1e-4);
                }
            }
        }
        Value v = TestGraphs.runOp("", "MatMul", 13, Map.of(), Value.ofFloats(new int[] {4}, 1f, 2f, 3f, 4f),
                Value.ofFloats(new int[] {4, 5}, b))[0];
        assertArrayEquals(new int[] {5}, v.shape());
    }

    @Test
    void batchNormalizationFoldsToScaleAndShiftPerChannel() throws Exception {
        Value x = Value.ofFloats(new int[] {1, 2, 1, 2}, 1f, 2f, 3f, 4f);
        Value y = TestGraphs.runOp("", "BatchNormalization", 13, Map.of("epsilon", Attribute.ofFloat(0f)), x,
                Value.ofFloats(new int[] {2}, 2f, 1f), Value.ofFloats(new int[] {2}, 0.5f, 0f),
                Value.ofFloats(new int[] {2}, 1f, 3f), Value.ofFloats(new int[] {2}, 4f, 1f))[0];
        // channel 0: (x - 1) / 2 * 2 + 0.5; channel 1: (x - 3) / 1 * 1 + 0
        assertArrayEquals(new float[] {0.5f, 1.5f, 0f, 1f}, y.floats(), 1e-6f);
    }

    @Test
    void poolingHonoursPadsCeilModeAndCountIncludePad() throws Exception {
        Value x = Value.ofFloats(new int[] {1, 1, 3, 3}, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f);
        Value max = TestGraphs.runOp("", "MaxPool", 13, Map.of("kernel_shape", Attribute.ofInts(2, 2),
                "strides", Attribute.ofInts(2, 2), "ceil_mode", Attribute.ofInt(1)), x)[0];
        assertArrayEquals(new int[] {1, 1, 2, 2}, max.shape());
        assertArrayEquals(new float[] {5f, 6f, 8f, 9f}, max.floats());
        Value avg = TestGraphs.runOp("", "AveragePool", 13, Map.of("kernel_shape", Attribute.ofInts(3, 3),
                "pads", Attribute.ofInts(1, 1, 1, 1), "count_include_pad", Attribute.ofInt(1)), x)[0];
        assertEquals((1 + 2 + 4 + 5) / 9f, avg.floats()[0], 1e-6f);
        Value avgExcl = TestGraphs.runOp("", "AveragePool", 13, Map.of("kernel_shape", Attribute.ofInts(3, 3),
                "pads", Attribute.ofInts(1, 1, 1, 1)), x)[0];
        assertEquals((1 + 2 + 4 + 5) / 4f, avgExcl.floats()[0], 1e-6f);
        Value global = TestGraphs.runOp("", "GlobalAveragePool", 13, Map.of(), x)[0];
        assertArrayEquals(new int[] {1, 1, 1, 1}, global.shape());
        assertEquals(5f, global.floats()[0], 1e-6f);
    }
}
