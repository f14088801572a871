package io.quantedge.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.quantedge.api.model.Model;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.engine.Engine;
import io.quantedge.engine.KernelRegistry;
import io.quantedge.onnx.OnnxModelLoader;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One model ready to run, in QuantEdge or in ONNX Runtime, on one fixed input. */
interface Runtimes extends AutoCloseable {

    /** Runs once; returns something derived from the output so the work cannot be optimised away. */
    float runOnce() throws Exception;

    static Runtimes quantEdge(String backend, Path model, String inputName, float[] input, int[] shape)
            throws Exception {
        KernelRegistry kernels = Backends.only(backend, 1);
        Model loaded = new Engine(() -> List.of(new OnnxModelLoader()), () -> kernels).load(model);
        Map<String, Tensor> inputs = Map.of(inputName, Tensor.ofFloats(Shape.of(shape), input));
        return new Runtimes() {
            @Override
            public float runOnce() throws Exception {
                return loaded.run(inputs).values().iterator().next().data().getFloat(0);
            }

            @Override
            public void close() {
                loaded.close();
            }
        };
    }

    /** ONNX Runtime with one thread and its default (full) graph optimisation. */
    static Runtimes onnxRuntime(Path model, String inputName, float[] input, int[] shape) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        OrtSession session = environment.createSession(model.toString(), options);
        long[] dims = java.util.Arrays.stream(shape).asLongStream().toArray();
        OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input), dims);
        Map<String, OnnxTensor> inputs = Map.of(inputName, tensor);
        return new Runtimes() {
            @Override
            public float runOnce() throws Exception {
                try (OrtSession.Result result = session.run(inputs)) {
                    return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
                }
            }

            @Override
            public void close() throws Exception {
                tensor.close();
                session.close();
            }
        };
    }
}
