package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertLongs;
import static io.quantedge.engine.ops.OpRunner.assertValue;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.ints;
import static io.quantedge.engine.ops.OpRunner.iota;
import static io.quantedge.engine.ops.OpRunner.longs;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.scalar;
import static io.quantedge.engine.ops.OpRunner.shape;
import static io.quantedge.engine.ops.OpRunner.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.graph.Attribute;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.TensorType;
import io.quantedge.engine.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorOpsTest {

    @Test
    void shapeAndSizeReadOnlyTheShape() throws ModelLoadException {
        Value x = iota(2, 3, 4);
        assertLongs(op("Shape", 13).in(x).run(), shape(3), 2, 3, 4);
        assertLongs(op("Shape", 15).attr("start", -2L).in(x).run(), shape(2), 3, 4);
        assertLongs(op("Shape", 15).attr("start", 1L).attr("end", -1L).in(x).run(), shape(1), 3);
        assertLongs(op("Shape", 15).attr("start", -10L).attr("end", 10L).in(x).run(), shape(3), 2, 3, 4);
        assertLongs(op("Shape", 15).attr("start", 2L).attr("end", 1L).in(x).run(), shape(0));
        assertLongs(op("Shape", 13).attr("start", 1L).in(x).run(), shape(3), 2, 3, 4); // no window before 15
        assertLongs(op("Size", 13).in(x).run(), shape(), 24);
        assertTrue(op("Shape", 15).in(x).create().readsOnlyShapes());
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() throws ModelLoadException {
        Value x = iota(2, 3, 4);
        assertValue(op("Reshape", 14).in(x).in(vector(0, -1)).run(), shape(2, 12), iota(24).floats());
        assertEquals(List.of(new TensorType(DataType.FP32, shape(4, 3, 2))),
                op("Reshape", 13).in(x).in(vector(4, 0, -1)).infer());
        assertEquals(List.of(new TensorType(DataType.FP32, shape(0, 5))),
                op("Reshape", 14).attr("allowzero", 1L).in(iota(0, 5)).in(vector(0, 5)).infer());
        ModelLoadException twice = op("Reshape", 14).in(x).in(vector(-1, -1)).failure();
        assertEquals(Code.INVALID_GRAPH, twice.code());
        assertTrue(twice.getMessage().contains("more than one -1"), twice.getMessage());
        ModelLoadException size = op("Reshape", 14).in(x).in(vector(5, -1)).failure();
        assertTrue(size.getMessage().contains("cannot infer"), size.getMessage());
        ModelLoadException unknown = op("Reshape", 14).in(x).runtime(vector(6, 4)).failure();
        assertEquals(Code.INVALID_GRAPH, unknown.code());
        assertTrue(unknown.getMessage().contains("must be known before running"), unknown.getMessage());
    }

    @Test
    void flattenAtPositiveNegativeAndEdgeAxes() throws ModelLoadException {
        Value x = iota(2, 3, 4);
        assertArrayEquals(shape(2, 12), op("Flatten", 13).in(x).run().shape());
        assertArrayEquals(shape(6, 4), op("Flatten", 13).attr("axis", -1L).in(x).run().shape());
        assertArrayEquals(shape(1, 24), op("Flatten", 13).attr("axis", 0L).in(x).run().shape());
        assertArrayEquals(shape(24, 1), op("Flatten", 13).attr("axis", 3L).in(x).run().shape());
        assertEquals(Code.INVALID_GRAPH, op("Flatten", 13).attr("axis", 4L).in(x).failure().code());
        assertValue(op("Flatten", 9).in(x).run(), shape(2, 12), iota(24).floats());
    }

    @Test
    void squeezeAndUnsqueezeTakeAxesAsAttributeThenInput() throws ModelLoadException {
        Value x = iota(1, 3, 1, 2);
        assertArrayEquals(shape(3, 2), op("Squeeze", 11).in(x).run().shape());
        assertArrayEquals(shape(3, 1, 2), op("Squeeze", 11).ints("axes", 0).in(x).run().shape());
        assertArrayEquals(shape(1, 3, 2), op("Squeeze", 13).in(x).in(vector(-2)).run().shape());
        assertArrayEquals(shape(3, 2), op("Squeeze", 13).in(x).run().shape());
        ModelLoadException notOne = op("Squeeze", 13).in(x).in(vector(1)).failure();
        assertTrue(notOne.getMessage().contains("its extent is 3"), notOne.getMessage());
        Value y = iota(3, 2);
        assertArrayEquals(shape(1, 3, 2, 1), op("Unsqueeze", 11).ints("axes", 0, 3).in(y).run().shape());
        assertArrayEquals(shape(3, 2, 1), op("Unsqueeze", 13).in(y).in(vector(-1)).run().shape());
        assertArrayEquals(shape(3, 1, 1, 2), op("Unsqueeze", 13).in(y).in(vector(1, -2)).run().shape());
        assertValue(op("Unsqueeze", 13).in(y).in(vector(0)).run(), shape(1, 3, 2), 0, 1, 2, 3, 4, 5);
        assertEquals(Code.MALFORMED, op("Unsqueeze", 11).in(y).failure().code());
        assertEquals(Code.INVALID_GRAPH, op("Unsqueeze", 13).in(y).runtime(vector(0)).failure().code());
    }

    @Test
    void transposeReversesByDefaultAndFollowsPerm() throws ModelLoadException {
        Value x = iota(2, 3);
        assertValue(op("Transpose", 13).in(x).run(), shape(3, 2), 0, 3, 1, 4, 2, 5);
        Value y = iota(2, 3, 4);
        Value t = op("Transpose", 13).ints("perm", 1, 2, 0).in(y).run();
        assertArrayEquals(shape(3, 4, 2), t.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(k * 12 + i * 4 + j, t.floats()[(i * 4 + j) * 2 + k]);
                }
            }
        }
        assertLongs(op("Transpose", 13).in(longs(shape(2, 2), 1, 2, 3, 4)).run(), shape(2, 2), 1, 3, 2, 4);
        assertEquals(Code.INVALID_GRAPH, op("Transpose", 13).ints("perm", 0).in(x).failure().code());
    }

    @Test
    void concatAlongNegativeAxisForAnyType() throws ModelLoadException {
        Value a = iota(2, 2);
        Value b = floats(shape(2, 1), 9, 8);
        assertValue(op("Concat", 13).attr("axis", -1L).in(a).in(b).run(), shape(2, 3), 0, 1, 9, 2, 3, 8);
        assertLongs(op("Concat", 13).attr("axis", 0L).in(vector(1, 2)).in(vector()).in(vector(3)).run(),
                shape(3), 1, 2, 3);
        ModelLoadException mismatch = op("Concat", 13).attr("axis", 0L).in(a).in(b).failure();
        assertEquals(Code.INVALID_GRAPH, mismatch.code());
        assertEquals(Code.MALFORMED, op("Concat", 13).in(a).failure().code());
    }

    @Test
    void splitEquallyByAttributeByInputAndByNumOutputs() throws ModelLoadException {
        Value x = iota(2, 6);
        Value[] equal = op("Split", 13).attr("axis", 1L).in(x).outputs(3).runAll();
        assertValue(equal[2], shape(2, 2), 4, 5, 10, 11);
        Value[] attr = op("Split", 11).attr("axis", -1L).ints("split", 1, 5).in(x).outputs(2).runAll();
        assertValue(attr[0], shape(2, 1), 0, 6);
        assertValue(attr[1], shape(2, 5), 1, 2, 3, 4, 5, 7, 8, 9, 10, 11);
        Value[] input = op("Split", 13).in(x).in(vector(2, 0)).outputs(2).runAll();
        assertValue(input[0], shape(2, 6), iota(12).floats());
        assertArrayEquals(shape(0, 6), input[1].shape());
        Value[] uneven = op("Split", 18).attr("axis", 1L).attr("num_outputs", 4L).in(x).outputs(4).runAll();
        assertValue(uneven[0], shape(2, 2), 0, 1, 6, 7);
        assertValue(uneven[3], shape(2, 0));
        assertEquals(Code.INVALID_GRAPH, op("Split", 13).attr("axis", 1L).in(x).outputs(4).failure().code());
        assertEquals(Code.INVALID_GRAPH, op("Split", 13).in(x).in(vector(1, 2)).outputs(2).failure().code());
    }

    @Test
    void sliceWithAttributesBeforeOpset10() throws ModelLoadException {
        Value x = iota(3, 4);
        assertValue(op("Slice", 9).ints("starts", 1, 1).ints("ends", 3, 100).in(x).run(), shape(2, 3),
                5, 6, 7, 9, 10, 11);
        assertValue(op("Slice", 9).ints("starts", -1).ints("ends", 4).ints("axes", 1).in(x).run(), shape(3, 1),
                3, 7, 11);
    }

    @Test
    void sliceWithNegativeIndicesStepsAndClamping() throws ModelLoadException {
        Value x = iota(10);
        assertValue(op("Slice", 13).in(x).in(vector(-1)).in(vector(Long.MIN_VALUE)).in(vector(0)).in(vector(-1))
                .run(), shape(10), 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        assertValue(op("Slice", 13).in(x).in(vector(8)).in(vector(1)).omitted().in(vector(-3)).run(), shape(3),
                8, 5, 2);
        assertValue(op("Slice", 13).in(x).in(vector(1)).in(vector(Long.MAX_VALUE)).omitted().in(vector(4)).run(),
                shape(3), 1, 5, 9);
        assertValue(op("Slice", 13).in(x).in(vector(20)).in(vector(-20)).in(vector(0)).in(vector(-2)).run(),
                shape(5), 9, 7, 5, 3, 1);
        assertValue(op("Slice", 13).in(x).in(vector(5)).in(vector(2)).run(), shape(0));
        Value y = iota(2, 3, 4);
        Value s = op("Slice", 13).in(y).in(vector(-1, 0)).in(vector(-4, 3)).in(vector(2, 1)).in(vector(-2, 2))
                .run();
        assertValue(s, shape(2, 2, 2), 3, 1, 11, 9, 15, 13, 23, 21);
        ModelLoadException zero = op("Slice", 13).in(x).in(vector(0)).in(vector(3)).in(vector(0)).in(vector(0))
                .failure();
        assertTrue(zero.getMessage().contains("step 0"), zero.getMessage());
        assertEquals(Code.INVALID_GRAPH, op("Slice", 13).in(x).runtime(vector(0)).in(vector(3)).failure().code());
    }

    @Test
    void gatherWithNegativeAndMultiDimensionalIndices() throws ModelLoadException {
        Value data = iota(3, 2);
        assertValue(op("Gather", 13).in(data).in(ints(shape(2), -1, 0)).run(), shape(2, 2), 4, 5, 0, 1);
        assertValue(op("Gather", 13).attr("axis", 1L).in(data).in(longs(shape(2, 2), 1, 0, 0, -1)).run(),
                shape(3, 2, 2), 1, 0, 0, 1, 3, 2, 2, 3, 5, 4, 4, 5);
        assertLongs(op("Gather", 13).in(vector(7, 8, 9)).in(scalar(1)).run(), shape(), 8);
        ModelLoadException range = op("Gather", 13).in(data).in(scalar(3)).failure();
        assertTrue(range.getMessage().contains("out of range"), range.getMessage());
        assertEquals(Code.UNSUPPORTED, op("Gather", 13).in(data).in(iota(1)).failure().code());
    }

    @Test
    void expandBroadcastsBothWaysAndTileRepeats() throws ModelLoadException {
        Value x = floats(shape(2, 1), 1, 2);
        assertValue(op("Expand", 13).in(x).in(vector(2, 3)).run(), shape(2, 3), 1, 1, 1, 2, 2, 2);
        assertValue(op("Expand", 13).in(x).in(vector(2, 1, 1)).run(), shape(2, 2, 1), 1, 2, 1, 2);
        assertEquals(Code.INVALID_GRAPH, op("Expand", 13).in(x).in(vector(3, 1)).failure().code());
        Value y = iota(2, 2);
        assertValue(op("Tile", 13).in(y).in(vector(2, 2)).run(), shape(4, 4),
                0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3);
        assertLongs(op("Tile", 13).in(vector(1, 2)).in(vector(3)).run(), shape(6), 1, 2, 1, 2, 1, 2);
    }

    @Test
    void constantsFromEveryAttributeForm() throws ModelLoadException {
        assertLongs(op("Constant", 13).ints("value_ints", 1, 2).run(), shape(2), 1, 2);
        assertLongs(op("Constant", 13).attr("value_int", 5L).run(), shape(), 5);
        assertValue(op("Constant", 13).attr("value_float", 1.5f).run(), shape(), 1.5f);
        assertValue(op("Constant", 13).attr("value_floats", Attribute.ofFloats(1f, 2f)).run(), shape(2), 1, 2);
        Tensor tensor = Tensor.ofFloats(Shape.of(2, 1), 3f, 4f);
        assertValue(op("Constant", 13).attr("value", Attribute.ofTensor(tensor)).run(), shape(2, 1), 3, 4);
        assertEquals(Code.UNSUPPORTED, op("Constant", 13).attr("value_string", "x").failure().code());
        assertEquals(Code.MALFORMED, op("Constant", 13).failure().code());
    }

    @Test
    void constantOfShapeAndRange() throws ModelLoadException {
        assertValue(op("ConstantOfShape", 9).in(vector(2, 2)).run(), shape(2, 2), 0, 0, 0, 0);
        Tensor seven = Tensor.ofLongs(Shape.of(1), 7);
        assertLongs(op("ConstantOfShape", 9).attr("value", Attribute.ofTensor(seven)).in(vector(3)).run(),
                shape(3), 7, 7, 7);
        assertEquals(Code.INVALID_GRAPH, op("ConstantOfShape", 9).runtime(vector(3)).failure().code());
        assertLongs(op("Range", 11).in(scalar(10)).in(scalar(1)).in(scalar(-3)).run(), shape(3), 10, 7, 4);
        assertValue(op("Range", 11).in(floats(shape(), 0)).in(floats(shape(), 1)).in(floats(shape(), 0.25f)).run(),
                shape(4), 0, 0.25f, 0.5f, 0.75f);
        assertLongs(op("Range", 11).in(scalar(0)).in(scalar(0)).in(scalar(1)).run(), shape(0));
    }

    @Test
    void padConstantReflectEdgeAndCrop() throws ModelLoadException {
        Value x = floats(shape(2, 3), 1, 2, 3, 4, 5, 6);
        assertValue(op("Pad", 13).in(x).in(vector(0, 1, 1, 0)).in(floats(shape(), 9)).run(), shape(3, 4),
                9, 1, 2, 3, 9, 4, 5, 6, 9, 9, 9, 9);
        assertValue(op("Pad", 13).attr("mode", "reflect").in(x).in(vector(0, 2, 0, 1)).run(), shape(2, 6),
                3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5);
        assertValue(op("Pad", 13).attr("mode", "edge").in(x).in(vector(1, 1, 0, 0)).run(), shape(3, 4),
                1, 1, 2, 3, 1, 1, 2, 3, 4, 4, 5, 6);
        assertValue(op("Pad", 13).in(x).in(vector(0, -1, -1, 1)).run(), shape(1, 3), 2, 3, 0);
        assertValue(op("Pad", 2).ints("pads", 1, 0, 0, 0).attr("value", 7f).in(x).run(), shape(3, 3),
                7, 7, 7, 1, 2, 3, 4, 5, 6);
        assertValue(op("Pad", 18).in(x).in(vector(1, 1)).omitted().in(vector(-1)).run(), shape(2, 5),
                0, 1, 2, 3, 0, 0, 4, 5, 6, 0);
        assertValue(op("Pad", 19).attr("mode", "wrap").in(x).in(vector(0, 1, 0, 1)).run(), shape(2, 5),
                3, 1, 2, 3, 1, 6, 4, 5, 6, 4);
        assertLongs(op("Pad", 13).in(vector(1, 2)).in(vector(1, 1)).in(scalar(-1)).run(), shape(4), -1, 1, 2, -1);
        assertEquals(Code.UNSUPPORTED, op("Pad", 13).attr("mode", "mirror").in(x).in(vector(0, 0, 0, 0))
                .failure().code());
        assertEquals(Code.INVALID_GRAPH, op("Pad", 13).in(x).in(vector(0, 1)).failure().code());
    }

    private static final Value SQUARE = floats(shape(1, 1, 2, 2), 1, 2, 3, 4);

    @Test
    void resizeLinearHalfPixelMatchesBilinearWithoutAlignedCorners() throws ModelLoadException {
        Value out = op("Resize", 13).attr("mode", "linear").in(SQUARE).omitted()
                .in(floats(shape(4), 1, 1, 2, 2)).run();
        assertValue(out, shape(1, 1, 4, 4),
                1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4);
        Value sized = op("Resize", 13).attr("mode", "linear").attr("coordinate_transformation_mode", "pytorch_half_pixel")
                .in(SQUARE).omitted().omitted().in(vector(1, 1, 4, 4)).run();
        assertValue(sized, shape(1, 1, 4, 4), out.floats());
    }

    @Test
    void resizeLinearAlignCornersAndAsymmetric() throws ModelLoadException {
        Value corners = op("Resize", 11).attr("mode", "linear").attr("coordinate_transformation_mode", "align_corners")
                .in(SQUARE).in(floats(shape(0))).in(floats(shape(0))).in(vector(1, 1, 3, 3)).run();
        assertValue(corners, shape(1, 1, 3, 3), 1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4);
        Value asymmetric = op("Resize", 13).attr("mode", "linear").attr("coordinate_transformation_mode", "asymmetric")
                .in(SQUARE).omitted().in(floats(shape(4), 1, 1, 1, 2)).run();
        assertValue(asymmetric, shape(1, 1, 2, 4), 1, 1.5f, 2, 2, 3, 3.5f, 4, 4);
    }

    @Test
    void resizeNearestModes() throws ModelLoadException {
        Value line = floats(shape(4), 1, 2, 3, 4);
        Value half = floats(shape(1), 0.5f);
        assertValue(op("Resize", 13).in(line).omitted().in(half).run(), shape(2), 1, 3);
        assertValue(op("Resize", 13).attr("nearest_mode", "round_prefer_ceil").in(line).omitted().in(half).run(),
                shape(2), 2, 4);
        Value three = floats(shape(3), 1, 2, 3);
        assertValue(op("Resize", 13).attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "floor")
                .in(three).omitted().in(floats(shape(1), 2)).run(), shape(6), 1, 1, 2, 2, 3, 3);
        assertValue(op("Resize", 13).attr("coordinate_transformation_mode", "asymmetric").attr("nearest_mode", "ceil")
                .in(three).omitted().in(floats(shape(1), 2)).run(), shape(6), 1, 2, 2, 3, 3, 3);
        Value ids = longs(shape(2), 5, 6);
        assertLongs(op("Resize", 13).in(ids).omitted().omitted().in(vector(4)).run(), shape(4), 5, 5, 6, 6);
        assertValue(op("Resize", 18).ints("axes", 1).in(iota(2, 2)).omitted().in(floats(shape(1), 2)).run(),
                shape(2, 4), 0, 0, 1, 1, 2, 2, 3, 3);
    }

    @Test
    void resizeBeforeOpset11AndUpsample() throws ModelLoadException {
        Value line = floats(shape(4), 1, 2, 3, 4);
        assertValue(op("Resize", 10).in(line).in(floats(shape(1), 0.5f)).run(), shape(2), 1, 3);
        assertValue(op("Resize", 10).in(floats(shape(2), 1, 2)).in(floats(shape(1), 2)).run(), shape(4), 1, 1, 2, 2);
        assertValue(op("Resize", 10).attr("mode", "linear").in(floats(shape(2), 1, 2)).in(floats(shape(1), 2)).run(),
                shape(4), 1, 1.5f, 2, 2);
        Value up = op("Upsample", 9).in(SQUARE).in(floats(shape(4), 1, 1, 2, 2)).run();
        assertValue(up, shape(1, 1, 4, 4), 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
        Value old = op("Upsample", 7).attr("scales", Attribute.ofFloats(1, 1, 1, 2)).in(SQUARE).run();
        assertValue(old, shape(1, 1, 2, 4), 1, 1, 2, 2, 3, 3, 4, 4);
    }

    @Test
    void resizeRefusesWhatItDoesNotImplement() {
        ModelLoadException crop = op("Resize", 13).attr("coordinate_transformation_mode", "tf_crop_and_resize")
                .in(longs(shape(2), 5, 6)).runtime(floats(shape(2), 0, 1)).omitted().in(vector(3)).failure();
        assertEquals(Code.UNSUPPORTED, crop.code());
        assertTrue(crop.getMessage().contains("tf_crop_and_resize"), crop.getMessage());
        assertEquals(Code.MALFORMED, assertThrowsCreate(op("Resize", 13).attr("mode", "quadratic")).code());
        assertEquals(Code.UNSUPPORTED, assertThrowsCreate(op("Resize", 18).attr("antialias", 1L)).code());
        assertEquals(Code.INVALID_GRAPH, op("Resize", 13).in(SQUARE).omitted().runtime(floats(shape(4), 1, 1, 2, 2))
                .failure().code());
    }

    private static ModelLoadException assertThrowsCreate(OpRunner runner) {
        return org.junit.jupiter.api.Assertions.assertThrows(ModelLoadException.class, runner::create);
    }
}
