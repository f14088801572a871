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

    /** Peak bytes of intermediate values one run needs, as planned (with buffer reuse). */
    long plannedActivationBytes();

    /** Runs the model once. Every declared input must be given; every declared output is returned. */
    Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException;

    @Override
    void close();
}
