package io.quantedge.pipeline;

import io.quantedge.api.pipeline.InputListener;
import io.quantedge.api.pipeline.PipelineInputs;
import io.quantedge.api.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A pipeline's {@link PipelineInputs}: the listeners of its model inputs. The worker calls
 * {@link #offer} for each frame; without listeners that is one emptiness check, so a pipeline
 * nobody taps works as before. Listeners get copies, since the worker reuses its input buffers.
 */
final class InputTaps implements PipelineInputs {

    private final String model;
    private final Consumer<String> problems;
    private final List<InputListener> listeners = new CopyOnWriteArrayList<>();

    InputTaps(String model, Consumer<String> problems) {
        this.model = model;
        this.problems = problems;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public Tap listen(InputListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** On the worker thread, before the run. */
    void offer(String version, Map<String, Tensor> inputs) {
        if (listeners.isEmpty()) {
            return;
        }
        Map<String, Tensor> copies = new LinkedHashMap<>();
        inputs.forEach((name, tensor) -> copies.put(name, copy(tensor)));
        Map<String, Tensor> shared = Map.copyOf(copies);
        for (InputListener listener : listeners) {
            try {
                listener.inputs(model, version, shared);
            } catch (RuntimeException e) {
                // A listener's failure is its own; the frame goes on to the model.
                problems.accept("an input listener failed: " + e);
            }
        }
    }

    private static Tensor copy(Tensor tensor) {
        ByteBuffer source = tensor.data();
        ByteBuffer bytes = ByteBuffer.allocate(source.remaining()).order(source.order());
        bytes.put(source.duplicate()).flip();
        Tensor copy = Tensor.of(tensor.type(), tensor.shape(), bytes);
        return tensor.quantization().map(copy::withQuantization).orElse(copy);
    }
}
