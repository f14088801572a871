package io.quantedge.api.tensor;

import java.util.List;
import java.util.Objects;

/**
 * What a model input or output looks like before it is run: name, element type and dimensions,
 * where a dimension of {@link #DYNAMIC} is only known at run time (the batch, usually). For such a
 * dimension {@code dimNames} may carry its symbolic name (ONNX's {@code dim_param}); otherwise the
 * entry is the empty string.
 */
public record TensorSpec(String name, DataType type, List<Integer> dims, List<String> dimNames) {

    public static final int DYNAMIC = -1;

    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        dims = List.copyOf(dims);
        dimNames = List.copyOf(dimNames);
        if (dims.size() != dimNames.size()) {
            throw new IllegalArgumentException("dims and dimNames differ in length for " + name);
        }
        for (int d : dims) {
            if (d < DYNAMIC) {
                throw new IllegalArgumentException("invalid dimension " + d + " in " + name);
            }
        }
    }

    /** A spec with fixed dimensions. */
    public static TensorSpec of(String name, DataType type, int... dims) {
        List<Integer> list = java.util.Arrays.stream(dims).boxed().toList();
        return new TensorSpec(name, type, list, java.util.Collections.nCopies(dims.length, ""));
    }

    public int rank() {
        return dims.size();
    }

    public boolean isDynamic() {
        return dims.contains(DYNAMIC);
    }

    /** True when {@code shape} fits this spec: same rank, and equal on every fixed dimension. */
    public boolean accepts(Shape shape) {
        if (shape.rank() != dims.size()) {
            return false;
        }
        for (int i = 0; i < dims.size(); i++) {
            int d = dims.get(i);
            if (d != DYNAMIC && d != shape.dim(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append(": ").append(type).append('[');
        for (int i = 0; i < dims.size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            int d = dims.get(i);
            text.append(d != DYNAMIC ? Integer.toString(d) : dimNames.get(i).isEmpty() ? "?" : dimNames.get(i));
        }
        return text.append(']').toString();
    }
}
