package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertLongs;
import static io.quantedge.engine.ops.OpRunner.assertValue;
import static io.quantedge.engine.ops.OpRunner.bools;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.ints;
import static io.quantedge.engine.ops.OpRunner.iota;
import static io.quantedge.engine.ops.OpRunner.longs;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Float16;
import io.quantedge.engine.Value;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {

    private static final float[] SAMPLES = {-5.5f, -2f, -1f, -0.25f, 0f, 0.3f, 0.5f, 1f, 2.5f, 3f, 7f};

    private static void assertUnary(String opType, DoubleUnaryOperator reference) throws ModelLoadException {
        assertUnary(op(opType, 13), reference);
    }

    private static void assertUnary(OpRunner runner, DoubleUnaryOperator reference) throws ModelLoadException {
        Value out = runner.in(floats(shape(SAMPLES.length), SAMPLES)).run();
        float[] expected = new float[SAMPLES.length];
        for (int i = 0; i < SAMPLES.length; i++) {
            expected[i] = (float) reference.applyAsDouble(SAMPLES[i]);
        }
        for (int i = 0; i < SAMPLES.length; i++) {
            float got = out.floats()[i];
            if (Float.isNaN(expected[i])) {
                assertTrue(Float.isNaN(got), "NaN expected at " + SAMPLES[i]);
            } else {
                assertEquals(expected[i], got, 1e-6 * Math.max(1, Math.abs(expected[i])), "at x=" + SAMPLES[i]);
            }
        }
    }

    @Test
    void activationsMatchTheirDefinitions() throws ModelLoadException {
        assertUnary("Relu", x -> Math.max(0, x));
        assertUnary("Sigmoid", x -> 1 / (1 + Math.exp(-x)));
        assertUnary("Tanh", Math::tanh);
        assertUnary("HardSwish", x -> x * Math.max(0, Math.min(1, x / 6 + 0.5)));
        assertUnary(op("LeakyRelu", 16), x -> x >= 0 ? x : 0.01 * x);
        assertUnary(op("LeakyRelu", 16).attr("alpha", 0.2f), x -> x >= 0 ? x : 0.2 * x);
        assertUnary(op("HardSigmoid", 6), x -> Math.max(0, Math.min(1, 0.2 * x + 0.5)));
        assertUnary(op("HardSigmoid", 6).attr("alpha", 0.5f).attr("beta", 0.25f),
                x -> Math.max(0, Math.min(1, 0.5 * x + 0.25)));
    }

    @Test
    void floatMathMatchesJavaLangMath() throws ModelLoadException {
        assertUnary("Sqrt", Math::sqrt);
        assertUnary("Exp", Math::exp);
        assertUnary("Log", Math::log);
        assertUnary("Neg", x -> -x);
        assertUnary("Abs", Math::abs);
        assertUnary("Reciprocal", x -> 1 / x);
        assertUnary("Floor", Math::floor);
        assertUnary("Ceil", Math::ceil);
    }

    @Test
    void erfIsAccurateToOneMillionth() {
        double worstAbsolute = 0;
        for (int i = -7000; i <= 7000; i++) {
            float x = i / 1000f;
            double expected = referenceErf(x);
            worstAbsolute = Math.max(worstAbsolute, Math.abs(Erf.erf(x) - expected));
        }
        assertTrue(worstAbsolute < 1e-6, "worst absolute error " + worstAbsolute);
        for (float x : new float[] {1e-6f, -3e-4f, 0.01f, 0.2f, 0.49f}) {
            double expected = referenceErf(x);
            assertEquals(expected, Erf.erf(x), Math.abs(expected) * 1e-6, "relative error at " + x);
        }
        assertEquals(0f, Erf.erf(0f));
        assertEquals(1f, Erf.erf(Float.POSITIVE_INFINITY));
        assertEquals(-1f, Erf.erf(-100f));
        assertTrue(Float.isNaN(Erf.erf(Float.NaN)));
    }

    @Test
    void erfOpRunsTheFunction() throws ModelLoadException {
        assertUnary("Erf", ElementwiseOpsTest::referenceErf);
    }

    /** erf by its Maclaurin series below 2.5 and by the continued fraction of erfc above. */
    private static double referenceErf(double x) {
        double a = Math.abs(x);
        double result;
        if (a < 2.5) {
            double term = a;
            double sum = a;
            for (int n = 1; n < 200; n++) {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double f = a;
            for (int k = 400; k >= 1; k--) {
                f = a + (k / 2.0) / f;
            }
            result = 1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * f);
        }
        return x < 0 ? -result : result;
    }

    @Test
    void unaryMathRefusesIntegers() {
        ModelLoadException e = op("Relu", 14).in(longs(shape(1), 1)).failure();
        assertEquals(Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("INT64"), e.getMessage());
    }

    @Test
    void addBroadcastsAcrossRanks() throws ModelLoadException {
        // [2,1,3] + [4,1] -> [2,4,3]
        Value a = iota(2, 1, 3);
        Value b = floats(shape(4, 1), 10, 20, 30, 40);
        Value out = op("Add", 14).in(a).in(b).run();
        float[] expected = new float[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) {
                    expected[(i * 4 + j) * 3 + k] = (i * 3 + k) + (j + 1) * 10;
                }
            }
        }
        assertValue(out, shape(2, 4, 3), expected);
    }

    @Test
    void arithmeticSameShapeScalarAndRowBroadcast() throws ModelLoadException {
        Value a = floats(shape(2, 2), 1, 2, 3, 4);
        assertValue(op("Sub", 14).in(a).in(floats(shape(2, 2), 4, 3, 2, 1)).run(), shape(2, 2), -3, -1, 1, 3);
        assertValue(op("Mul", 14).in(a).in(floats(shape(), 3)).run(), shape(2, 2), 3, 6, 9, 12);
        assertValue(op("Div", 14).in(floats(shape(), 12)).in(a).run(), shape(2, 2), 12, 6, 4, 3);
        assertValue(op("Sub", 7).in(a).in(floats(shape(2), 1, 10)).run(), shape(2, 2), 0, -8, 2, -6);
        assertValue(op("Add", 7).in(floats(shape(2, 1), 100, 200)).in(a).run(), shape(2, 2), 101, 102, 203, 204);
    }

    @Test
    void integerArithmeticAndTruncatingDivision() throws ModelLoadException {
        Value a = longs(shape(4), 7, -7, 7, -7);
        Value b = longs(shape(4), 2, 2, -2, -2);
        assertLongs(op("Div", 14).in(a).in(b).run(), shape(4), 3, -3, -3, 3);
        assertLongs(op("Mul", 14).in(a).in(longs(shape(), 3)).run(), shape(4), 21, -21, 21, -21);
        Value i = ints(shape(2), 9, -9);
        assertLongs(op("Div", 13).in(i).in(ints(shape(), 4)).run(), shape(2), 2, -2);
        assertLongs(op("Add", 13).in(i).in(ints(shape(1), 1)).run(), shape(2), 10, -8);
    }

    @Test
    void arithmeticRejectsIncompatibleShapesAndMixedTypes() {
        ModelLoadException shapes = op("Add", 14).in(iota(2, 3)).in(iota(4)).failure();
        assertEquals(Code.INVALID_GRAPH, shapes.code());
        assertTrue(shapes.getMessage().contains("[2, 3] and [4] cannot be broadcast"), shapes.getMessage());
        assertTrue(shapes.getMessage().contains("Add node 'n' (opset 14)"), shapes.getMessage());
        ModelLoadException types = op("Mul", 14).in(iota(2)).in(longs(shape(2), 1, 2)).failure();
        assertEquals(Code.INVALID_GRAPH, types.code());
    }

    @Test
    void powWithFloatAndIntegerExponents() throws ModelLoadException {
        Value base = floats(shape(2, 2), 1, 2, 3, 4);
        assertValue(op("Pow", 15).in(base).in(floats(shape(), 2)).run(), shape(2, 2), 1, 4, 9, 16);
        assertValue(op("Pow", 15).in(base).in(floats(shape(2), 0.5f, 3)).run(), shape(2, 2),
                1, 8, (float) Math.sqrt(3), 64);
        assertValue(op("Pow", 15).in(base).in(longs(shape(2, 1), 3, -1)).run(), shape(2, 2), 1, 8, 1 / 3f, 0.25f);
        Value int8Base = new Value(DataType.INT8, shape(1), new byte[] {2}, 0);
        assertEquals(Code.UNSUPPORTED, op("Pow", 15).in(int8Base).in(longs(shape(1), 2)).failure().code());
    }

    @Test
    void whereBroadcastsAllThreeInputs() throws ModelLoadException {
        Value condition = bools(shape(2, 1), 1, 0);
        Value x = floats(shape(3), 1, 2, 3);
        Value y = floats(shape(), -1);
        assertValue(op("Where", 16).in(condition).in(x).in(y).run(), shape(2, 3), 1, 2, 3, -1, -1, -1);
        Value out = op("Where", 16).in(bools(shape(3), 0, 1, 0)).in(longs(shape(), 5)).in(longs(shape(2, 1), 7, 8))
                .run();
        assertLongs(out, shape(2, 3), 7, 5, 7, 8, 5, 8);
        assertEquals(Code.UNSUPPORTED, op("Where", 16).in(iota(1)).in(iota(1)).in(iota(1)).failure().code());
    }

    @Test
    void comparisonsGiveBooleans() throws ModelLoadException {
        Value a = floats(shape(4), 1, 2, 3, Float.NaN);
        Value b = floats(shape(), 2);
        Value equal = op("Equal", 13).in(a).in(b).run();
        assertEquals(DataType.BOOL, equal.type());
        assertLongs(equal, shape(4), 0, 1, 0, 0);
        assertLongs(op("Less", 13).in(a).in(b).run(), shape(4), 1, 0, 0, 0);
        assertLongs(op("Greater", 13).in(a).in(b).run(), shape(4), 0, 0, 1, 0);
        assertLongs(op("LessOrEqual", 16).in(a).in(b).run(), shape(4), 1, 1, 0, 0);
        assertLongs(op("GreaterOrEqual", 16).in(a).in(b).run(), shape(4), 0, 1, 1, 0);
        Value big = longs(shape(2), Long.MAX_VALUE, Long.MAX_VALUE - 1);
        assertLongs(op("Equal", 13).in(big).in(longs(shape(1), Long.MAX_VALUE)).run(), shape(2), 1, 0);
        assertLongs(op("Equal", 13).in(bools(shape(2), 1, 0)).in(bools(shape(2), 1, 1)).run(), shape(2), 1, 0);
        assertLongs(op("Not", 1).in(bools(shape(3), 1, 0, 1)).run(), shape(3), 0, 1, 0);
    }

    @Test
    void castTruncatesSaturatesAndWraps() throws ModelLoadException {
        Value f = floats(shape(6), -2.7f, 2.7f, 300f, -300f, Float.NaN, 0.5f);
        assertLongs(op("Cast", 13).attr("to", 6L).in(f).run(), shape(6), -2, 2, 300, -300, 0, 0);
        assertLongs(op("Cast", 13).attr("to", 3L).in(f).run(), shape(6), -2, 2, 127, -128, 0, 0);
        assertLongs(op("Cast", 13).attr("to", 2L).in(f).run(), shape(6), 0, 2, 255, 0, 0, 0);
        assertLongs(op("Cast", 13).attr("to", 9L).in(f).run(), shape(6), 1, 1, 1, 1, 1, 1);
        Value wide = longs(shape(3), 1L << 32 | 5, -1, 70000);
        assertLongs(op("Cast", 13).attr("to", 6L).in(wide).run(), shape(3), 5, -1, 70000);
        assertLongs(op("Cast", 13).attr("to", 5L).in(wide).run(), shape(3), 5, -1, 70000 - 65536);
        assertValue(op("Cast", 13).attr("to", 1L).in(bools(shape(2), 1, 0)).run(), shape(2), 1, 0);
        assertValue(op("Cast", 13).attr("to", 1L).in(longs(shape(2), -3, 1 << 20)).run(), shape(2), -3, 1 << 20);
        Value half = op("Cast", 13).attr("to", 10L).in(floats(shape(2), 1.5f, 65504f)).run();
        assertEquals(DataType.FP16, half.type());
        assertEquals(1.5f, Float16.toFloat(half.shorts()[0]));
        assertValue(op("Cast", 13).attr("to", 1L).in(half).run(), shape(2), 1.5f, 65504f);
        assertEquals(Code.UNSUPPORTED, op("Cast", 13).attr("to", 11L).in(iota(1)).failure().code());
    }

    @Test
    void castFromFourBitWidensAndToFourBitSaturates() throws ModelLoadException {
        Value unsigned = new Value(DataType.UINT4, shape(4), new byte[] {0, 7, 8, 15}, 0);
        assertLongs(op("Cast", 21).attr("to", 6L).in(unsigned).run(), shape(4), 0, 7, 8, 15);
        assertValue(op("Cast", 21).attr("to", 1L).in(unsigned).run(), shape(4), 0, 7, 8, 15);
        Value signed = new Value(DataType.INT4, shape(3), new byte[] {-8, -1, 7}, 0);
        assertLongs(op("Cast", 21).attr("to", 7L).in(signed).run(), shape(3), -8, -1, 7);
        assertValue(op("Cast", 21).attr("to", 1L).in(signed).run(), shape(3), -8, -1, 7);
        Value f = floats(shape(6), -9.7f, -2.7f, 2.7f, 15.9f, 300f, Float.NaN);
        Value toSigned = op("Cast", 21).attr("to", 22L).in(f).run();
        assertEquals(DataType.INT4, toSigned.type());
        assertLongs(toSigned, shape(6), -8, -2, 2, 7, 7, 0);
        assertLongs(op("Cast", 21).attr("to", 21L).in(f).run(), shape(6), 0, 0, 2, 15, 15, 0);
        // Integers saturate too: a wrapped 20 would not be a 4-bit value.
        assertLongs(op("Cast", 21).attr("to", 21L).in(longs(shape(3), -1, 20, 9)).run(), shape(3), 0, 15, 9);
        assertLongs(op("Cast", 21).attr("to", 22L).in(longs(shape(3), -100, 20, -3)).run(), shape(3), -8, 7, -3);
    }

    @Test
    void clipTakesAttributesBeforeOpset11AndInputsAfter() throws ModelLoadException {
        Value x = floats(shape(5), -3, -1, 0, 1, 3);
        assertValue(op("Clip", 6).attr("min", -1f).attr("max", 2f).in(x).run(), shape(5), -1, -1, 0, 1, 2);
        assertValue(op("Clip", 6).attr("max", 0.5f).in(x).run(), shape(5), -3, -1, 0, 0.5f, 0.5f);
        assertValue(op("Clip", 13).in(x).in(floats(shape(), 0)).in(floats(shape(), 6)).run(), shape(5),
                0, 0, 0, 1, 3);
        assertValue(op("Clip", 13).in(x).omitted().runtime(floats(shape(), 1)).run(), shape(5), -3, -1, 0, 1, 1);
        assertValue(op("Clip", 13).in(x).in(floats(shape(), 2)).in(floats(shape(), 1)).run(), shape(5),
                1, 1, 1, 1, 1);
        assertLongs(op("Clip", 13).in(longs(shape(3), -5, 5, 50)).in(longs(shape(), 0)).in(longs(shape(), 10))
                .run(), shape(3), 0, 5, 10);
    }

    @Test
    void identityAndDropoutCopy() throws ModelLoadException {
        assertLongs(op("Identity", 16).in(longs(shape(2), 4, 5)).run(), shape(2), 4, 5);
        Value[] dropped = op("Dropout", 13).in(iota(2, 2)).outputs(2).runAll();
        assertValue(dropped[0], shape(2, 2), 0, 1, 2, 3);
        assertEquals(DataType.BOOL, dropped[1].type());
        assertLongs(dropped[1], shape(2, 2), 1, 1, 1, 1);
        Value[] old = op("Dropout", 7).attr("ratio", 0.3f).in(iota(2)).outputs(2).runAll();
        assertValue(old[1], shape(2), 1, 1);
        ModelLoadException training = op("Dropout", 13).in(iota(2)).in(floats(shape(), 0.5f))
                .in(bools(shape(), 1)).failure();
        assertEquals(Code.UNSUPPORTED, training.code());
    }
}
