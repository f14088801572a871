package io.quantedge.conformance;

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

/** Seeded random inputs for a model's input specs; dynamic dimensions become {@code batch}. */
final class RandomInputs {

    private RandomInputs() {
    }

    static Map<String, Tensor> forSpecs(List<TensorSpec> specs, long seed, int batch) {
        return forSpecs(specs, seed, batch, Map.of());
    }

    /** As above; an input named in {@code ranges} gets uniform values in its [low, high]. */
    static Map<String, Tensor> forSpecs(List<TensorSpec> specs, long seed, int batch, Map<String, double[]> ranges) {
        Random random = new Random(seed);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : specs) {
            int[] dims = spec.dims().stream().mapToInt(d -> d == TensorSpec.DYNAMIC ? batch : d).toArray();
            double[] range = ranges.get(spec.name());
            inputs.put(spec.name(), range == null ? random(spec.type(), Shape.of(dims), random)
                    : uniform(spec.type(), Shape.of(dims), random, range[0], range[1]));
        }
        return inputs;
    }

    private static Tensor uniform(DataType type, Shape shape, Random random, double low, double high) {
        int n = Math.toIntExact(shape.elementCount());
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(type.byteSize(n))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double v = low + (high - low) * random.nextDouble();
            switch (type) {
                case FP32 -> data.putFloat((float) v);
                case INT32 -> data.putInt((int) Math.round(v));
                case INT64 -> data.putLong(Math.round(v));
                default -> throw new IllegalArgumentException("no ranged " + type + " inputs");
            }
        }
        data.flip();
        return Tensor.of(type, shape, data);
    }

    static Tensor random(DataType type, Shape shape, Random random) {
        int n = Math.toIntExact(shape.elementCount());
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(type.byteSize(n))).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FP32 -> data.putFloat((float) random.nextGaussian());
                case INT64 -> data.putLong(random.nextInt(3));
                case INT32 -> data.putInt(random.nextInt(200) - 100);
                case INT8, UINT8 -> data.put((byte) random.nextInt(256));
                case BOOL -> data.put((byte) random.nextInt(2));
                default -> throw new IllegalArgumentException("no random " + type + " inputs");
            }
        }
        data.flip();
        return Tensor.of(type, shape, data);
    }
}
