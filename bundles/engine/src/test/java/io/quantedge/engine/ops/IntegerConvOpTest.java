package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertLongs;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.shape;
import static io.quantedge.engine.ops.IntegerElementwiseTest.typed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Operator;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import org.junit.jupiter.api.Test;

/** ConvInteger and QLinearConv whose weights arrive when running rather than as constants. */
class IntegerConvOpTest {

    private static final Value X = typed(DataType.UINT8, shape(1, 1, 3, 3), 2, 3, 4, 5, 6, 7, 8, 9, 10);
    private static final Value W = typed(DataType.UINT8, shape(2, 1, 2, 2), 1, 1, 1, 1, 1, 0, 0, 2);
    private static final Value X_ZERO = typed(DataType.UINT8, shape(), 1);

    @Test
    void convIntegerWithARuntimeWeightPacksItPerRun() throws ModelLoadException {
        // x - 1 = [1 2 3; 4 5 6; 7 8 9]. Filter 0 sums each 2 x 2 window; filter 1 is top-left + 2 bottom-right.
        Value y = op("ConvInteger", 10).kernels(TestGraphs.SCALAR).in(X).runtime(W).in(X_ZERO).run();
        assertEquals(DataType.INT32, y.type());
        assertLongs(y, shape(1, 2, 2, 2), 12, 16, 24, 28, 1 + 10, 2 + 12, 4 + 16, 5 + 18);
        Value constant = op("ConvInteger", 10).kernels(TestGraphs.SCALAR).in(X).in(W).in(X_ZERO).run();
        assertLongs(constant, shape(1, 2, 2, 2), y.toLongArray());
    }

    @Test
    void aRuntimeWeightZeroPointIsReadEachRunAndNothingIsPrepacked() throws ModelLoadException {
        Value wZero = typed(DataType.UINT8, shape(), 1);
        OpRunner runner = op("ConvInteger", 10).kernels(TestGraphs.SCALAR).in(X).in(W).in(X_ZERO).runtime(wZero);
        // w - 1 = [0 0; 0 0] and [0 -1; -1 1]: filter 1 is -top-right - bottom-left + bottom-right.
        assertLongs(runner.run(), shape(1, 2, 2, 2), 0, 0, 0, 0, -2 - 4 + 5, -3 - 5 + 6, -5 - 7 + 8, -6 - 8 + 9);
        Operator op = runner.create();
        assertEquals(0, op.preparedBytes());
    }

    @Test
    void qLinearConvWithARuntimeWeight() throws ModelLoadException {
        Value w = typed(DataType.INT8, shape(1, 1, 2, 2), 1, -1, 2, 0);
        Value y = op("QLinearConv", 10).kernels(TestGraphs.SCALAR).in(X).in(floats(shape(), 0.5f)).in(X_ZERO)
                .runtime(w).runtime(floats(shape(), 1f)).runtime(typed(DataType.INT8, shape(), 0))
                .in(floats(shape(), 0.25f)).in(typed(DataType.UINT8, shape(), 100)).run();
        // Accumulator a - b + 2 d over x - 1: 1 - 2 + 8 = 7, 2 - 3 + 10 = 9, 4 - 5 + 14 = 13, 5 - 6 + 16 = 15;
        // each scaled by 0.5 * 1 / 0.25 = 2 and shifted by the output zero point 100.
        assertLongs(y, shape(1, 1, 2, 2), 114, 118, 126, 130);
    }
}
