package io.quantedge.pipeline;

import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.sensor.Frame;
import io.quantedge.api.serving.DeploymentProgress;
import io.quantedge.api.serving.ModelServer;
import io.quantedge.api.serving.ServedModel;
import io.quantedge.api.serving.ServedRun;
import io.quantedge.api.tensor.DataType;
import io.quantedge.api.tensor.Shape;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Test doubles: options from a map, a model server whose model is a plain function, grey frames. */
final class Fakes {

    private Fakes() {
    }

    /** Options of {@code type} with the given values, every other one its declared default. */
    static <T> T options(Class<T> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            throw new IllegalStateException("no value for " + method.getName());
        }));
    }

    static Frame gray(long sequence, String label, int... pixels) {
        byte[] bytes = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            bytes[i] = (byte) pixels[i];
        }
        int side = (int) Math.round(Math.sqrt(pixels.length));
        Map<String, String> attributes = label == null
                ? Map.of(Frame.WIDTH, "" + side, Frame.HEIGHT, "" + side)
                : Map.of(Frame.WIDTH, "" + side, Frame.HEIGHT, "" + side, Frame.LABEL, label);
        return new Frame("cam", sequence, Instant.EPOCH, Frame.GRAY8, ByteBuffer.wrap(bytes), attributes);
    }

    /** A model "m" version {@code version} with input "x" [1,1,2,2] and output "y" [1,3] computed by {@code model}. */
    static final class Server implements ModelServer {
        volatile String version = "1";
        volatile Function<float[], float[]> model;
        private final TensorSpec input;

        Server(Function<float[], float[]> model) {
            this(model, TensorSpec.of("x", DataType.FP32, 1, 1, 2, 2));
        }

        /** With another input "x", for numeric windows. */
        Server(Function<float[], float[]> model, TensorSpec input) {
            this.model = model;
            this.input = input;
        }

        static ModelReport report() {
            return report(TensorSpec.of("x", DataType.FP32, 1, 1, 2, 2));
        }

        static ModelReport report(TensorSpec input) {
            return new ModelReport("m", List.of(input),
                    List.of(TensorSpec.of("y", DataType.FP32, 1, 3)), Map.of(), List.of(
                    new ModelReport.NodeReport("n0", "Gemm", "vector", false),
                    new ModelReport.NodeReport("n1", "Relu", "engine", false),
                    new ModelReport.NodeReport("n2", "Add", "engine", false)), List.of(), List.of(), 0, 100, 16);
        }

        @Override
        public Set<String> models() {
            return Set.of("m");
        }

        @Override
        public Optional<ServedModel> served(String name) {
            return name.equals("m") ? Optional.of(new ServedModel("m", version, "00", 1, Instant.EPOCH,
                    Optional.empty(), report(input))) : Optional.empty();
        }

        @Override
        public ServedRun run(String name, Map<String, Tensor> inputs) throws InferenceException {
            float[] out = model.apply(inputs.get("x").toFloatArray());
            return new ServedRun(Map.of("y", Tensor.ofFloats(Shape.of(1, out.length), out)), "m", version, 0.5);
        }

        @Override
        public ServedModel deploy(String name, String v, DeploymentProgress progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ServedModel rollback(String name, String reason) {
            throw new UnsupportedOperationException();
        }
    }
}
