package io.quantedge.engine.ops;

import io.quantedge.engine.OpRegistry;
import io.quantedge.engine.plan.QdqFusion;

/** Quantization, dequantization and the integer products of ONNX and ONNX Runtime's contrib domain. */
final class QuantizedOps {

    static final String MICROSOFT = "com.microsoft";

    private QuantizedOps() {
    }

    static void register(OpRegistry registry) {
        registry.register("", "QuantizeLinear", QuantizeOp::create)
                .register("", "DequantizeLinear", DequantizeOp::create)
                .register("", "DynamicQuantizeLinear", DynamicQuantizeOp::new)
                .register("", "MatMulInteger", IntegerMatMulOp::matMulInteger)
                .register("", "QLinearMatMul", IntegerMatMulOp::qLinearMatMul)
                .register("", "ConvInteger", IntegerConvOp::convInteger)
                .register("", "QLinearConv", IntegerConvOp::qLinearConv)
                .register(MICROSOFT, "MatMulNBits", MatMulNBitsOp::create)
                .register(QdqFusion.DOMAIN, "QGemm", IntegerMatMulOp::qdqGemm)
                .register(QdqFusion.DOMAIN, "QLookup", QLookupOp::new)
                .register(QdqFusion.DOMAIN, "QLinearBinary", QLinearBinaryOp::create)
                .register(QdqFusion.DOMAIN, "QLinearAveragePool", QLinearAveragePoolOp::create);
    }
}
