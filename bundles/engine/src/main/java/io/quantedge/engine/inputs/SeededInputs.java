package io.quantedge.engine.inputs;

import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Repeatable inputs for measuring and smoke-testing a model: Gaussian floats, small non-negative
 * integers, dynamic dimensions 1.
 */
public final class SeededInputs {

    private SeededInputs() {
    }

    public static Map<String, Tensor> forSpecs(List<TensorSpec> specs, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : specs) {
            int[] dims = spec.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? 1 : d).toArray();
            Shape shape = Shape.of(dims);
            int n = Math.toIntExact(shape.elementCount());
            DataType type = spec.type();
            ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(type.byteSize(n))).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                switch (type) {
                    case FP32 -> data.putFloat((float) random.nextGaussian());
                    case INT64 -> data.putLong(random.nextInt(2));
                    case INT32 -> data.putInt(random.nextInt(2));
                    case INT8, UINT8, BOOL -> data.put((byte) random.nextInt(2));
                    default -> throw new IllegalArgumentException("no seeded " + type + " input for '" + spec.name() + "'");
                }
            }
            data.flip();
            inputs.put(spec.name(), Tensor.of(type, shape, data));
        }
        return inputs;
    }
}
