"""Step 5: the CNN in QOperator form (standard ONNX domain only), built by hand.

  cnn_qoperator.onnx

Activations are int8 throughout (asymmetric, the same calibration and
scales as cnn_qdq_*.onnx); conv weights are int8 per output channel, FC
weights int8 per tensor.

  input(float) -QuantizeLinear-> int8
  QLinearConv(conv1, int32 bias)   output scale/zp = those of the Relu output,
                                   so the Relu is implied by saturation (as ORT
                                   does: with rmin = 0 the zero point is -128)
  MaxPool (int8)
  QLinearConv(conv2, int32 bias)   (Relu implied again)
  MaxPool (int8), Flatten (int8)
  QLinearMatMul(fc1, W^T [1568,64]) -> DequantizeLinear -> Add(bias) -> Relu
                                   -> QuantizeLinear
  QLinearMatMul(fc2, W^T [64,10])   -> DequantizeLinear -> Add(bias)
                                   -> QuantizeLinear -> DequantizeLinear -> logits

The QLinearMatMul outputs (before the bias) need their own ranges; they are
calibrated here on the same 200 images as x @ W^T of the float model.
"""

import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

import cnn
import common
import onnx_ref
import quant


class GraphBuilder:
    """Collects nodes and initializers; small convenience over onnx.helper."""

    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def qparams(self, name, scale, zp):
        return (self.const(name + "_scale", np.array(scale, np.float32)),
                self.const(name + "_zero_point", np.array(zp, np.int8)))

    def node(self, op, inputs, output, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output + "_node", **attrs))
        return output


def main():
    common.seed_everything()
    fp32 = onnx.load(os.path.join(common.MODELS_DIR, "cnn_fp32_folded.onnx"))
    ranges = cnn.calibrate(fp32)
    act = quant.activation_quant_params(fp32, ranges)
    inits = {i.name: numpy_helper.to_array(i) for i in fp32.graph.initializer}
    by_op = {}
    for n in fp32.graph.node:
        by_op.setdefault(n.op_type, []).append(n)
    conv1, conv2 = by_op["Conv"]
    fc1, fc2 = by_op["Gemm"]
    relu1, relu2, relu3 = by_op["Relu"]

    # Ranges of the bias-free FC products, measured on the calibration set.
    calib = np.load(os.path.join(common.DATA_DIR, "fashion_calib_images.npy"))
    env = onnx_ref.run(fp32, {"input": calib}, keep_all=True)
    mm_params = {}
    for fc in (fc1, fc2):
        prod = env[fc.input[0]] @ inits[fc.input[1]].T
        mm_params[fc.name] = quant.activation_params(prod.min(), prod.max())

    g = GraphBuilder()
    in_s, in_z = g.qparams("input", *act["input"])
    x = g.node("QuantizeLinear", ["input", in_s, in_z], "input_quantized")

    # --- two QLinearConv blocks -------------------------------------------
    prev_s, prev_z, prev_scale = in_s, in_z, act["input"][0]
    for conv, relu, pool_name in ((conv1, relu1, "pool1"), (conv2, relu2, "pool2")):
        w = inits[conv.input[1]]
        w_scale = quant.weight_params(w, per_channel=True, axis=0)
        b_scale = (np.float32(prev_scale) * w_scale).astype(np.float32)
        tag = conv.output[0].strip("/").split("/")[0]  # "conv1" / "conv2"
        out_s, out_z = g.qparams(tag + "_relu_out", *act[relu.output[0]])
        conv_inputs = [
            x, prev_s, prev_z,
            g.const(tag + "_w_int8", quant.quantize_weight(w, w_scale, 0)),
            g.const(tag + "_w_scale", w_scale),
            g.const(tag + "_w_zero_point", np.zeros(w_scale.shape, np.int8)),
            out_s, out_z,
            g.const(tag + "_bias_int32", quant.quantize_bias(inits[conv.input[2]], b_scale)),
        ]
        attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        x = g.node("QLinearConv", conv_inputs, tag + "_relu_int8", **attrs)
        x = g.node("MaxPool", [x], pool_name + "_int8", kernel_shape=[2, 2], strides=[2, 2])
        prev_s, prev_z, prev_scale = out_s, out_z, act[relu.output[0]][0]

    x = g.node("Flatten", [x], "flatten_int8", axis=1)

    # --- two QLinearMatMul + float bias blocks ----------------------------
    for fc, name, last in ((fc1, "fc1", False), (fc2, "fc2", True)):
        w_t = inits[fc.input[1]].T.copy()  # Gemm(transB=1) weight [N,K] -> MatMul B [K,N]
        w_scale = quant.weight_params(w_t, per_channel=False)
        mm_s, mm_z = g.qparams(name + "_matmul_out", *mm_params[fc.name])
        x = g.node("QLinearMatMul", [
            x, prev_s, prev_z,
            g.const(name + "_wT_int8", quant.quantize_weight(w_t, w_scale)),
            g.const(name + "_w_scale", w_scale),
            g.const(name + "_w_zero_point", np.array(0, np.int8)),
            mm_s, mm_z], name + "_matmul_int8")
        x = g.node("DequantizeLinear", [x, mm_s, mm_z], name + "_matmul_float")
        x = g.node("Add", [x, g.const(name + "_bias", inits[fc.input[2]])], name + "_float")
        if not last:
            x = g.node("Relu", [x], name + "_relu_float")
            prev_s, prev_z = g.qparams(name + "_relu_out", *act[relu3.output[0]])
            x = g.node("QuantizeLinear", [x, prev_s, prev_z], name + "_relu_int8")
        else:
            out_s, out_z = g.qparams("logits", *act["logits"])
            x = g.node("QuantizeLinear", [x, out_s, out_z], "logits_int8")
            g.node("DequantizeLinear", [x, out_s, out_z], "logits")

    graph = helper.make_graph(g.nodes, "cnn_qoperator", list(fp32.graph.input),
                              list(fp32.graph.output), initializer=g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="quantedge-tests-qoperator")
    model.ir_version = 7

    test_x, test_y = cnn.full_test_set()
    sub_x, sub_y = cnn.test_subset()
    acc_full = cnn.evaluate_onnx(model, test_x, test_y)[0]
    acc_sub = cnn.evaluate_onnx(model, sub_x, sub_y)[0]
    notes = (
        "Fashion-MNIST CNN in QOperator form: QuantizeLinear, QLinearConv (int8 activations, "
        "int8 per-channel weights, int32 bias, Relu folded into the output range), int8 "
        "MaxPool/Flatten, QLinearMatMul (int8, per-tensor weights, transposed to [K,N]) followed "
        "by DequantizeLinear -> Add(float bias) [-> Relu] -> QuantizeLinear, final "
        "DequantizeLinear. Same calibration as cnn_qdq_*. Numpy-reference accuracy %.4f (10k) / "
        "%.4f (1000 subset)." % (acc_full, acc_sub))
    path = os.path.join(common.MODELS_DIR, "cnn_qoperator.onnx")
    common.save_model(model, path, "cnn_qoperator", notes)
    print("wrote %s ops=%s acc10k=%.4f acc1000=%.4f" % (
        common.rel(path), quant.op_histogram(model), acc_full, acc_sub))
    common.update_metrics("cnn_qoperator", {"numpy_ref_acc_10k": acc_full, "numpy_ref_acc_1000": acc_sub})


if __name__ == "__main__":
    main()
