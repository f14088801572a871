"""Step 9: one small ONNX model per operator / attribute / shape case, in ops/.

Conventions (the Java tests feed seeded random inputs to every file):
  * the data operands of an op are graph inputs; "parameters" that must have
    particular values (shapes, axes, pads, indices, Resize scales, Clip
    bounds, BN statistics, quantization scales / zero points, quantized
    weights) are initializers;
  * inputs whose values must stay in some range for the result to be
    well defined (Sqrt, Pow, Cast to integers, Div denominators) carry a
    hint in the model metadata ("quantedge.input_range.<name>" = "[lo, hi]"),
    copied into manifest.json as "range";
  * opset 13 unless the case needs another one (HardSwish 14, Shape start/end
    15, LayerNormalization 17, blocked int4 DequantizeLinear 21);
  * every model except the opset-21 int4 ones goes through strict shape
    inference and onnx.checker (full_check); MatMulNBits (com.microsoft) is
    skipped by the checker because it does not know that domain.
"""

import json
import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper, numpy_helper

import common
import nbits
import onnx_ref

F, U8, I8, I32, I64, B = T.FLOAT, T.UINT8, T.INT8, T.INT32, T.INT64, T.BOOL
NP = {F: np.float32, U8: np.uint8, I8: np.int8, I32: np.int32, I64: np.int64}

CASES = []  # (file name, ModelProto, check flag)


def rng_for(name):
    """A per-case RNG, so adding a case never changes the others."""
    return np.random.default_rng(common.SEED + zlib.crc32(name.encode()))


def randn(rng, *shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


def randint(rng, dtype, *shape):
    info = np.iinfo(NP[dtype])
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(NP[dtype])


def case(name, nodes, inputs, outputs, inits=None, opset=13, notes="", ranges=None,
         extra_opsets=(), check=True, ir_version=None):
    """Assemble, shape-infer, tag and queue one single-op model.

    inputs:  [(name, elem_type, shape)]   graph inputs
    outputs: [(name, elem_type)] or [(name, elem_type, shape)]; shapes are
             filled by shape inference when omitted
    inits:   {name: ndarray} (or TensorProto for hand-made tensors)
    """
    for i, n in enumerate(nodes):
        n.name = "%s_%d" % (n.op_type, i)  # unique node names within the model
    init_protos = []
    for k, v in (inits or {}).items():
        init_protos.append(v if isinstance(v, onnx.TensorProto) else numpy_helper.from_array(np.asarray(v), k))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(o[0], o[1], o[2] if len(o) > 2 else None) for o in outputs],
        initializer=init_protos)
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="quantedge-tests-ops")
    if ir_version:
        model.ir_version = ir_version
    if check:
        model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    common.tag_model(model, "single_op", notes or name)
    for inp, rng_ in (ranges or {}).items():
        e = model.metadata_props.add()
        e.key = "quantedge.input_range." + inp
        e.value = json.dumps(rng_)
    CASES.append((name + ".onnx", model, check))


def node(op, inputs, outputs, domain="", **attrs):
    return helper.make_node(op, inputs, outputs, domain=domain, **attrs)


# --------------------------------------------------------------------------
# float operators
# --------------------------------------------------------------------------

def conv_cases():
    def conv(name, x, w, bias=True, notes="", **attrs):
        ins = [("X", F, x), ("W", F, w)] + ([("B", F, [w[0]])] if bias else [])
        case(name, [node("Conv", [i[0] for i in ins], ["Y"], **attrs)], ins, [("Y", F)],
             notes="Conv " + (notes or str(attrs)))

    conv("Conv_plain", [1, 3, 8, 8], [4, 3, 3, 3], notes="3x3, no padding")
    conv("Conv_pads", [1, 3, 8, 8], [4, 3, 3, 3], pads=[1, 1, 1, 1])
    conv("Conv_pads_asymmetric", [1, 3, 8, 8], [4, 3, 3, 3], pads=[0, 1, 2, 1])
    conv("Conv_strides2", [1, 3, 9, 9], [4, 3, 3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    conv("Conv_strides_1x2_kernel_3x5", [1, 2, 8, 10], [3, 2, 3, 5], strides=[1, 2], pads=[1, 2, 1, 2])
    conv("Conv_dilation2", [1, 3, 9, 9], [4, 3, 3, 3], dilations=[2, 2])
    conv("Conv_group2", [1, 4, 8, 8], [6, 2, 3, 3], group=2, pads=[1, 1, 1, 1])
    conv("Conv_group2_dilation2", [1, 4, 9, 9], [6, 2, 3, 3], group=2, dilations=[2, 2], pads=[2, 2, 2, 2])
    conv("Conv_depthwise", [1, 8, 8, 8], [8, 1, 3, 3], group=8, pads=[1, 1, 1, 1])
    conv("Conv_depthwise_stride2", [1, 8, 9, 9], [8, 1, 3, 3], group=8, strides=[2, 2], pads=[1, 1, 1, 1])
    conv("Conv_depthwise_multiplier2", [1, 4, 8, 8], [8, 1, 3, 3], group=4, pads=[1, 1, 1, 1])
    conv("Conv_1x1", [1, 8, 6, 6], [16, 8, 1, 1])
    conv("Conv_no_bias", [1, 3, 8, 8], [4, 3, 3, 3], bias=False, pads=[1, 1, 1, 1])
    conv("Conv_auto_pad_same_upper", [1, 3, 7, 7], [4, 3, 3, 3], auto_pad="SAME_UPPER", strides=[2, 2])
    conv("Conv_auto_pad_same_upper_even", [1, 3, 8, 8], [4, 3, 4, 4], auto_pad="SAME_UPPER")
    conv("Conv_batch2", [2, 3, 8, 8], [4, 3, 3, 3], pads=[1, 1, 1, 1])


def gemm_matmul_cases():
    def gemm(name, a, b, c, **attrs):
        ins = [("A", F, a), ("B", F, b)] + ([("C", F, c)] if c is not None else [])
        case(name, [node("Gemm", [i[0] for i in ins], ["Y"], **attrs)], ins, [("Y", F)],
             notes="Gemm %s, C shape %s" % (attrs, c))

    gemm("Gemm_plain", [3, 5], [5, 4], [4])
    gemm("Gemm_transA", [5, 3], [5, 4], [4], transA=1)
    gemm("Gemm_transB", [3, 5], [4, 5], [4], transB=1)
    gemm("Gemm_transA_transB_alpha_beta", [5, 3], [4, 5], [3, 4], transA=1, transB=1, alpha=0.5, beta=2.0)
    gemm("Gemm_C_broadcast_column", [3, 5], [5, 4], [3, 1])
    gemm("Gemm_C_scalar", [3, 5], [5, 4], [])
    gemm("Gemm_no_C", [3, 5], [5, 4], None)

    for name, a, b in (("MatMul_2d", [3, 5], [5, 4]),
                       ("MatMul_batched_3d", [2, 3, 5], [2, 5, 4]),
                       ("MatMul_broadcast_3d_2d", [2, 3, 5], [5, 4]),
                       ("MatMul_broadcast_4d_3d", [2, 1, 3, 5], [3, 5, 4]),
                       ("MatMul_1d_2d", [5], [5, 4])):
        case(name, [node("MatMul", ["A", "B"], ["Y"])], [("A", F, a), ("B", F, b)], [("Y", F)],
             notes="MatMul %s x %s" % (a, b))


def elementwise_cases():
    shapes = {"same": ([2, 3, 4], [2, 3, 4]),
              "broadcast": ([2, 3, 4], [3, 1]),
              "broadcast_both": ([2, 1, 4], [3, 1]),
              "scalar": ([2, 3, 4], [])}
    for op in ("Add", "Sub", "Mul", "Div"):
        for tag, (a, b) in shapes.items():
            ranges = {"B": [0.5, 2.0]} if op == "Div" else None
            case("%s_%s" % (op, tag), [node(op, ["A", "B"], ["Y"])], [("A", F, a), ("B", F, b)],
                 [("Y", F)], notes="%s %s with %s (numpy broadcasting)" % (op, a, b), ranges=ranges)

    x = [("X", F, [2, 3, 4])]
    unary = [
        ("Relu", {}, 13, None), ("LeakyRelu", {"alpha": 0.1}, 13, None), ("Sigmoid", {}, 13, None),
        ("Tanh", {}, 13, None), ("HardSigmoid", {}, 13, None),
        ("HardSigmoid_alpha_beta", {"alpha": 0.25, "beta": 0.4}, 13, None),
        ("HardSwish", {}, 14, None), ("Erf", {}, 13, None), ("Sqrt", {}, 13, [0.0, 4.0]),
        ("Identity", {}, 13, None),
    ]
    for name, attrs, opset, rng_ in unary:
        op = name.split("_")[0]
        case(name, [node(op, ["X"], ["Y"], **attrs)], x, [("Y", F)], opset=opset,
             notes="%s %s (opset %d)" % (op, attrs, opset), ranges={"X": rng_} if rng_ else None)

    case("Clip_min_max", [node("Clip", ["X", "min", "max"], ["Y"])], x, [("Y", F)],
         inits={"min": np.array(-0.5, np.float32), "max": np.array(0.5, np.float32)},
         notes="Clip opset 13 with min/max inputs (-0.5, 0.5)")
    case("Clip_relu6", [node("Clip", ["X", "min", "max"], ["Y"])], x, [("Y", F)],
         inits={"min": np.array(0.0, np.float32), "max": np.array(6.0, np.float32)},
         notes="Clip(0, 6) = ReLU6, as exported by PyTorch", ranges={"X": [-8.0, 8.0]})
    case("Clip_min_only", [node("Clip", ["X", "min"], ["Y"])], x, [("Y", F)],
         inits={"min": np.array(-0.25, np.float32)}, notes="Clip with only min")
    case("Clip_max_only", [node("Clip", ["X", "", "max"], ["Y"])], x, [("Y", F)],
         inits={"max": np.array(0.25, np.float32)}, notes="Clip with empty min input, only max")

    case("Pow_scalar_exponent2", [node("Pow", ["X", "E"], ["Y"])], x, [("Y", F)],
         inits={"E": np.array(2.0, np.float32)}, notes="Pow(X, 2.0)")
    case("Pow_scalar_exponent_half", [node("Pow", ["X", "E"], ["Y"])], x, [("Y", F)],
         inits={"E": np.array(0.5, np.float32)}, notes="Pow(X, 0.5), X >= 0", ranges={"X": [0.0, 4.0]})
    case("Pow_elementwise", [node("Pow", ["X", "E"], ["Y"])], x + [("E", F, [4])], [("Y", F)],
         notes="Pow with a broadcast exponent input", ranges={"X": [0.1, 2.0], "E": [-2.0, 2.0]})

    for axis in (-1, 1):
        case("Softmax_axis%d" % axis if axis >= 0 else "Softmax_axis_minus1",
             [node("Softmax", ["X"], ["Y"], axis=axis)], x, [("Y", F)],
             notes="Softmax opset 13, axis %d" % axis, ranges={"X": [-5.0, 5.0]})

    case("Where_broadcast", [node("Where", ["C", "X", "Y"], ["Z"])],
         [("C", B, [2, 1, 4]), ("X", F, [2, 3, 4]), ("Y", F, [4])], [("Z", F)],
         notes="Where with broadcasting bool condition")
    case("Expand_rank_up", [node("Expand", ["X", "shape"], ["Y"])], [("X", F, [3, 1])], [("Y", F)],
         inits={"shape": np.array([2, 3, 4], np.int64)}, notes="Expand [3,1] to [2,3,4]")
    case("Expand_shape_smaller_rank", [node("Expand", ["X", "shape"], ["Y"])], [("X", F, [2, 1, 4])],
         [("Y", F)], inits={"shape": np.array([3, 1], np.int64)},
         notes="Expand [2,1,4] with shape [3,1] -> [2,3,4] (shape broadcasts too)")


def pooling_cases():
    x = [("X", F, [1, 3, 8, 8])]

    def pool(name, op, **attrs):
        case(name, [node(op, ["X"], ["Y"], **attrs)], x, [("Y", F)], notes="%s %s" % (op, attrs))

    pool("MaxPool_k2_s2", "MaxPool", kernel_shape=[2, 2], strides=[2, 2])
    pool("MaxPool_k3_s1_pads1", "MaxPool", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    pool("MaxPool_k3_s2_ceil", "MaxPool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    pool("MaxPool_k3_s2_pads1_ceil", "MaxPool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
         ceil_mode=1)
    pool("MaxPool_k2_dilation2", "MaxPool", kernel_shape=[2, 2], dilations=[2, 2])
    pool("AveragePool_k3_pads1_count_include_pad0", "AveragePool", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
         count_include_pad=0)
    pool("AveragePool_k3_pads1_count_include_pad1", "AveragePool", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
         count_include_pad=1)
    pool("AveragePool_k2_s2", "AveragePool", kernel_shape=[2, 2], strides=[2, 2])
    pool("AveragePool_k3_s2_ceil", "AveragePool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    case("GlobalAveragePool", [node("GlobalAveragePool", ["X"], ["Y"])], [("X", F, [2, 3, 5, 5])],
         [("Y", F)], notes="GlobalAveragePool")

    c = 3
    rng = rng_for("BatchNormalization")
    case("BatchNormalization_inference", [node("BatchNormalization", ["X", "scale", "B", "mean", "var"], ["Y"],
                                               epsilon=1e-5)],
         [("X", F, [2, c, 4, 4])], [("Y", F)],
         inits={"scale": randn(rng, c), "B": randn(rng, c), "mean": randn(rng, c, scale=0.5),
                "var": rng.uniform(0.5, 2.0, c).astype(np.float32)},
         notes="BatchNormalization inference mode (opset 13), statistics as initializers")

    rng = rng_for("LayerNormalization")
    case("LayerNormalization_axis_minus1", [node("LayerNormalization", ["X", "scale", "B"], ["Y"], axis=-1,
                                                 epsilon=1e-5)],
         [("X", F, [2, 3, 8])], [("Y", F)], opset=17,
         inits={"scale": randn(rng, 8), "B": randn(rng, 8)}, notes="LayerNormalization opset 17, axis -1")
    case("LayerNormalization_axis_minus2_no_bias",
         [node("LayerNormalization", ["X", "scale"], ["Y"], axis=-2, epsilon=1e-5)],
         [("X", F, [2, 3, 8])], [("Y", F)], opset=17, inits={"scale": randn(rng, 3, 8)},
         notes="LayerNormalization opset 17, axis -2 (normalizes the last two dims), no bias")

    for keep in (1, 0):
        case("ReduceMean_axes1_keepdims%d" % keep, [node("ReduceMean", ["X"], ["Y"], axes=[1], keepdims=keep)],
             [("X", F, [2, 3, 4])], [("Y", F)], notes="ReduceMean opset 13, axes=[1], keepdims=%d" % keep)
    case("ReduceMean_axes_last2_keepdims1", [node("ReduceMean", ["X"], ["Y"], axes=[-2, -1], keepdims=1)],
         [("X", F, [2, 3, 4])], [("Y", F)], notes="ReduceMean opset 13, axes=[-2,-1]")
    case("ReduceMean_all_axes_keepdims0", [node("ReduceMean", ["X"], ["Y"], keepdims=0)],
         [("X", F, [2, 3, 4])], [("Y", F)], notes="ReduceMean over all axes (no axes attribute), keepdims=0")


def shape_cases():
    x4 = [("X", F, [2, 3, 4, 5])]
    for axis in (1, 2, 0):
        case("Flatten_axis%d" % axis, [node("Flatten", ["X"], ["Y"], axis=axis)], x4, [("Y", F)],
             notes="Flatten axis=%d" % axis)
    for tag, shape in (("0_minus1", [0, -1]), ("minus1_0_2", [-1, 0, 2])):
        case("Reshape_" + tag, [node("Reshape", ["X", "shape"], ["Y"])], [("X", F, [2, 3, 4])], [("Y", F)],
             inits={"shape": np.array(shape, np.int64)}, notes="Reshape [2,3,4] with shape %s" % shape)
    case("Transpose_perm_0231", [node("Transpose", ["X"], ["Y"], perm=[0, 2, 3, 1])], x4, [("Y", F)],
         notes="Transpose NCHW->NHWC")
    case("Transpose_default_reverse", [node("Transpose", ["X"], ["Y"])], [("X", F, [2, 3, 4])], [("Y", F)],
         notes="Transpose without perm (reverses the axes)")
    case("Concat_axis1", [node("Concat", ["A", "B", "C"], ["Y"], axis=1)],
         [("A", F, [2, 1, 4]), ("B", F, [2, 3, 4]), ("C", F, [2, 2, 4])], [("Y", F)], notes="Concat axis=1")
    case("Concat_axis_minus1", [node("Concat", ["A", "B"], ["Y"], axis=-1)],
         [("A", F, [2, 3, 1]), ("B", F, [2, 3, 4])], [("Y", F)], notes="Concat axis=-1")
    case("Split_sizes_input", [node("Split", ["X", "split"], ["Y0", "Y1"], axis=1)], [("X", F, [2, 6, 3])],
         [("Y0", F), ("Y1", F)], inits={"split": np.array([2, 4], np.int64)},
         notes="Split opset 13 with split=[2,4] as input, axis=1")
    case("Split_equal_3", [node("Split", ["X"], ["Y0", "Y1", "Y2"], axis=-1)], [("X", F, [2, 3, 6])],
         [("Y0", F), ("Y1", F), ("Y2", F)], notes="Split into 3 equal parts along the last axis")

    xs = [("X", F, [4, 6, 8])]
    big = np.iinfo(np.int64).max
    small = np.iinfo(np.int64).min
    slices = [
        ("Slice_basic", [0, 1], [2, 5], [0, 1], None),
        ("Slice_negative_starts_ends", [-4], [-1], [2], None),
        ("Slice_steps2", [1, 0], [6, 8], [1, 2], [2, 3]),
        ("Slice_reverse_step_minus1", [-1], [small], [2], [-1]),
        ("Slice_negative_step2_negative_axis", [5, 6], [0, 1], [-2, -1], [-2, -2]),
        ("Slice_ends_out_of_range", [2], [big], [1], None),
        ("Slice_no_axes", [1, 2, 3], [3, 5, 7], None, None),
    ]
    for name, starts, ends, axes, steps in slices:
        inits = {"starts": np.array(starts, np.int64), "ends": np.array(ends, np.int64)}
        ins = ["X", "starts", "ends"]
        if axes is not None or steps is not None:
            inits["axes"] = np.array(axes, np.int64)
            ins.append("axes")
        if steps is not None:
            inits["steps"] = np.array(steps, np.int64)
            ins.append("steps")
        case(name, [node("Slice", ins, ["Y"])], xs, [("Y", F)], inits=inits,
             notes="Slice starts=%s ends=%s axes=%s steps=%s" % (starts, ends, axes, steps))

    case("Squeeze_axes_input", [node("Squeeze", ["X", "axes"], ["Y"])], [("X", F, [1, 3, 1, 4])], [("Y", F)],
         inits={"axes": np.array([0, 2], np.int64)}, notes="Squeeze opset 13, axes [0,2] as input")
    case("Squeeze_no_axes", [node("Squeeze", ["X"], ["Y"])], [("X", F, [1, 3, 1, 4])], [("Y", F)],
         notes="Squeeze all size-1 dims")
    case("Unsqueeze_axes_input", [node("Unsqueeze", ["X", "axes"], ["Y"])], [("X", F, [3, 4])], [("Y", F)],
         inits={"axes": np.array([0, 3], np.int64)}, notes="Unsqueeze opset 13, axes [0,3] -> [1,3,4,1]")
    case("Unsqueeze_negative_axis", [node("Unsqueeze", ["X", "axes"], ["Y"])], [("X", F, [3, 4])], [("Y", F)],
         inits={"axes": np.array([-1], np.int64)}, notes="Unsqueeze axes [-1]")

    pads = np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64)
    px = [("X", F, [1, 2, 4, 5])]
    case("Pad_constant", [node("Pad", ["X", "pads", "value"], ["Y"], mode="constant")], px, [("Y", F)],
         inits={"pads": pads, "value": np.array(0.5, np.float32)},
         notes="Pad constant 0.5, pads %s" % pads.tolist())
    case("Pad_constant_default_zero", [node("Pad", ["X", "pads"], ["Y"])], px, [("Y", F)],
         inits={"pads": pads}, notes="Pad constant, no value input (zero)")
    for mode in ("reflect", "edge"):
        case("Pad_" + mode, [node("Pad", ["X", "pads"], ["Y"], mode=mode)], px, [("Y", F)],
             inits={"pads": pads}, notes="Pad mode=%s, pads %s" % (mode, pads.tolist()))

    rx = [("X", F, [1, 3, 4, 5])]
    resize = [
        ("Resize_nearest_asymmetric_floor_scales2", "scales", [1, 1, 2, 2],
         dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
        ("Resize_nearest_asymmetric_floor_sizes", "sizes", [1, 3, 7, 9],
         dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
        ("Resize_nearest_default_modes_scales", "scales", [1, 1, 1.5, 2],
         dict(mode="nearest")),
        ("Resize_nearest_downsample_scales", "scales", [1, 1, 0.5, 0.6],
         dict(mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor")),
        ("Resize_linear_half_pixel_scales2", "scales", [1, 1, 2, 2],
         dict(mode="linear", coordinate_transformation_mode="half_pixel")),
        ("Resize_linear_half_pixel_sizes", "sizes", [1, 3, 7, 9],
         dict(mode="linear", coordinate_transformation_mode="half_pixel")),
        ("Resize_linear_align_corners_sizes", "sizes", [1, 3, 8, 10],
         dict(mode="linear", coordinate_transformation_mode="align_corners")),
    ]
    for name, kind, values, attrs in resize:
        if kind == "scales":
            inits = {"roi": np.array([], np.float32), "scales": np.array(values, np.float32)}
            ins = ["X", "roi", "scales"]
        else:
            inits = {"sizes": np.array(values, np.int64)}
            ins = ["X", "", "", "sizes"]
        case(name, [node("Resize", ins, ["Y"], **attrs)], rx, [("Y", F)], inits=inits,
             notes="Resize opset 13, %s=%s, %s" % (kind, values, attrs))

    case("Shape", [node("Shape", ["X"], ["Y"])], [("X", F, [2, 3, 4])], [("Y", I64)], notes="Shape -> int64 [3]")
    case("Shape_start_end", [node("Shape", ["X"], ["Y"], start=1, end=-1)], [("X", F, [2, 3, 4, 5])],
         [("Y", I64)], opset=15, notes="Shape opset 15 with start=1, end=-1")
    case("Constant_add", [node("Constant", [], ["C"], value=numpy_helper.from_array(
        np.arange(6, dtype=np.float32).reshape(2, 3) / 4, "C")), node("Add", ["X", "C"], ["Y"])],
         [("X", F, [2, 3])], [("Y", F)], notes="Constant node (tensor value) added to the input")
    case("Constant_value_float_scalar", [node("Constant", [], ["C"], value_float=1.5),
                                         node("Mul", ["X", "C"], ["Y"])],
         [("X", F, [2, 3])], [("Y", F)], notes="Constant with value_float attribute, times the input")

    gathers = [("Gather_axis0", 0, [[0, 2], [-1, 1]]), ("Gather_axis1_negative_indices", 1, [-1, 0, -3]),
               ("Gather_axis0_scalar_index", 0, -2)]
    for name, axis, idx in gathers:
        case(name, [node("Gather", ["X", "indices"], ["Y"], axis=axis)], [("X", F, [4, 3, 2])], [("Y", F)],
             inits={"indices": np.array(idx, np.int64)}, notes="Gather axis=%d indices=%s" % (axis, idx))

    case("Cast_float_int64_float", [node("Cast", ["X"], ["I"], to=I64), node("Cast", ["I"], ["Y"], to=F)],
         [("X", F, [2, 3, 4])], [("Y", F)], ranges={"X": [-10.0, 10.0]},
         notes="Cast float->int64 (truncates toward zero) -> float")
    case("Cast_float_int8", [node("Cast", ["X"], ["Y"], to=I8)], [("X", F, [2, 3, 4])], [("Y", I8)],
         ranges={"X": [-100.0, 100.0]},
         notes="Cast float->int8 (truncation toward zero; out-of-range values are undefined, keep |x| < 128)")
    case("Cast_int8_float", [node("Cast", ["X"], ["Y"], to=F)], [("X", I8, [2, 3, 4])], [("Y", F)],
         notes="Cast int8->float")
    case("Cast_uint8_float", [node("Cast", ["X"], ["Y"], to=F)], [("X", U8, [2, 3, 4])], [("Y", F)],
         notes="Cast uint8->float")


# --------------------------------------------------------------------------
# quantized operators
# --------------------------------------------------------------------------

def qdq_cases():
    x = [("X", F, [2, 3, 4, 4])]
    rng = rng_for("QuantizeLinear")
    for dtype, zp in ((I8, np.int8(-3)), (U8, np.uint8(128))):
        tag = "int8" if dtype == I8 else "uint8"
        inits = {"scale": np.array(0.02, np.float32), "zero_point": np.array(zp)}
        case("QuantizeLinear_per_tensor_" + tag, [node("QuantizeLinear", ["X", "scale", "zero_point"], ["Y"])],
             x, [("Y", dtype)], inits=inits, ranges={"X": [-3.0, 3.0]},
             notes="QuantizeLinear per tensor to %s, scale 0.02, zp %d (saturates)" % (tag, int(zp)))
        case("DequantizeLinear_per_tensor_" + tag,
             [node("DequantizeLinear", ["X", "scale", "zero_point"], ["Y"])],
             [("X", dtype, [2, 3, 4, 4])], [("Y", F)], inits=inits,
             notes="DequantizeLinear per tensor from %s, scale 0.02, zp %d" % (tag, int(zp)))
    case("QuantizeLinear_no_zero_point_uint8", [node("QuantizeLinear", ["X", "scale"], ["Y"])], x,
         [("Y", U8)], inits={"scale": np.array(0.01, np.float32)}, ranges={"X": [-1.0, 3.0]},
         notes="QuantizeLinear without zero point: uint8, zp 0")
    per_axis = {"scale": rng.uniform(0.005, 0.05, 3).astype(np.float32),
                "zero_point": np.array([-5, 0, 7], np.int8)}
    case("QuantizeLinear_per_axis_int8", [node("QuantizeLinear", ["X", "scale", "zero_point"], ["Y"], axis=1)],
         x, [("Y", I8)], inits=per_axis, ranges={"X": [-3.0, 3.0]},
         notes="QuantizeLinear per axis (axis=1, 3 channels) to int8")
    case("DequantizeLinear_per_axis_int8",
         [node("DequantizeLinear", ["X", "scale", "zero_point"], ["Y"], axis=1)],
         [("X", I8, [2, 3, 4, 4])], [("Y", F)], inits=per_axis,
         notes="DequantizeLinear per axis (axis=1) from int8")
    case("DequantizeLinear_int32_bias_style",
         [node("DequantizeLinear", ["X", "scale", "zero_point"], ["Y"], axis=0)],
         [("X", I32, [6])], [("Y", F)],
         inits={"scale": rng.uniform(1e-5, 1e-4, 6).astype(np.float32), "zero_point": np.zeros(6, np.int32)},
         notes="DequantizeLinear of an int32 per-channel tensor (how QDQ models store biases)",
         ranges={"X": [-100000, 100000]})
    case("QuantizeDequantize_roundtrip_int8",
         [node("QuantizeLinear", ["X", "scale", "zero_point"], ["Q"]),
          node("DequantizeLinear", ["Q", "scale", "zero_point"], ["Y"])],
         x, [("Y", F)], inits={"scale": np.array(0.0125, np.float32), "zero_point": np.array(10, np.int8)},
         ranges={"X": [-2.0, 2.0]}, notes="QuantizeLinear -> DequantizeLinear pair (fake quantization)")
    case("DynamicQuantizeLinear", [node("DynamicQuantizeLinear", ["X"], ["Y", "Y_scale", "Y_zero_point"])],
         [("X", F, [3, 4])], [("Y", U8), ("Y_scale", F), ("Y_zero_point", U8)],
         notes="DynamicQuantizeLinear (uint8; range widened to include 0)")


def qlinear_cases():
    def qconv(name, x_t, w_t, per_channel, depthwise=False):
        rng = rng_for(name)
        cin, cout, k = (4, 4, 3) if depthwise else (3, 4, 3)
        group = cin if depthwise else 1
        w = randint(rng, w_t, cout, cin // group, k, k)
        x_zp = np.array(128 if x_t == U8 else -2, NP[x_t])
        if per_channel:
            w_scale = rng.uniform(0.002, 0.02, cout).astype(np.float32)
            w_zp = np.zeros(cout, NP[w_t]) if w_t == I8 else np.full(cout, 128, np.uint8)
        else:
            w_scale = np.array(0.01, np.float32)
            w_zp = np.array(0 if w_t == I8 else 120, NP[w_t])
        y_zp = np.array(100 if x_t == U8 else 5, NP[x_t])
        inits = {"x_scale": np.array(0.05, np.float32), "x_zero_point": x_zp, "w": w, "w_scale": w_scale,
                 "w_zero_point": w_zp, "y_scale": np.array(0.5, np.float32), "y_zero_point": y_zp,
                 "bias": rng.integers(-2000, 2000, cout).astype(np.int32)}
        case(name, [node("QLinearConv", ["X", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point",
                                         "y_scale", "y_zero_point", "bias"], ["Y"], pads=[1, 1, 1, 1],
                         group=group)],
             [("X", x_t, [1, cin, 6, 6])], [("Y", x_t)], inits=inits,
             notes="QLinearConv 3x3 pad 1%s, x/y %s, w %s %s, int32 bias" % (
                 ", depthwise" if depthwise else "", T.DataType.Name(x_t).lower(),
                 T.DataType.Name(w_t).lower(), "per channel" if per_channel else "per tensor"))

    qconv("QLinearConv_per_tensor_uint8", U8, U8, False)
    qconv("QLinearConv_per_tensor_int8", I8, I8, False)
    qconv("QLinearConv_per_channel_uint8_x_int8_w", U8, I8, True)
    qconv("QLinearConv_per_channel_int8", I8, I8, True)
    qconv("QLinearConv_depthwise_per_channel_int8", I8, I8, True, depthwise=True)

    def qmatmul(name, a_t, b_t):
        rng = rng_for(name)
        inits = {"a_scale": np.array(0.05, np.float32),
                 "a_zero_point": np.array(128 if a_t == U8 else -1, NP[a_t]),
                 "b": randint(rng, b_t, 8, 5), "b_scale": np.array(0.01, np.float32),
                 "b_zero_point": np.array(125 if b_t == U8 else 0, NP[b_t]),
                 "y_scale": np.array(0.3, np.float32), "y_zero_point": np.array(128 if a_t == U8 else 3, NP[a_t])}
        case(name, [node("QLinearMatMul", ["A", "a_scale", "a_zero_point", "b", "b_scale", "b_zero_point",
                                           "y_scale", "y_zero_point"], ["Y"])],
             [("A", a_t, [3, 8])], [("Y", a_t)], inits=inits,
             notes="QLinearMatMul [3,8]x[8,5], a/y %s, b %s" % (T.DataType.Name(a_t).lower(),
                                                                T.DataType.Name(b_t).lower()))

    qmatmul("QLinearMatMul_uint8", U8, U8)
    qmatmul("QLinearMatMul_int8", I8, I8)
    qmatmul("QLinearMatMul_uint8_x_int8_w", U8, I8)

    rng = rng_for("MatMulInteger")
    b = randint(rng, I8, 8, 5)
    case("MatMulInteger_zero_points", [node("MatMulInteger", ["A", "B", "a_zero_point", "b_zero_point"], ["Y"])],
         [("A", U8, [3, 8])], [("Y", I32)],
         inits={"B": b, "a_zero_point": np.array(131, np.uint8), "b_zero_point": np.array(-3, np.int8)},
         notes="MatMulInteger uint8 x int8 with scalar zero points -> int32")
    case("MatMulInteger_no_zero_points", [node("MatMulInteger", ["A", "B"], ["Y"])],
         [("A", U8, [2, 3, 8])], [("Y", I32)], inits={"B": b},
         notes="MatMulInteger uint8 [2,3,8] x int8 [8,5], no zero points -> int32")

    rng = rng_for("ConvInteger")
    w = randint(rng, U8, 4, 3, 3, 3)
    case("ConvInteger_zero_points", [node("ConvInteger", ["X", "W", "x_zero_point", "w_zero_point"], ["Y"],
                                          pads=[1, 1, 1, 1])],
         [("X", U8, [1, 3, 6, 6])], [("Y", I32)],
         inits={"W": w, "x_zero_point": np.array(128, np.uint8), "w_zero_point": np.array(120, np.uint8)},
         notes="ConvInteger uint8 x uint8 (the combination ORT's CPU kernel implements), pads 1, zero points")
    case("ConvInteger_no_zero_points", [node("ConvInteger", ["X", "W"], ["Y"], strides=[2, 2])],
         [("X", U8, [1, 3, 7, 7])], [("Y", I32)], inits={"W": w},
         notes="ConvInteger uint8 x uint8, stride 2, no zero points")


def matmul_nbits_cases():
    """com.microsoft MatMulNBits, 4 bits; see nbits.py for the layout."""
    def mnb(name, a_shape, k, n, block, with_zp, accuracy_level=None):
        rng = rng_for(name)
        q = nbits.quantize_matmul_nbits(randn(rng, k, n, scale=1 / np.sqrt(k)), 4, block, with_zp)
        inits = {"B": q["B"], "scales": q["scales"]}
        ins = ["A", "B", "scales"]
        if with_zp:
            inits["zero_points"] = q["zero_points"]
            ins.append("zero_points")
        k_blocks = -(-k // block)
        # Self-check: the spec-following unpacker in onnx_ref must reproduce
        # the matrix the packer meant (catches nibble order / padding slips).
        unpacked = onnx_ref.matmul_nbits_dequant(q["B"], q["scales"], q.get("zero_points"), k, n, 4, block)
        assert np.array_equal(unpacked, q["W_dequant"]), name
        level = {} if accuracy_level is None else {"accuracy_level": accuracy_level}
        case(name, [node("MatMulNBits", ins, ["Y"], domain="com.microsoft", K=k, N=n, bits=4, block_size=block,
                         **level)],
             [("A", F, a_shape + [k])], [("Y", F, a_shape + [n])], inits=inits,
             extra_opsets=[("com.microsoft", 1)],
             notes="MatMulNBits bits=4 block_size=%d K=%d N=%d (k_blocks=%d%s), B %s, scales [%d]%s%s" % (
                 block, k, n, k_blocks, ", K not a multiple of block_size" if k % block else "",
                 list(q["B"].shape), q["scales"].size,
                 ", packed uint8 zero_points [%d]" % q["zero_points"].size if with_zp
                 else ", no zero_points (implicit 8)",
                 "" if accuracy_level is None else
                 ", accuracy_level=%d (A quantized to int8 per block)" % accuracy_level))

    mnb("MatMulNBits_b4_bs32", [2], 64, 16, 32, False)
    mnb("MatMulNBits_b4_bs32_zp", [2], 64, 16, 32, True)
    mnb("MatMulNBits_b4_bs16", [3], 48, 8, 16, False)
    mnb("MatMulNBits_b4_bs16_zp_odd_blocks", [3], 48, 8, 16, True)
    mnb("MatMulNBits_b4_bs32_K40_not_multiple", [2], 40, 12, 32, False)
    mnb("MatMulNBits_b4_bs16_K40_not_multiple_zp", [2], 40, 12, 16, True)
    mnb("MatMulNBits_b4_bs32_3d_input_zp", [1, 5], 64, 24, 32, True)
    mnb("MatMulNBits_b4_bs32_int8_activations", [3], 256, 40, 32, False, accuracy_level=4)
    mnb("MatMulNBits_b4_bs16_int8_activations_zp", [2], 72, 24, 16, True, accuracy_level=4)


def int4_tensor(name, values, dims):
    """A TensorProto of ONNX type INT4 (22), built by hand.

    onnx 1.12 predates INT4, but data_type is a plain int32 field: pack two
    signed 4-bit values per byte, first element in the low nibble, into
    raw_data (an odd count leaves the last high nibble 0).
    """
    flat = np.asarray(values, np.int8).reshape(-1)
    assert flat.min() >= -8 and flat.max() <= 7
    nib = (flat.astype(np.int16) & 0x0F).astype(np.uint8)
    if nib.size % 2:
        nib = np.append(nib, np.uint8(0))
    t = onnx.TensorProto()
    t.name = name
    t.data_type = 22  # INT4 (ONNX 1.16+ / IR 10)
    t.dims.extend(dims)
    t.raw_data = (nib[0::2] | (nib[1::2] << 4)).astype(np.uint8).tobytes()
    # Decode again (sign-extend each nibble) to make sure the packing is right.
    raw = np.frombuffer(t.raw_data, np.uint8)
    back = np.stack([raw & 0x0F, raw >> 4], axis=1).reshape(-1)[:flat.size].astype(np.int8)
    assert np.array_equal(np.where(back > 7, back - 16, back), flat)
    return t


def int4_dq_cases():
    """Opset-21 blocked DequantizeLinear of an int4 weight, feeding a MatMul.

    Y = A @ DequantizeLinear(W_int4 [K,N], scale [K/32, N], axis=0, block_size=32)
    The checker (onnx 1.12) knows neither opset 21 nor INT4, so these files are
    not checked; IR version is set to 10 as opset 21 requires.
    """
    k, n, block = 64, 16, 32
    for with_zp in (False, True):
        name = "DequantizeLinear_int4_blocked_opset21" + ("_zp" if with_zp else "")
        rng = rng_for(name)
        w = rng.integers(-8, 7, size=(k, n), endpoint=True)
        inits = {"W": int4_tensor("W", w, [k, n]),
                 "scale": rng.uniform(0.01, 0.05, (k // block, n)).astype(np.float32)}
        dq_in = ["W", "scale"]
        if with_zp:
            inits["zero_point"] = int4_tensor("zero_point", rng.integers(-2, 2, size=(k // block, n),
                                                                         endpoint=True), [k // block, n])
            dq_in.append("zero_point")
        case(name, [node("DequantizeLinear", dq_in, ["W_float"], axis=0, block_size=block),
                    node("MatMul", ["A", "W_float"], ["Y"])],
             [("A", F, [2, k])], [("Y", F, [2, n])], inits=inits, opset=21, ir_version=10, check=False,
             notes="Opset-21 blocked DequantizeLinear of an INT4 (data type 22) weight [64,16], axis 0, "
                   "block_size 32, scale [2,16]%s, then MatMul. Hand-packed raw_data, two values per byte, "
                   "low nibble first; not checked (onnx 1.12 predates opset 21)." % (
                       ", int4 zero_point [2,16]" if with_zp else ""))


def main():
    common.seed_everything()
    for make in (conv_cases, gemm_matmul_cases, elementwise_cases, pooling_cases, shape_cases,
                 qdq_cases, qlinear_cases, matmul_nbits_cases, int4_dq_cases):
        make()
    os.makedirs(common.OPS_DIR, exist_ok=True)
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    # Remove stale files from earlier runs, so ops/ holds exactly this list.
    for f in sorted(os.listdir(common.OPS_DIR)):
        if f.endswith(".onnx") and f not in names:
            os.remove(os.path.join(common.OPS_DIR, f))
    for fname, model, check in CASES:
        path = os.path.join(common.OPS_DIR, fname)
        if check:
            onnx.checker.check_model(model, full_check=True)
        with open(path, "wb") as f:
            f.write(model.SerializeToString())
    unchecked = [c[0] for c in CASES if not c[2]]
    print("wrote %d models to ops/ (%d not checkable: %s)" % (len(CASES), len(unchecked), ", ".join(unchecked)))


if __name__ == "__main__":
    main()
