package io.quantedge.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** ONNX Runtime, the oracle: one thread, default optimisation, float inputs and first output. */
final class OrtRunner implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtRunner(Path model) throws Exception {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = environment.createSession(model.toString(), options);
    }

    Tensor run(String input, Tensor value) throws Exception {
        long[] shape = Arrays.stream(value.shape().dims()).asLongStream().toArray();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(value.toFloatArray()), shape);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            int[] dims = Arrays.stream(out.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
            FloatBuffer floats = out.getFloatBuffer();
            float[] copy = new float[floats.remaining()];
            floats.get(copy);
            return Tensor.ofFloats(Shape.of(dims), copy);
        }
    }

    /**
     * The model's first output for each sample run alone (batch 1), concatenated: how a model with
     * DynamicQuantizeLinear must be compared, since its quantization range is the whole input's.
     */
    static float[] oneAtATime(Path model, String input, Tensor samples) throws Exception {
        int count = Batches.count(samples);
        float[] all = null;
        try (OrtRunner runner = new OrtRunner(model)) {
            for (int i = 0; i < count; i++) {
                float[] one = runner.run(input, Batches.slice(samples, i, 1)).toFloatArray();
                if (all == null) {
                    all = new float[one.length * count];
                }
                System.arraycopy(one, 0, all, i * one.length, one.length);
            }
        }
        return all;
    }

    @Override
    public void close() throws Exception {
        session.close();
    }
}
