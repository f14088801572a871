package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertLongs;
import static io.quantedge.engine.ops.OpRunner.assertValue;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.iota;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.TestGraphs;
import io.quantedge.engine.Value;
import org.junit.jupiter.api.Test;

/** MaxPool's Indices output and 3-D pooling windows, against hand-worked windows. */
class PoolOpTest {

    @Test
    void indicesAreFlatPositionsInXRowMajorByDefault() throws ModelLoadException {
        // Two planes of 3 x 3 (values 0..17), 2 x 2 windows, stride 1: each window's max is its
        // bottom-right element, at flat index plane * 9 + (oh + 1) * 3 + (ow + 1).
        Value[] out = op("MaxPool", 12).ints("kernel_shape", 2, 2).in(iota(1, 2, 3, 3)).outputs(2).runAll();
        assertValue(out[0], shape(1, 2, 2, 2), 4, 5, 7, 8, 13, 14, 16, 17);
        assertEquals(DataType.INT64, out[1].type());
        assertLongs(out[1], shape(1, 2, 2, 2), 4, 5, 7, 8, 13, 14, 16, 17);
    }

    @Test
    void columnMajorIndicesCountDownColumnsFirst() throws ModelLoadException {
        // The max at row h, column w of a 3 x 3 plane sits at h + 3 w column-major.
        Value[] out = op("MaxPool", 12).ints("kernel_shape", 2, 2).attr("storage_order", 1L)
                .in(iota(1, 2, 3, 3)).outputs(2).runAll();
        assertLongs(out[1], shape(1, 2, 2, 2), 4, 7, 5, 8, 9 + 4, 9 + 7, 9 + 5, 9 + 8);
    }

    @Test
    void indicesSkipPaddingAndTakeTheFirstOfEqualMaxima() throws ModelLoadException {
        Value x = floats(shape(1, 1, 2, 2), 5, 5, 5, 1);
        Value[] out = op("MaxPool", 12).ints("kernel_shape", 2, 2).ints("pads", 1, 1, 1, 1).in(x).outputs(2).runAll();
        // Windows start at (-1, -1): the first holds only x[0][0]; ties go to the earliest element.
        assertValue(out[0], shape(1, 1, 3, 3), 5, 5, 5, 5, 5, 5, 5, 5, 1);
        assertLongs(out[1], shape(1, 1, 3, 3), 0, 0, 1, 0, 0, 1, 2, 2, 3);
    }

    @Test
    void indicesOfInt8MaxPool() throws ModelLoadException {
        Value x = IntegerElementwiseTest.typed(DataType.INT8, shape(1, 1, 1, 4), -3, -1, -128, 7);
        Value[] out = op("MaxPool", 12).ints("kernel_shape", 1, 2).in(x).outputs(2).runAll();
        assertLongs(out[0], shape(1, 1, 1, 3), -1, -1, 7);
        assertLongs(out[1], shape(1, 1, 1, 3), 1, 1, 3);
    }

    @Test
    void threeDimensionalWindows() throws ModelLoadException {
        // iota(1, 1, 2, 3, 3): element (d, h, w) holds 9 d + 3 h + w. 2 x 2 x 2 windows, stride 1.
        Value x = iota(1, 1, 2, 3, 3);
        Value[] max = op("MaxPool", 12).ints("kernel_shape", 2, 2, 2).in(x).outputs(2).runAll();
        assertValue(max[0], shape(1, 1, 1, 2, 2), 13, 14, 16, 17);
        assertLongs(max[1], shape(1, 1, 1, 2, 2), 13, 14, 16, 17);
        Value[] columns = op("MaxPool", 12).ints("kernel_shape", 2, 2, 2).attr("storage_order", 1L).in(x).outputs(2)
                .runAll();
        // Column-major in a 2 x 3 x 3 plane: d + 2 h + 6 w, with the max at (1, oh + 1, ow + 1).
        assertLongs(columns[1], shape(1, 1, 1, 2, 2), 1 + 2 + 6, 1 + 2 + 12, 1 + 4 + 6, 1 + 4 + 12);
        Value average = op("AveragePool", 11).ints("kernel_shape", 2, 2, 2).in(x).run();
        // The mean of a window is its corner 9 d + 3 h + w plus the mean offset (0 + 9) / 2 + (0 + 3) / 2 + 1 / 2.
        assertValue(average, shape(1, 1, 1, 2, 2), 6.5f, 7.5f, 9.5f, 10.5f);
    }

    @Test
    void threeDimensionalAveragePoolCountsExplicitPaddingOnlyWhenAsked() throws ModelLoadException {
        Value ones = floats(shape(1, 1, 1, 1, 2), 4, 8);
        OpRunner padded = op("AveragePool", 11).ints("kernel_shape", 2, 1, 2).ints("pads", 1, 0, 0, 0, 0, 0);
        // The one depth window covers the padding at d = -1 and the data at d = 0.
        Value excluded = padded.in(ones).run();
        assertValue(excluded, shape(1, 1, 1, 1, 1), 6);
        Value included = op("AveragePool", 11).ints("kernel_shape", 2, 1, 2).ints("pads", 1, 0, 0, 0, 0, 0)
                .attr("count_include_pad", 1L).in(ones).run();
        assertValue(included, shape(1, 1, 1, 1, 1), 3);
    }

    @Test
    void convolutionStillRefusesThreeDimensionalWindows() {
        ModelLoadException e = op("Conv", 11).kernels(TestGraphs.SCALAR).in(iota(1, 1, 2, 2, 2))
                .in(iota(1, 1, 1, 1, 1)).failure();
        assertEquals(Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("3-D windows are not supported (1-D and 2-D are)"), e.getMessage());
    }
}
