package io.quantedge.api.pipeline;

import io.quantedge.api.tensor.Tensor;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/** Receives the model inputs a pipeline prepared for one frame. */
@ConsumerType
@FunctionalInterface
public interface InputListener {

    /**
     * The inputs by input name for one frame of the pipeline feeding {@code model}, whose version
     * {@code version} is about to run them. The tensors are copies the listener may keep.
     */
    void inputs(String model, String version, Map<String, Tensor> inputs);
}
