package io.quantedge.engine;

import io.quantedge.api.model.ModelLoadException;
import java.util.List;

/**
 * One node's computation, created once per model with its attributes parsed and its constant
 * inputs (weights) prepared. Must be safe to run from several threads at once: per-run state
 * lives in the values passed in, never in fields.
 */
public interface Operator {

    /**
     * Output types and shapes for inputs of {@code inputs} types. {@code known} holds, per input,
     * its value when the planner knows it before running (a constant, or computed from shapes),
     * else null; ops whose output shape depends on an input's content (Reshape's shape, say) read it
     * there, and fail with {@code INVALID_GRAPH} if it is not known.
     */
    List<TensorType> infer(List<TensorType> inputs, List<Value> known) throws ModelLoadException;

    /** Computes the outputs (already allocated with the inferred shapes) from the inputs. */
    void run(Value[] inputs, Value[] outputs);

    /** The kernel backend doing this node's heavy math, or "engine" when the engine does it itself. */
    default String backend() {
        return "engine";
    }

    /** Bytes this operator holds beyond the graph's constants (packed weights, say). */
    default long preparedBytes() {
        return 0;
    }

    /**
     * True when {@link #run} reads only the shapes of its inputs, never their elements (Shape, say):
     * the planner then computes it ahead of a run as soon as the input shapes are known.
     */
    default boolean readsOnlyShapes() {
        return false;
    }

    /** False for ops whose output must not be computed ahead of a run even if inputs are known. */
    default boolean foldable() {
        return true;
    }
}
