"""Step 6: dynamic quantization of the CNN's fully-connected layers, ORT style.

  cnn_dynamic.onnx

Like onnxruntime.quantization.quantize_dynamic on the FC layers, each Gemm
(x @ W^T + b) of cnn_fp32_folded.onnx becomes

  x(float) -DynamicQuantizeLinear-> x_q(uint8), x_scale, x_zp(uint8)
  MatMulInteger(x_q, W^T int8 [K,N], x_zp, w_zp=0 int8)  -> int32
  Cast(to float) -> Mul(x_scale * w_scale) -> Add(bias)

Weights: int8 symmetric per tensor (ORT's default per_channel=False),
scale = max|W| / 127.  The convolutions stay float: ORT would use
ConvInteger for them, but its CPU ConvInteger kernel only accepts uint8
weights, so keeping them float is the portable choice (ConvInteger is
covered by ops/ConvInteger_*.onnx instead).
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import cnn
import common
import quant


def main():
    common.seed_everything()
    fp32 = onnx.load(os.path.join(common.MODELS_DIR, "cnn_fp32_folded.onnx"))
    inits = {i.name: numpy_helper.to_array(i) for i in fp32.graph.initializer}
    replaced = set()
    new_inits, nodes = [], []

    def const(name, arr):
        new_inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    for node in fp32.graph.node:
        if node.op_type != "Gemm":
            nodes.append(node)
            continue
        x, w_name, b_name = node.input
        y = node.output[0]
        p = w_name.replace(".weight", "")  # "fc1" / "fc2"
        w_t = inits[w_name].T.copy()       # [K, N]
        w_scale = quant.weight_params(w_t, per_channel=False)
        replaced.update([w_name])
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [x],
                             [p + "_x_quantized", p + "_x_scale", p + "_x_zero_point"],
                             name=p + "_DynamicQuantizeLinear"),
            helper.make_node("MatMulInteger",
                             [p + "_x_quantized", const(p + "_wT_int8", quant.quantize_weight(w_t, w_scale)),
                              p + "_x_zero_point", const(p + "_w_zero_point", np.array(0, np.int8))],
                             [p + "_matmul_int32"], name=p + "_MatMulInteger"),
            helper.make_node("Cast", [p + "_matmul_int32"], [p + "_matmul_float"],
                             to=TensorProto.FLOAT, name=p + "_Cast"),
            helper.make_node("Mul", [p + "_x_scale", const(p + "_w_scale", w_scale)],
                             [p + "_output_scale"], name=p + "_scales_Mul"),
            helper.make_node("Mul", [p + "_matmul_float", p + "_output_scale"],
                             [p + "_matmul_scaled"], name=p + "_output_Mul"),
            helper.make_node("Add", [p + "_matmul_scaled", b_name], [y], name=p + "_bias_Add"),
        ]

    kept = [i for i in fp32.graph.initializer if i.name not in replaced]
    graph = helper.make_graph(nodes, "cnn_dynamic", list(fp32.graph.input), list(fp32.graph.output),
                              initializer=kept + new_inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="quantedge-tests-dynamic")
    model.ir_version = 7

    test_x, test_y = cnn.full_test_set()
    sub_x, sub_y = cnn.test_subset()
    # batch=1: DynamicQuantizeLinear picks one range per input tensor, so the
    # result depends on the batch; one image at a time is the deployment case.
    acc_full = cnn.evaluate_onnx(model, test_x, test_y, batch=1)[0]
    acc_sub = cnn.evaluate_onnx(model, sub_x, sub_y, batch=1)[0]
    notes = (
        "Fashion-MNIST CNN with ORT-style dynamic quantization of the two FC layers: "
        "DynamicQuantizeLinear (uint8) -> MatMulInteger (uint8 x int8 per-tensor symmetric "
        "weights, with zero points) -> Cast(float) -> Mul(x_scale*w_scale) -> Add(bias). Convs "
        "stay FP32 (BN folded). Numpy-reference accuracy, one image per run: %.4f (10k) / %.4f (1000 subset)." % (
            acc_full, acc_sub))
    path = os.path.join(common.MODELS_DIR, "cnn_dynamic.onnx")
    common.save_model(model, path, "cnn_dynamic", notes)
    print("wrote %s ops=%s acc10k=%.4f acc1000=%.4f" % (
        common.rel(path), quant.op_histogram(model), acc_full, acc_sub))
    common.update_metrics("cnn_dynamic", {"numpy_ref_acc_10k": acc_full, "numpy_ref_acc_1000": acc_sub})


if __name__ == "__main__":
    main()
