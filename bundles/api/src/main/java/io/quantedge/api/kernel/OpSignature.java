package io.quantedge.api.kernel;

import io.quantedge.api.tensor.DataType;
import java.util.List;
import java.util.Objects;

/**
 * An operation a backend can compute, with the element types of its inputs in order: for example
 * {@code (KernelBackend.INT_GEMM, [UINT8, INT8])} for a uint8 x int8 product with int32
 * accumulation, or {@code (KernelBackend.MATMUL_NBITS, [FP32, UINT4])}. The op names are the
 * constants of {@link KernelBackend}, one per kernel interface.
 */
public record OpSignature(String op, List<DataType> inputTypes) {

    public OpSignature {
        Objects.requireNonNull(op, "op");
        inputTypes = List.copyOf(inputTypes);
    }

    public static OpSignature of(String op, DataType... inputTypes) {
        return new OpSignature(op, List.of(inputTypes));
    }

    @Override
    public String toString() {
        return op + inputTypes;
    }
}
