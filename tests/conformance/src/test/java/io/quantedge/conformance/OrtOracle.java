package io.quantedge.conformance;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime as the reference: one thread, default (full) graph optimisation, as users run it,
 * with one exception: ORT rewrites DequantizeLinear(int4 blocked) -> MatMul into MatMulNBits and by
 * default computes it with int8-quantized activations (accuracy level 4), an approximation.
 * QuantEdge computes the exact dequantized product, so the oracle is asked for its FP32 path.
 */
final class OrtOracle implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtOracle(Path model) throws OrtException {
        this(model, true);
    }

    /** With {@code optimised} false, ONNX Runtime runs the graph as written (no fusion, no rewrites). */
    OrtOracle(Path model, boolean optimised) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        if (!optimised) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        }
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.qdq_matmulnbits_accuracy_level", "1");
        session = environment.createSession(model.toString(), options);
    }

    Map<String, Tensor> run(Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> ortInputs = new HashMap<>();
        try {
            for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
                ortInputs.put(input.getKey(), toOrt(input.getValue()));
            }
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(ortInputs)) {
                for (Map.Entry<String, OnnxValue> output : result) {
                    outputs.put(output.getKey(), fromOrt((OnnxTensor) output.getValue()));
                }
            }
            return outputs;
        } finally {
            ortInputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor toOrt(Tensor tensor) throws OrtException {
        long[] shape = Arrays.stream(tensor.shape().dims()).asLongStream().toArray();
        ByteBuffer data = ByteBuffer.allocateDirect(tensor.data().remaining()).order(ByteOrder.nativeOrder());
        data.put(tensor.data()).flip();
        return OnnxTensor.createTensor(environment, data, shape, javaType(tensor.type()));
    }

    private static OnnxJavaType javaType(DataType type) {
        return switch (type) {
            case FP32 -> OnnxJavaType.FLOAT;
            case FP16 -> OnnxJavaType.FLOAT16;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT16 -> OnnxJavaType.INT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException("no ONNX Runtime Java type for " + type);
        };
    }

    private static Tensor fromOrt(OnnxTensor tensor) {
        int[] shape = Arrays.stream(tensor.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
        DataType type = switch (tensor.getInfo().type) {
            case FLOAT -> DataType.FP32;
            case FLOAT16 -> DataType.FP16;
            case INT64 -> DataType.INT64;
            case INT32 -> DataType.INT32;
            case INT16 -> DataType.INT16;
            case INT8 -> DataType.INT8;
            case UINT8 -> DataType.UINT8;
            case BOOL -> DataType.BOOL;
            default -> throw new IllegalArgumentException("unexpected ONNX Runtime output type " + tensor.getInfo().type);
        };
        ByteBuffer data = tensor.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        return Tensor.of(type, Shape.of(shape), data);
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
