package io.quantedge.engine;

import io.quantedge.api.tensor.DataType;
import java.util.Arrays;

/** Element type and concrete shape of a value, as the planner knows it before running. */
public record TensorType(DataType type, int[] shape) {

    public int size() {
        return Value.elementCount(shape);
    }

    public int rank() {
        return shape.length;
    }

    public long bytes() {
        return (long) size() * Storage.of(type).bytesPerElement();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TensorType t && t.type == type && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return type + Arrays.toString(shape);
    }
}
