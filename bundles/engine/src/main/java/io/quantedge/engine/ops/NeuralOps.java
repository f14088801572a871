package io.quantedge.engine.ops;

import io.quantedge.engine.OpRegistry;

/** Convolution, dense products, normalisation and pooling in single precision. */
final class NeuralOps {

    private NeuralOps() {
    }

    static void register(OpRegistry registry) {
        registry.register("", "Conv", ConvOp::create)
                .register("", "Gemm", GemmOp::create)
                .register("", "MatMul", MatMulOp::create)
                .register("", "BatchNormalization", BatchNormOp::create)
                .register("", "MaxPool", PoolOp::maxPool)
                .register("", "AveragePool", PoolOp::averagePool)
                .register("", "GlobalAveragePool", node -> new GlobalPoolOp(node, false))
                .register("", "GlobalMaxPool", node -> new GlobalPoolOp(node, true));
    }
}
