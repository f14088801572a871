package io.quantedge.api.kernel;

import io.quantedge.api.tensor.DataType;
import java.util.List;
import java.util.Objects;

/**
 * An operation a backend can compute, with the element types of its inputs in order: for example
 * {@code ("MatMul", [INT8, INT8])} for an int8 x int8 product with int32 accumulation, or
 * {@code ("MatMulNBits", [FP32, UINT4])}. The op names the engine's kernels, which are usually,
 * but not always, ONNX op types (a fused QDQ pattern is one kernel).
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
