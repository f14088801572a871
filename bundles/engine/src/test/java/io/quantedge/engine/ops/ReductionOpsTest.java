package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertLongs;
import static io.quantedge.engine.ops.OpRunner.assertValue;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.iota;
import static io.quantedge.engine.ops.OpRunner.longs;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.shape;
import static io.quantedge.engine.ops.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.engine.Value;
import org.junit.jupiter.api.Test;

class ReductionOpsTest {

    /** Softmax of {@code values} computed plainly in double. */
    private static float[] softmax(double... values) {
        double sum = 0;
        for (double v : values) {
            sum += Math.exp(v);
        }
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (Math.exp(values[i]) / sum);
        }
        return out;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void softmaxAlongTheLastAxisByDefaultFromOpset13() throws ModelLoadException {
        Value x = floats(shape(2, 3), 1, 2, 3, -1, 0, 1000);
        assertValue(op("Softmax", 13).in(x).run(), shape(2, 3), concat(softmax(1, 2, 3), softmax(-1000, -1000, 0)));
        float[] column0 = softmax(1, -1);
        float[] column1 = softmax(2, 0);
        assertValue(op("Softmax", 13).attr("axis", 0L).in(floats(shape(2, 2), 1, 2, -1, 0)).run(), shape(2, 2),
                column0[0], column1[0], column0[1], column1[1]);
    }

    @Test
    void softmaxBeforeOpset13NormalisesTheFlattenedTail() throws ModelLoadException {
        Value x = iota(2, 2, 2);
        // opset 11, axis 1: each batch row of 4 values is one distribution.
        assertValue(op("Softmax", 11).in(x).run(), shape(2, 2, 2), concat(softmax(0, 1, 2, 3), softmax(4, 5, 6, 7)));
        // opset 13, axis 1: pairs along the middle axis.
        float[] pair = softmax(0, 2);
        assertValue(op("Softmax", 13).attr("axis", 1L).in(x).run(), shape(2, 2, 2),
                pair[0], pair[0], pair[1], pair[1], pair[0], pair[0], pair[1], pair[1]);
        float[] log = softmax(0, 1, 2);
        Value logSoftmax = op("LogSoftmax", 13).in(iota(3)).run();
        assertValue(logSoftmax, shape(3), (float) Math.log(log[0]), (float) Math.log(log[1]), (float) Math.log(log[2]));
        assertEquals(Code.INVALID_GRAPH, op("Softmax", 13).attr("axis", 2L).in(iota(2, 2)).failure().code());
    }

    @Test
    void reduceMeanWithAxesAttributeThenInput() throws ModelLoadException {
        Value x = iota(2, 3, 2);
        assertValue(op("ReduceMean", 13).ints("axes", 1).in(x).run(), shape(2, 1, 2), 2, 3, 8, 9);
        assertValue(op("ReduceMean", 13).ints("axes", -1, 0).attr("keepdims", 0L).in(x).run(), shape(3),
                3.5f, 5.5f, 7.5f);
        assertValue(op("ReduceMean", 13).in(x).run(), shape(1, 1, 1), 5.5f);
        assertValue(op("ReduceMean", 18).in(x).in(vector(-1)).run(), shape(2, 3, 1), 0.5f, 2.5f, 4.5f, 6.5f, 8.5f,
                10.5f);
        assertValue(op("ReduceMean", 18).attr("noop_with_empty_axes", 1L).in(x).run(), shape(2, 3, 2), x.floats());
        assertEquals(Code.INVALID_GRAPH, op("ReduceMean", 18).in(x).runtime(vector(1)).failure().code());
        assertEquals(Code.INVALID_GRAPH, op("ReduceMean", 13).ints("axes", 3).in(x).failure().code());
        assertEquals(Code.INVALID_GRAPH, op("ReduceMean", 13).ints("axes", 1, -2).in(x).failure().code());
    }

    @Test
    void reduceSumMaxMin() throws ModelLoadException {
        Value x = floats(shape(2, 3), 1, -2, 3, 4, 5, -6);
        assertValue(op("ReduceSum", 11).ints("axes", 1).attr("keepdims", 0L).in(x).run(), shape(2), 2, 3);
        assertValue(op("ReduceSum", 13).in(x).in(vector(0)).run(), shape(1, 3), 5, 3, -3);
        assertValue(op("ReduceSum", 13).in(x).in(vector()).run(), shape(1, 1), 5);
        assertValue(op("ReduceMax", 13).ints("axes", 0).in(x).run(), shape(1, 3), 4, 5, 3);
        assertValue(op("ReduceMin", 18).in(x).in(vector(1)).attr("keepdims", 0L).run(), shape(2), -2, -6);
        assertLongs(op("ReduceSum", 13).in(longs(shape(2, 2), 1, 2, 3, 4)).in(vector(-1)).run(), shape(2, 1), 3, 7);
        assertLongs(op("ReduceMax", 13).attr("keepdims", 0L).in(longs(shape(3), 5, 9, -1)).run(), shape(), 9);
        assertEquals(Code.UNSUPPORTED, op("ReduceMean", 13).in(longs(shape(2), 1, 2)).failure().code());
    }

    @Test
    void layerNormalizationNormalisesTheTrailingAxes() throws ModelLoadException {
        Value x = floats(shape(2, 2), 1, 3, 10, 20);
        Value scale = floats(shape(2), 2, 1);
        Value bias = floats(shape(2), 0, 1);
        Value[] out = op("LayerNormalization", 17).attr("epsilon", 0f).in(x).in(scale).in(bias).outputs(3).runAll();
        assertValue(out[0], shape(2, 2), -2, 2, -2, 2);
        assertValue(out[1], shape(2, 1), 2, 15);
        assertValue(out[2], shape(2, 1), 1, 0.2f);
        Value eps = op("LayerNormalization", 17).in(x).in(floats(shape(2), 1, 1)).run();
        double inv = 1 / Math.sqrt(1 + 1e-5);
        assertValue(eps, shape(2, 2), (float) -inv, (float) inv, (float) (-5 / Math.sqrt(25 + 1e-5)),
                (float) (5 / Math.sqrt(25 + 1e-5)));
        Value all = op("LayerNormalization", 17).attr("axis", -2L).attr("epsilon", 0f).in(iota(2, 2))
                .in(floats(shape(), 1)).run();
        double sd = Math.sqrt(1.25);
        assertValue(all, shape(2, 2), (float) (-1.5 / sd), (float) (-0.5 / sd), (float) (0.5 / sd), (float) (1.5 / sd));
        ModelLoadException wrongScale = op("LayerNormalization", 17).in(x).in(floats(shape(3), 1, 1, 1)).failure();
        assertEquals(Code.UNSUPPORTED, wrongScale.code());
        assertTrue(wrongScale.getMessage().contains("normalised axes [2]"), wrongScale.getMessage());
    }

    @Test
    void argMaxKeepsDimsAndPicksFirstOrLastTie() throws ModelLoadException {
        Value x = floats(shape(2, 3), 1, 5, 5, 7, 0, 7);
        assertLongs(op("ArgMax", 13).attr("axis", -1L).in(x).run(), shape(2, 1), 1, 0);
        assertLongs(op("ArgMax", 13).attr("axis", 1L).attr("select_last_index", 1L).attr("keepdims", 0L).in(x).run(),
                shape(2), 2, 2);
        assertLongs(op("ArgMax", 11).in(x).run(), shape(1, 3), 1, 0, 1);
        assertLongs(op("ArgMax", 13).attr("keepdims", 0L).in(longs(shape(3), -5, 4, 2)).run(), shape(), 1);
    }
}
