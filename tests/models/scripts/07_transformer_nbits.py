"""Step 7: a small pre-LayerNorm transformer block with 4-bit MatMulNBits weights.

  transformer_block_nbits.onnx     symmetric 4-bit blocks, no zero_points input
  transformer_block_nbits_zp.onnx  asymmetric 4-bit blocks, packed uint8 zero_points

hidden 64, 4 heads of 16, sequence 16, MLP 64 -> 256 -> 64; input "hidden"
float32 [1,16,64], output "out" float32 [1,16,64].  opset_import: "" 17 and
com.microsoft 1.  All six projections (Q, K, V, attention output, MLP up,
MLP down) are MatMulNBits (bits=4, block_size=32) followed by a float Add for
the bias.

  x -> LayerNormalization -> Q,K,V -> Reshape [1,16,4,16] -> Transpose
    -> MatMul(Q, K^T) -> Div(sqrt(16)) -> Softmax -> MatMul(., V)
    -> Transpose -> Reshape [1,16,64] -> O projection -> Add(x)  = h
  h -> LayerNorm written out (ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add)
    -> up projection -> GELU as 0.5*x*(1+Erf(x/sqrt(2))) -> down projection -> Add(h) = out

The first LayerNorm uses the opset-17 operator and the second the decomposed
form that older exporters emit, so both patterns are exercised.
Float weights are seeded random, N(0, 1/K); LN gamma/beta near 1/0.
"""

import math
import os

import numpy as np
from onnx import helper, numpy_helper

import common
import nbits
import onnx_ref

HIDDEN, HEADS, SEQ, MLP = 64, 4, 16, 256
HEAD_DIM = HIDDEN // HEADS
BITS, BLOCK = 4, 32


def make_weights(rng):
    def lin(k, n):
        return (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32), \
               (0.02 * rng.standard_normal(n)).astype(np.float32)
    w = {name: lin(k, n) for name, k, n in (
        ("q", HIDDEN, HIDDEN), ("k", HIDDEN, HIDDEN), ("v", HIDDEN, HIDDEN),
        ("o", HIDDEN, HIDDEN), ("up", HIDDEN, MLP), ("down", MLP, HIDDEN))}
    for ln in ("ln1", "ln2"):
        w[ln] = ((1 + 0.1 * rng.standard_normal(HIDDEN)).astype(np.float32),
                 (0.1 * rng.standard_normal(HIDDEN)).astype(np.float32))
    return w


class Builder:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def op(self, op, inputs, out, domain="", **attrs):
        self.nodes.append(helper.make_node(op, inputs, [out], name=out + "_node", domain=domain, **attrs))
        return out

    def linear(self, x, name, weights, with_zp, accuracy_level):
        """MatMulNBits(x, W) + b."""
        w, b = weights
        q = nbits.quantize_matmul_nbits(w, BITS, BLOCK, with_zero_points=with_zp)
        ins = [x, self.const(name + "_B", q["B"]), self.const(name + "_scales", q["scales"])]
        if with_zp:
            ins.append(self.const(name + "_zero_points", q["zero_points"]))
        level = {} if accuracy_level is None else {"accuracy_level": accuracy_level}
        y = self.op("MatMulNBits", ins, name + "_matmul", domain="com.microsoft",
                    K=q["K"], N=q["N"], bits=BITS, block_size=BLOCK, **level)
        return self.op("Add", [y, self.const(name + "_bias", b)], name + "_out"), q["W_dequant"]


def build(weights, with_zp, accuracy_level=None):
    g = Builder()
    deq = {}
    x = "hidden"
    ln1 = g.op("LayerNormalization", [x, g.const("ln1_gamma", weights["ln1"][0]),
                                      g.const("ln1_beta", weights["ln1"][1])],
               "ln1_out", axis=-1, epsilon=1e-5)

    heads_shape = g.const("heads_shape", np.array([1, SEQ, HEADS, HEAD_DIM], np.int64))
    merged_shape = g.const("merged_shape", np.array([1, SEQ, HIDDEN], np.int64))
    proj = {}
    for p in ("q", "k", "v"):
        y, deq[p] = g.linear(ln1, p, weights[p], with_zp, accuracy_level)
        y = g.op("Reshape", [y, heads_shape], p + "_heads")
        perm = [0, 2, 3, 1] if p == "k" else [0, 2, 1, 3]  # K is transposed for Q @ K^T
        proj[p] = g.op("Transpose", [y], p + "_t", perm=perm)
    scores = g.op("MatMul", [proj["q"], proj["k"]], "scores")
    scores = g.op("Div", [scores, g.const("sqrt_head_dim", np.array(np.sqrt(HEAD_DIM), np.float32))],
                  "scores_scaled")
    probs = g.op("Softmax", [scores], "probs", axis=-1)
    ctx = g.op("MatMul", [probs, proj["v"]], "context")
    ctx = g.op("Transpose", [ctx], "context_t", perm=[0, 2, 1, 3])
    ctx = g.op("Reshape", [ctx, merged_shape], "context_merged")
    attn, deq["o"] = g.linear(ctx, "o", weights["o"], with_zp, accuracy_level)
    h = g.op("Add", [x, attn], "residual1")

    # LayerNorm spelled out: (h - mean) / sqrt(var + eps) * gamma + beta
    mean = g.op("ReduceMean", [h], "ln2_mean", axes=[-1], keepdims=1)
    cen = g.op("Sub", [h, mean], "ln2_centered")
    sq = g.op("Pow", [cen, g.const("two", np.array(2.0, np.float32))], "ln2_sq")
    var = g.op("ReduceMean", [sq], "ln2_var", axes=[-1], keepdims=1)
    var = g.op("Add", [var, g.const("ln_eps", np.array(1e-5, np.float32))], "ln2_var_eps")
    std = g.op("Sqrt", [var], "ln2_std")
    norm = g.op("Div", [cen, std], "ln2_norm")
    norm = g.op("Mul", [norm, g.const("ln2_gamma", weights["ln2"][0])], "ln2_scaled")
    ln2 = g.op("Add", [norm, g.const("ln2_beta", weights["ln2"][1])], "ln2_out")

    up, deq["up"] = g.linear(ln2, "up", weights["up"], with_zp, accuracy_level)
    e = g.op("Erf", [g.op("Div", [up, g.const("sqrt2", np.array(np.sqrt(2.0), np.float32))], "gelu_div")],
             "gelu_erf")
    e = g.op("Add", [e, g.const("one", np.array(1.0, np.float32))], "gelu_1p")
    gelu = g.op("Mul", [g.op("Mul", [up, e], "gelu_mul"), g.const("half", np.array(0.5, np.float32))],
                "gelu_out")
    down, deq["down"] = g.linear(gelu, "down", weights["down"], with_zp, accuracy_level)
    g.op("Add", [h, down], "out")

    graph = helper.make_graph(
        g.nodes, "transformer_block_nbits",
        [helper.make_tensor_value_info("hidden", 1, [1, SEQ, HIDDEN])],
        [helper.make_tensor_value_info("out", 1, [1, SEQ, HIDDEN])], initializer=g.inits)
    model = helper.make_model(graph, producer_name="quantedge-tests-nbits", opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    return model, deq


def reference(x, weights, deq):
    """Plain numpy forward pass, using the given (dequantized or float) matrices."""
    def ln(t, gamma, beta):
        mu = t.mean(-1, keepdims=True)
        var = ((t - mu) ** 2).mean(-1, keepdims=True)
        return (t - mu) / np.sqrt(var + 1e-5) * gamma + beta

    def lin(t, p):
        return t @ deq[p] + weights[p][1]

    a = ln(x, *weights["ln1"])
    q, k, v = (lin(a, p).reshape(1, SEQ, HEADS, HEAD_DIM).transpose(0, 2, 1, 3) for p in "qkv")
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(HEAD_DIM)
    s = np.exp(s - s.max(-1, keepdims=True))
    s = s / s.sum(-1, keepdims=True)
    ctx = (s @ v).transpose(0, 2, 1, 3).reshape(1, SEQ, HIDDEN)
    h = x + lin(ctx, "o")
    u = lin(ln(h, *weights["ln2"]), "up")
    erf = np.vectorize(math.erf)
    return h + lin(0.5 * u * (1 + erf(u / np.sqrt(2))), "down")


def main():
    common.seed_everything()
    rng = np.random.default_rng(common.SEED + 7)
    weights = make_weights(rng)
    x = rng.standard_normal((1, SEQ, HIDDEN)).astype(np.float32)
    float_w = {p: weights[p][0] for p in ("q", "k", "v", "o", "up", "down")}
    ref_float = reference(x.astype(np.float64), weights, float_w)

    metrics = {}
    # accuracy_level 4 lets a runtime quantize activations to int8 per block (ONNX Runtime does);
    # the reference below stays in float, so that variant only has to be close to it.
    for with_zp, level, fname in ((False, None, "transformer_block_nbits.onnx"),
                                  (True, None, "transformer_block_nbits_zp.onnx"),
                                  (False, 4, "transformer_block_nbits_int8.onnx")):
        model, deq = build(weights, with_zp, level)
        got = onnx_ref.run(model, {"hidden": x})["out"]
        ref_deq = reference(x.astype(np.float64), weights, deq)
        err_pack = float(np.abs(got - ref_deq).max())     # packing / graph wiring
        err_quant = float(np.abs(got - ref_float).max())   # 4-bit quantization error
        assert err_pack < 1e-3, err_pack
        notes = (
            "Pre-LN transformer block (hidden 64, 4 heads, seq 16, MLP 256), seeded random "
            "weights; Q/K/V/O/up/down are com.microsoft MatMulNBits bits=4 block_size=32 with "
            "1-D scales [N*k_blocks]%s, bias via Add. LN1 = LayerNormalization(17), LN2 "
            "decomposed; GELU via Erf. On a seeded N(0,1) input the numpy reference differs from "
            "the unquantized float block by max %.3f.%s" % (
                " and packed uint8 zero_points [N*ceil(k_blocks/2)] (asymmetric)" if with_zp
                else ", no zero_points (symmetric, implicit zero point 8)", err_quant,
                "" if level is None else " accuracy_level=4: activations may be quantized to int8 per block."))
        path = os.path.join(common.MODELS_DIR, fname)
        # The checker skips ops of domains it does not know (com.microsoft).
        common.save_model(model, path, "transformer_nbits", notes)
        print("wrote %s: |onnx_ref - dequantized numpy| = %.2e, |onnx_ref - float weights| = %.3f" % (
            common.rel(path), err_pack, err_quant))
        metrics[fname] = {"max_abs_diff_vs_dequantized_reference": err_pack,
                          "max_abs_diff_vs_float_weights": err_quant}
    common.update_metrics("transformer_nbits", metrics)


if __name__ == "__main__":
    main()
