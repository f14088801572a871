package io.quantedge.engine.ops;

import io.quantedge.engine.NodeContext;
import io.quantedge.engine.OpRegistry;
import io.quantedge.engine.ops.UnaryFloatOp.FloatFunction;

/** Per-element ops: activations, float math, broadcasting arithmetic and comparisons, Where, Cast, Identity. */
final class ElementwiseOps {

    private ElementwiseOps() {
    }

    static void register(OpRegistry registry) {
        unary(registry, "Relu", x -> x > 0 ? x : 0f);
        unary(registry, "Sigmoid", ElementwiseOps::sigmoid);
        unary(registry, "Tanh", x -> (float) Math.tanh(x));
        unary(registry, "HardSwish", x -> x * Math.max(0f, Math.min(1f, x / 6f + 0.5f)));
        unary(registry, "Erf", Erf::erf);
        unary(registry, "Sqrt", x -> (float) Math.sqrt(x));
        unary(registry, "Exp", x -> (float) Math.exp(x));
        unary(registry, "Log", x -> (float) Math.log(x));
        registry.register("", "Neg", node -> IntegerUnaryOp.signed(node, x -> -x, x -> -x));
        registry.register("", "Abs", node -> IntegerUnaryOp.anyInteger(node, Math::abs, Math::abs));
        unary(registry, "Reciprocal", x -> 1f / x);
        unary(registry, "Floor", x -> (float) Math.floor(x));
        unary(registry, "Ceil", x -> (float) Math.ceil(x));
        registry.register("", "LeakyRelu", node -> {
            float alpha = node.floatAttr("alpha", 0.01f);
            return new UnaryFloatOp(node, x -> x >= 0 ? x : alpha * x);
        });
        registry.register("", "HardSigmoid", node -> {
            float alpha = node.floatAttr("alpha", 0.2f);
            float beta = node.floatAttr("beta", 0.5f);
            return new UnaryFloatOp(node, x -> Math.max(0f, Math.min(1f, alpha * x + beta)));
        });
        registry.register("", "Clip", ClipOp::create);
        registry.register("", "Pow", PowOp::new);
        arithmetic(registry, "Add", BinaryArithmetic.Kind.ADD);
        arithmetic(registry, "Sub", BinaryArithmetic.Kind.SUB);
        arithmetic(registry, "Mul", BinaryArithmetic.Kind.MUL);
        arithmetic(registry, "Div", BinaryArithmetic.Kind.DIV);
        comparison(registry, "Equal", Comparison.Kind.EQUAL);
        comparison(registry, "Less", Comparison.Kind.LESS);
        comparison(registry, "Greater", Comparison.Kind.GREATER);
        comparison(registry, "LessOrEqual", Comparison.Kind.LESS_OR_EQUAL);
        comparison(registry, "GreaterOrEqual", Comparison.Kind.GREATER_OR_EQUAL);
        registry.register("", "Not", NotOp::new);
        registry.register("", "Where", WhereOp::new);
        registry.register("", "Cast", CastOp::create);
        registry.register("", "Identity", IdentityOp::identity);
        registry.register("", "Dropout", IdentityOp::dropout);
    }

    private static float sigmoid(float x) {
        // exp of a non-positive argument never overflows, so both halves stay accurate.
        if (x >= 0) {
            return (float) (1 / (1 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1 + e));
    }

    private static void unary(OpRegistry registry, String opType, FloatFunction function) {
        registry.register("", opType, (NodeContext node) -> new UnaryFloatOp(node, function));
    }

    private static void arithmetic(OpRegistry registry, String opType, BinaryArithmetic.Kind kind) {
        registry.register("", opType, node -> new BinaryArithmetic(node, kind));
    }

    private static void comparison(OpRegistry registry, String opType, Comparison.Kind kind) {
        registry.register("", opType, node -> new Comparison(node, kind));
    }
}
