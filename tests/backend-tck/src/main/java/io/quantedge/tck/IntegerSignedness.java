package io.quantedge.tck;

import io.quantedge.api.kernel.KernelBackend;
import io.quantedge.api.kernel.OpSignature;
import io.quantedge.api.tensor.DataType;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The operand types of an integer kernel: A and B (a depthwise convolution's image and filters) each
 * int8 ({@code signed}) or uint8.
 */
record IntegerSignedness(boolean aSigned, boolean bSigned) {

    static final List<IntegerSignedness> ALL = List.of(new IntegerSignedness(false, true),
            new IntegerSignedness(false, false), new IntegerSignedness(true, true), new IntegerSignedness(true, false));

    /** The signedness an {@code INT_GEMM} signature names, if it names two 8-bit operands. */
    static Optional<IntegerSignedness> of(OpSignature op) {
        return of(KernelBackend.INT_GEMM, op);
    }

    /** The signedness a signature of operation {@code opName} names, if it names two 8-bit operands. */
    static Optional<IntegerSignedness> of(String opName, OpSignature op) {
        List<DataType> types = op.inputTypes();
        if (!opName.equals(op.op()) || types.size() != 2 || !isEightBit(types.get(0))
                || !isEightBit(types.get(1))) {
            return Optional.empty();
        }
        return Optional.of(new IntegerSignedness(types.get(0) == DataType.INT8, types.get(1) == DataType.INT8));
    }

    private static boolean isEightBit(DataType type) {
        return type == DataType.INT8 || type == DataType.UINT8;
    }

    static int low(boolean signed) {
        return signed ? -128 : 0;
    }

    static int high(boolean signed) {
        return signed ? 127 : 255;
    }

    /** Values at both ends and the middle: where int16 pair sums and zero-point corrections overflow. */
    static int[] ends(boolean signed) {
        return signed ? new int[] {-128, -1, 0, 127} : new int[] {0, 1, 128, 255};
    }

    static int randomValue(Random random, boolean signed) {
        return random.nextInt(256) + low(signed);
    }

    static String typeName(boolean signed) {
        return signed ? "int8" : "uint8";
    }

    @Override
    public String toString() {
        return typeName(aSigned) + " x " + typeName(bSigned);
    }
}
