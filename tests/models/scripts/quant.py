"""Post-training static quantization to QDQ format, written with onnx.helper.

The output mimics what ONNX Runtime's quantize_static(..., QuantFormat.QDQ,
activation_type=QInt8, weight_type=QInt8) emits (its "S8S8" default):

* activations: int8, asymmetric, per-tensor.  Ranges come from min-max
  calibration, widened to include 0:
      rmin = min(min, 0), rmax = max(max, 0)
      scale = (rmax - rmin) / 255, zero_point = round(-128 - rmin / scale)
  Every float activation tensor (graph input, every node output) gets a
  QuantizeLinear -> DequantizeLinear pair; consumers read the DQ output.
  MaxPool / Flatten / Reshape outputs reuse their input's scale and zero point,
  as ORT does for such "direct 8-bit" ops.
* weights (Conv input 1, Gemm input 1): int8 symmetric, zero point 0, range
  [-127, 127], scale = max|w| / 127, per tensor or per output channel
  (axis 0 for Conv and for Gemm with transB=1), stored as int8 initializers
  followed by DequantizeLinear.
* bias (Conv/Gemm input 2): int32, scale = input_scale * weight_scale
  (per channel when the weights are), zero point 0, followed by
  DequantizeLinear.

One deliberate difference from ORT: ORT drops a Relu/Clip that directly
follows a quantized Conv (the activation range already clips).  We keep
those nodes, with Q/DQ on both sides, so engines see the plain pattern.
"""

import numpy as np
from onnx import helper, numpy_helper

import onnx_ref

SAME_AS_INPUT_OPS = ("MaxPool", "Flatten", "Reshape")
WEIGHT_OPS = ("Conv", "Gemm")


# --------------------------------------------------------------------------
# scale / zero-point arithmetic
# --------------------------------------------------------------------------

def activation_params(rmin, rmax, qmin=-128, qmax=127):
    """Asymmetric per-tensor parameters for an activation range."""
    rmin = min(float(rmin), 0.0)
    rmax = max(float(rmax), 0.0)
    if rmax - rmin < 1e-12:
        return np.float32(1.0), 0
    scale = np.float32((rmax - rmin) / (qmax - qmin))
    zp = int(np.clip(np.rint(qmin - rmin / float(scale)), qmin, qmax))
    return scale, zp


def weight_params(w, per_channel, axis=0):
    """Symmetric int8 scale(s) for a weight tensor: max|w| / 127."""
    if per_channel:
        reduce_axes = tuple(i for i in range(w.ndim) if i != axis)
        absmax = np.abs(w).max(axis=reduce_axes)
    else:
        absmax = np.array(np.abs(w).max())
    scale = absmax.astype(np.float64) / 127.0
    return np.where(scale == 0, 1.0, scale).astype(np.float32)  # all-zero channel -> scale 1


def quantize_weight(w, scale, axis=0):
    """round-half-even(w / scale), clipped to [-127, 127]."""
    s = scale.reshape([-1 if i == axis else 1 for i in range(w.ndim)]) if scale.ndim else scale
    return np.clip(np.rint(w / s), -127, 127).astype(np.int8)


def quantize_bias(b, bias_scale):
    return np.rint(b.astype(np.float64) / bias_scale.astype(np.float64)).astype(np.int32)


# --------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------

def float_activations(model):
    """Names of all non-constant float tensors: graph inputs and node outputs."""
    graph = model.graph
    const = {i.name for i in graph.initializer}
    const |= {o for n in graph.node if n.op_type == "Constant" for o in n.output}
    names = [i.name for i in graph.input if i.name not in const]
    for node in graph.node:
        if node.op_type == "Constant":
            continue
        names.extend(o for o in node.output if o)
    return names


def calibrate(model, batches):
    """Min-max over every activation tensor, on a list of feed dicts."""
    names = float_activations(model)
    ranges = {}
    for feeds in batches:
        env = onnx_ref.run(model, feeds, keep_all=True)
        for n in names:
            lo, hi = float(env[n].min()), float(env[n].max())
            if n in ranges:
                lo, hi = min(lo, ranges[n][0]), max(hi, ranges[n][1])
            ranges[n] = (lo, hi)
    return ranges


def activation_quant_params(model, ranges):
    """tensor name -> (scale, zero_point), applying the same-as-input rule."""
    params = {}
    producer = {o: n for n in model.graph.node for o in n.output}
    for name in float_activations(model):
        node = producer.get(name)
        if node is not None and node.op_type in SAME_AS_INPUT_OPS and node.input[0] in params:
            params[name] = params[node.input[0]]
        else:
            params[name] = activation_params(*ranges[name])
    return params


# --------------------------------------------------------------------------
# the QDQ rewrite
# --------------------------------------------------------------------------

def _weight_axis(node):
    if node.op_type == "Gemm":
        trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
        return 0 if trans_b else 1
    return 0


def qdq_quantize(model, ranges, per_channel):
    """Return a new ModelProto with QDQ static quantization applied."""
    graph = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    params = activation_quant_params(model, ranges)
    graph_outputs = {o.name for o in graph.output}

    new_inits = []     # initializers of the new graph, in creation order
    new_nodes = []
    consumed = set()   # original float initializers that were replaced
    qparam_names = {}  # (scale, zp) of an activation -> its initializer names

    def dq_name(t):
        return t if t in graph_outputs else t + "_DequantizeLinear_Output"

    def act_param_inits(t):
        """Initializer names of t's scale / zero point (shared when reused)."""
        scale, zp = params[t]
        key = (float(scale), int(zp))
        if key not in qparam_names:
            base = t
            new_inits.append(numpy_helper.from_array(np.array(scale, np.float32), base + "_scale"))
            new_inits.append(numpy_helper.from_array(np.array(zp, np.int8), base + "_zero_point"))
            qparam_names[key] = (base + "_scale", base + "_zero_point")
        return qparam_names[key]

    def add_qdq(t, src):
        """src (float) -> QuantizeLinear -> DequantizeLinear -> dq_name(t)."""
        s, z = act_param_inits(t)
        q = t + "_QuantizeLinear_Output"
        new_nodes.append(helper.make_node("QuantizeLinear", [src, s, z], [q], name=t + "_QuantizeLinear"))
        new_nodes.append(helper.make_node("DequantizeLinear", [q, s, z], [dq_name(t)],
                                          name=t + "_DequantizeLinear"))

    for inp in graph.input:
        if inp.name in params:
            add_qdq(inp.name, inp.name)

    for node in graph.node:
        inputs = list(node.input)
        if node.op_type in WEIGHT_OPS and len(inputs) > 1 and inputs[1] in inits:
            axis = _weight_axis(node)
            w_name = inputs[1]
            w = inits[w_name]
            w_scale = weight_params(w, per_channel, axis)
            w_q = quantize_weight(w, w_scale, axis)
            w_zp = np.zeros(w_scale.shape, np.int8)
            new_inits += [numpy_helper.from_array(w_q, w_name + "_quantized"),
                          numpy_helper.from_array(w_scale, w_name + "_scale"),
                          numpy_helper.from_array(w_zp, w_name + "_zero_point")]
            dq_attrs = {"axis": axis} if per_channel else {}
            new_nodes.append(helper.make_node(
                "DequantizeLinear", [w_name + "_quantized", w_name + "_scale", w_name + "_zero_point"],
                [w_name + "_DequantizeLinear_Output"], name=w_name + "_DequantizeLinear", **dq_attrs))
            consumed.add(w_name)
            inputs[1] = w_name + "_DequantizeLinear_Output"

            if len(inputs) > 2 and inputs[2] in inits:
                b_name = inputs[2]
                in_scale = params[node.input[0]][0]
                b_scale = (np.float32(in_scale) * w_scale).astype(np.float32)
                b_q = quantize_bias(inits[b_name], b_scale)
                new_inits += [numpy_helper.from_array(b_q, b_name + "_quantized"),
                              numpy_helper.from_array(b_scale, b_name + "_quantized_scale"),
                              numpy_helper.from_array(np.zeros(b_scale.shape, np.int32),
                                                      b_name + "_quantized_zero_point")]
                new_nodes.append(helper.make_node(
                    "DequantizeLinear",
                    [b_name + "_quantized", b_name + "_quantized_scale", b_name + "_quantized_zero_point"],
                    [b_name + "_DequantizeLinear_Output"], name=b_name + "_DequantizeLinear",
                    **({"axis": 0} if per_channel else {})))
                consumed.add(b_name)
                inputs[2] = b_name + "_DequantizeLinear_Output"

        # activations: read the dequantized copy
        inputs = [dq_name(t) if t in params and t not in consumed else t for t in inputs]
        outputs = [o + "_QuantizeInput" if o in graph_outputs else o for o in node.output]
        new_node = helper.make_node(node.op_type, inputs, outputs, name=node.name, domain=node.domain)
        new_node.attribute.extend(node.attribute)
        new_nodes.append(new_node)
        for orig, out in zip(node.output, outputs):
            if orig in params:
                add_qdq(orig, out)

    kept = [i for i in graph.initializer if i.name not in consumed]
    new_graph = helper.make_graph(new_nodes, graph.name, list(graph.input), list(graph.output),
                                  initializer=kept + new_inits)
    out = helper.make_model(new_graph, opset_imports=[helper.make_opsetid("", 13)],
                            producer_name="quantedge-tests-qdq")
    out.ir_version = model.ir_version
    return out


def op_histogram(model):
    counts = {}
    for n in model.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return dict(sorted(counts.items()))
