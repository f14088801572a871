package io.quantedge.api.model;

import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A loaded, planned model, ready to run. {@link #run} may be called from several threads at once.
 * Closing releases its buffers; runs already under way finish first.
 */
@ProviderType
public interface Model extends AutoCloseable {

    String name();

    List<TensorSpec> inputs();

    List<TensorSpec> outputs();

    /** Bytes of weights held for running, after any pre-packing. */
    long weightBytes();

    /**
     * Peak bytes of intermediate values one run with dynamic dimensions taken as 1 needs, as
     * planned (with buffer reuse); -1 when shapes depend on the values of integer inputs, so no
     * plan can be made before a run.
     */
    long plannedActivationBytes();

    /** How the model runs: ops, fused and float-fallback nodes, backend per node, memory. */
    ModelReport report();

    /** Runs the model once. Every declared input must be given; every declared output is returned. */
    Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException;

    @Override
    void close();
}
