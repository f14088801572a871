package io.quantedge.engine.ops;

import io.quantedge.engine.OpRegistry;

/** Every operator the engine implements, one family per class. */
public final class StandardOps {

    private StandardOps() {
    }

    public static OpRegistry registry() {
        OpRegistry registry = new OpRegistry();
        ElementwiseOps.register(registry);
        TensorOps.register(registry);
        ReductionOps.register(registry);
        NeuralOps.register(registry);
        QuantizedOps.register(registry);
        return registry;
    }
}
