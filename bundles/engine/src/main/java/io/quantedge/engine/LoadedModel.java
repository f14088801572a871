package io.quantedge.engine;

import io.quantedge.api.graph.Graph;
import io.quantedge.api.model.InferenceException;
import io.quantedge.api.model.InferenceException.Code;
import io.quantedge.api.model.Model;
import io.quantedge.api.model.ModelLoadException;
import io.quantedge.api.model.ModelReport;
import io.quantedge.api.tensor.Tensor;
import io.quantedge.api.tensor.TensorSpec;
import java.util.List;
import java.util.Map;

/**
 * The model a user holds. It keeps its source graph so it can be prepared again when the kernel
 * backends change (a faster one arrives, one leaves): the new preparation is swapped in
 * atomically, runs already under way finish on the old one, and no run fails or waits.
 */
final class LoadedModel implements Model {

    /** Prepares a graph for the backends available now. */
    @FunctionalInterface
    interface Preparer {
        PreparedModel prepare(String name, Graph source) throws ModelLoadException;
    }

    private final String name;
    private final Graph source;
    private volatile PreparedModel current;
    private volatile boolean closed;

    LoadedModel(String name, Graph source, PreparedModel prepared) {
        this.name = name;
        this.source = source;
        this.current = prepared;
    }

    /**
     * Prepares the model again and swaps the result in; on failure the current preparation stays
     * and the failure is returned for the caller to report.
     */
    synchronized java.util.Optional<ModelLoadException> reprepare(Preparer preparer) {
        if (closed) {
            return java.util.Optional.empty();
        }
        try {
            PreparedModel next = preparer.prepare(name, source);
            PreparedModel previous = current;
            current = next;
            previous.release();
            return java.util.Optional.empty();
        } catch (ModelLoadException e) {
            return java.util.Optional.of(e);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<TensorSpec> inputs() {
        return current.inputs();
    }

    @Override
    public List<TensorSpec> outputs() {
        return current.outputs();
    }

    @Override
    public long weightBytes() {
        return current.weightBytes();
    }

    @Override
    public long plannedActivationBytes() {
        return current.plannedActivationBytes();
    }

    @Override
    public ModelReport report() {
        return current.report();
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException {
        if (closed) {
            throw new InferenceException(Code.CLOSED, "model '" + name + "' is closed");
        }
        // Read once: a swap during this run does not affect it.
        return current.run(inputs);
    }

    @Override
    public synchronized void close() {
        closed = true;
        current.release();
    }
}
