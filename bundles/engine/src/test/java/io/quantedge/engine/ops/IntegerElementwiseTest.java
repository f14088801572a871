package io.quantedge.engine.ops;

import static io.quantedge.engine.ops.OpRunner.assertLongs;
import static io.quantedge.engine.ops.OpRunner.floats;
import static io.quantedge.engine.ops.OpRunner.ints;
import static io.quantedge.engine.ops.OpRunner.longs;
import static io.quantedge.engine.ops.OpRunner.op;
import static io.quantedge.engine.ops.OpRunner.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelLoadException.Code;
import io.quantedge.api.tensor.DataType;
import io.quantedge.engine.Value;
import java.math.BigInteger;
import java.util.List;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Integer element types in Add/Sub/Mul/Div, Neg/Abs, Clip and Pow. Expectations come from exact
 * (BigInteger) arithmetic reduced modulo 2^bits into the type's range, the definition of C's wrap.
 */
class IntegerElementwiseTest {

    private static final List<DataType> INTEGERS = List.of(DataType.INT8, DataType.UINT8, DataType.INT16,
            DataType.UINT16, DataType.INT32, DataType.INT64);

    /** A value of an integer type holding {@code values} (already in the type's range). */
    static Value typed(DataType type, int[] shape, long... values) {
        Value v = Value.allocate(type, shape);
        for (int i = 0; i < values.length; i++) {
            switch (type) {
                case INT64 -> v.longs()[i] = values[i];
                case INT32 -> v.ints()[i] = (int) values[i];
                case INT16, UINT16 -> v.shorts()[i] = (short) values[i];
                default -> v.bytes()[i] = (byte) values[i];
            }
        }
        return v;
    }

    private static int bits(DataType type) {
        return switch (type) {
            case INT8, UINT8 -> 8;
            case INT16, UINT16 -> 16;
            case INT32 -> 32;
            default -> 64;
        };
    }

    private static boolean unsigned(DataType type) {
        return type == DataType.UINT8 || type == DataType.UINT16;
    }

    /** {@code exact} reduced modulo 2^bits into the type's range. */
    private static long wrap(BigInteger exact, DataType type) {
        BigInteger modulus = BigInteger.ONE.shiftLeft(bits(type));
        BigInteger low = unsigned(type) ? BigInteger.ZERO : modulus.shiftRight(1).negate();
        return exact.subtract(low).mod(modulus).add(low).longValueExact();
    }

    /** Extreme and ordinary values of the type, and divisors (never zero) to pair with them. */
    private static long[] samples(DataType type) {
        if (unsigned(type)) {
            long max = (1L << bits(type)) - 1;
            return new long[] {0, 1, 7, 200 % (max + 1), max, max - 1};
        }
        long min = type == DataType.INT64 ? Long.MIN_VALUE : -(1L << (bits(type) - 1));
        long max = type == DataType.INT64 ? Long.MAX_VALUE : (1L << (bits(type) - 1)) - 1;
        return new long[] {min, max, -7, 7, -1, 100};
    }

    private static long[] divisors(DataType type) {
        return unsigned(type) ? new long[] {3, 2, 2, 7, 16, 1} : new long[] {-1, 2, 2, -2, 3, -3};
    }

    private static void assertArithmetic(String opType, DataType type, BinaryOperator<BigInteger> exact)
            throws ModelLoadException {
        long[] a = samples(type);
        long[] b = divisors(type);
        Value out = op(opType, 14).in(typed(type, shape(a.length), a)).in(typed(type, shape(b.length), b)).run();
        assertEquals(type, out.type());
        long[] expected = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            expected[i] = wrap(exact.apply(BigInteger.valueOf(a[i]), BigInteger.valueOf(b[i])), type);
        }
        assertLongs(out, shape(a.length), expected);
    }

    @Test
    void arithmeticWrapsOnEveryIntegerType() throws ModelLoadException {
        for (DataType type : INTEGERS) {
            assertArithmetic("Add", type, BigInteger::add);
            assertArithmetic("Sub", type, BigInteger::subtract);
            assertArithmetic("Mul", type, BigInteger::multiply);
            assertArithmetic("Div", type, BigInteger::divide); // BigInteger truncates toward zero, as C does
        }
    }

    @Test
    void narrowArithmeticBroadcasts() throws ModelLoadException {
        Value a = typed(DataType.UINT8, shape(2, 2), 250, 3, 128, 255);
        Value out = op("Add", 14).in(a).in(typed(DataType.UINT8, shape(2, 1), 10, 1)).run();
        assertLongs(out, shape(2, 2), 4, 13, 129, 0);
        Value signed = op("Mul", 14).in(typed(DataType.INT8, shape(3), 64, -64, 3))
                .in(typed(DataType.INT8, shape(), 2)).run();
        assertLongs(signed, shape(3), -128, -128, 6);
    }

    @Test
    void integerDivisionByZeroFailsTheRunNamingTheNode() {
        for (DataType type : INTEGERS) {
            ArithmeticException e = assertThrows(ArithmeticException.class, () -> op("Div", 14)
                    .in(typed(type, shape(2), 4, 5)).in(typed(type, shape(2), 1, 0)).run());
            assertTrue(e.getMessage().contains("Div node 'n'") && e.getMessage().contains("division by zero"),
                    e.getMessage());
        }
    }

    @Test
    void negAndAbsWrapOnSignedIntegers() throws ModelLoadException {
        for (DataType type : List.of(DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64)) {
            long[] x = samples(type);
            long[] neg = new long[x.length];
            long[] abs = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                neg[i] = wrap(BigInteger.valueOf(x[i]).negate(), type);
                abs[i] = wrap(BigInteger.valueOf(x[i]).abs(), type);
            }
            assertLongs(op("Neg", 13).in(typed(type, shape(x.length), x)).run(), shape(x.length), neg);
            assertLongs(op("Abs", 13).in(typed(type, shape(x.length), x)).run(), shape(x.length), abs);
        }
    }

    @Test
    void absKeepsUnsignedValuesAndNegRefusesThem() throws ModelLoadException {
        assertLongs(op("Abs", 13).in(typed(DataType.UINT8, shape(3), 0, 128, 255)).run(), shape(3), 0, 128, 255);
        assertLongs(op("Abs", 13).in(typed(DataType.UINT16, shape(2), 40000, 1)).run(), shape(2), 40000, 1);
        ModelLoadException e = op("Neg", 13).in(typed(DataType.UINT8, shape(1), 1)).failure();
        assertEquals(Code.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("UINT8"), e.getMessage());
    }

    @Test
    void clipOnEveryIntegerTypeWithOptionalBounds() throws ModelLoadException {
        for (DataType type : INTEGERS) {
            long[] x = samples(type);
            long lo = unsigned(type) ? 2 : -5;
            long hi = unsigned(type) ? 150 : 50;
            long[] both = new long[x.length];
            long[] onlyMin = new long[x.length];
            long[] onlyMax = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                both[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
                onlyMin[i] = Math.max(lo, x[i]);
                onlyMax[i] = Math.min(hi, x[i]);
            }
            Value in = typed(type, shape(x.length), x);
            Value min = typed(type, shape(), lo);
            Value max = typed(type, shape(), hi);
            assertLongs(op("Clip", 13).in(in).in(min).in(max).run(), shape(x.length), both);
            assertLongs(op("Clip", 13).in(in).in(min).run(), shape(x.length), onlyMin);
            assertLongs(op("Clip", 13).in(in).omitted().runtime(max).run(), shape(x.length), onlyMax);
            assertLongs(op("Clip", 13).in(in).run(), shape(x.length), x);
        }
    }

    @Test
    void clipWithMinAboveMaxGivesMax() throws ModelLoadException {
        Value x = typed(DataType.INT8, shape(3), -100, 0, 100);
        assertLongs(op("Clip", 13).in(x).in(typed(DataType.INT8, shape(), 10)).in(typed(DataType.INT8, shape(), 5))
                .run(), shape(3), 5, 5, 5);
    }

    @Test
    void powWithIntegerBaseKeepsTheBaseType() throws ModelLoadException {
        Value base = longs(shape(4), 1, 2, 3, -2);
        Value out = op("Pow", 15).in(base).in(longs(shape(4), 4, 5, 6, 3)).run();
        assertEquals(DataType.INT64, out.type());
        assertLongs(out, shape(4), 1, 32, 729, -8);
        Value int32 = op("Pow", 15).in(ints(shape(3), 1, 2, 3)).in(ints(shape(3), 4, 5, 6)).run();
        assertEquals(DataType.INT32, int32.type());
        assertLongs(int32, shape(3), 1, 32, 729);
    }

    @Test
    void powWithIntegerBaseAndFloatExponentTruncatesTowardZero() throws ModelLoadException {
        Value out = op("Pow", 15).in(ints(shape(4), 2, 10, 7, -8)).in(floats(shape(4), 0.5f, -1f, 1.5f, 2f)).run();
        // sqrt(2) = 1.41, 10^-1 = 0.1, 7^1.5 = 18.52, (-8)^2 = 64
        assertLongs(out, shape(4), 1, 0, 18, 64);
        Value broadcast = op("Pow", 12).in(longs(shape(2, 1), 3, 4)).in(floats(shape(2), 2, 0.5f)).run();
        assertLongs(broadcast, shape(2, 2), 9, 1, 16, 2);
    }

    @Test
    void integerPowWrapsOnOverflowAndTruncatesNegativeExponents() throws ModelLoadException {
        BigInteger three41 = BigInteger.valueOf(3).pow(41);
        Value out = op("Pow", 15).in(longs(shape(5), 3, 2, 1, -1, 5)).in(longs(shape(5), 41, -1, -3, -3, 0)).run();
        assertLongs(out, shape(5), wrap(three41, DataType.INT64), 0, 1, -1, 1);
        Value int32 = op("Pow", 15).in(ints(shape(1), 3)).in(ints(shape(1), 21)).run();
        assertLongs(int32, shape(1), wrap(BigInteger.valueOf(3).pow(21), DataType.INT32));
    }
}
