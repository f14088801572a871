package io.quantedge.engine.ops;

import io.quantedge.engine.OpRegistry;

/** Ops that combine elements along axes: softmax, reductions, layer normalisation, ArgMax. */
final class ReductionOps {

    private ReductionOps() {
    }

    static void register(OpRegistry registry) {
        registry.register("", "Softmax", SoftmaxOp::softmax);
        registry.register("", "LogSoftmax", SoftmaxOp::logSoftmax);
        registry.register("", "ReduceMean", node -> new ReduceOp(node, ReduceOp.Kind.MEAN));
        registry.register("", "ReduceSum", node -> new ReduceOp(node, ReduceOp.Kind.SUM));
        registry.register("", "ReduceMax", node -> new ReduceOp(node, ReduceOp.Kind.MAX));
        registry.register("", "ReduceMin", node -> new ReduceOp(node, ReduceOp.Kind.MIN));
        registry.register("", "LayerNormalization", LayerNormalizationOp::new);
        registry.register("", "ArgMax", ArgMaxOp::new);
    }
}
