"""A small, slow, numpy-only ONNX interpreter for the graphs built here.

There is no onnxruntime for Python on the build machine, so this is how the
generators
  * check that a torch.onnx export computes the same thing as PyTorch,
  * calibrate activation ranges (it can return every intermediate tensor),
  * measure the accuracy of the quantized graphs (QDQ, QOperator, dynamic),
  * sanity-check MatMulNBits packing.

It implements only the operators and attributes these graphs use, and
follows the ONNX spec (e.g. QuantizeLinear rounds half to even and
saturates).  It is a reference for *these scripts*; the Java tests use
ONNX Runtime as their oracle.
"""

import math

import numpy as np
import onnx
from onnx import numpy_helper

# ONNX TensorProto data type -> numpy dtype (only the ones we use)
NP_DTYPE = {
    onnx.TensorProto.FLOAT: np.float32,
    onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.INT8: np.int8,
    onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.BOOL: np.bool_,
}

QRANGE = {np.dtype(np.int8): (-128, 127), np.dtype(np.uint8): (0, 255)}


# --------------------------------------------------------------------------
# quantization primitives (shared with the quantization scripts)
# --------------------------------------------------------------------------

def _bcast(param, x_ndim, axis):
    """Reshape a per-axis 1-D parameter so it broadcasts along `axis`."""
    param = np.asarray(param)
    if axis is None:  # per-tensor
        return param.reshape(())
    shape = [1] * x_ndim
    shape[axis] = param.size
    return param.reshape(shape)


def quantize(x, scale, zero_point, axis=1):
    """ONNX QuantizeLinear: saturate(round_half_even(x / scale) + zp)."""
    zp = np.asarray(zero_point)
    lo, hi = QRANGE[zp.dtype]
    per_axis = np.asarray(scale).ndim == 1 and np.asarray(scale).size > 1
    ax = axis if per_axis else None
    s = _bcast(np.asarray(scale, np.float32), x.ndim, ax)
    z = _bcast(zp.astype(np.int32), x.ndim, ax)
    q = np.rint(x.astype(np.float32) / s).astype(np.float64) + z  # rint = half-to-even
    return np.clip(q, lo, hi).astype(zp.dtype)


def dequantize(q, scale, zero_point=None, axis=1):
    """ONNX DequantizeLinear: (q - zp) * scale."""
    per_axis = np.asarray(scale).ndim == 1 and np.asarray(scale).size > 1
    ax = axis if per_axis else None
    s = _bcast(np.asarray(scale, np.float32), q.ndim, ax)
    z = 0 if zero_point is None else _bcast(np.asarray(zero_point).astype(np.int32), q.ndim, ax)
    return ((q.astype(np.int32) - z).astype(np.float32) * s).astype(np.float32)


# --------------------------------------------------------------------------
# convolution / pooling helpers
# --------------------------------------------------------------------------

def _patches(x, kh, kw, strides, dilations):
    """View [N,C,H,W] (already padded) as [N,C,kh,kw,OH,OW] without copying."""
    n, c, h, w = x.shape
    sh, sw = strides
    dh, dw = dilations
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, shape=(n, c, kh, kw, oh, ow),
        strides=(s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh, s[3] * sw),
        writeable=False)


def _pads_2d(node_attrs, x_shape, w_shape, strides, dilations):
    pads = list(node_attrs.get("pads", [0, 0, 0, 0]))
    auto_pad = node_attrs.get("auto_pad", b"NOTSET")
    if isinstance(auto_pad, bytes):
        auto_pad = auto_pad.decode()
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pads = [0, 0, 0, 0]
        for i in range(2):
            in_sz = x_shape[2 + i]
            out_sz = -(-in_sz // strides[i])
            k_eff = dilations[i] * (w_shape[i] - 1) + 1
            total = max(0, (out_sz - 1) * strides[i] + k_eff - in_sz)
            small, big = total // 2, total - total // 2
            if auto_pad == "SAME_UPPER":
                pads[i], pads[i + 2] = small, big
            else:
                pads[i], pads[i + 2] = big, small
    elif auto_pad == "VALID":
        pads = [0, 0, 0, 0]
    return pads


def conv2d(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dilations=(1, 1), group=1,
           acc_dtype=np.float32):
    """Grouped 2-D convolution, NCHW / MCkk, computed as batched matmuls."""
    x = x.astype(acc_dtype)
    w = w.astype(acc_dtype)
    n, c, _, _ = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    p = _patches(xp, kh, kw, strides, dilations)            # N,C,kh,kw,OH,OW
    oh, ow = p.shape[4], p.shape[5]
    g = group
    p = p.reshape(n, g, cg, kh, kw, oh, ow)
    p = p.transpose(1, 0, 5, 6, 2, 3, 4).reshape(g, n * oh * ow, cg * kh * kw)
    wg = w.reshape(g, m // g, cg * kh * kw).transpose(0, 2, 1)  # G, K, M/G
    y = np.matmul(p, wg)                                       # G, N*OH*OW, M/G
    y = y.reshape(g, n, oh, ow, m // g).transpose(1, 0, 4, 2, 3).reshape(n, m, oh, ow)
    if b is not None:
        y = y + b.astype(acc_dtype).reshape(1, -1, 1, 1)
    return y


def maxpool2d(x, kernel, strides, pads):
    lo = np.finfo(np.float32).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])),
                constant_values=lo)
    p = _patches(xp, kernel[0], kernel[1], strides, (1, 1))
    return p.max(axis=(2, 3)).astype(x.dtype)


# --------------------------------------------------------------------------
# the interpreter
# --------------------------------------------------------------------------

def _attrs(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        out[a.name] = v
    return out


def _unpack_nbits(b, bits):
    """MatMulNBits B [N, k_blocks, blob] uint8 -> [N, k_blocks*block] codes, low bits first."""
    per_byte = 8 // bits
    mask = (1 << bits) - 1
    parts = [(b >> (bits * i)) & mask for i in range(per_byte)]
    return np.stack(parts, axis=-1).reshape(b.shape[0], -1)


def matmul_nbits_dequant(b, scales, zero_points, k, n, bits, block_size):
    """Dequantize MatMulNBits weights to a float32 [K, N] matrix."""
    k_blocks = -(-k // block_size)
    codes = _unpack_nbits(b.reshape(n, k_blocks, -1), bits).astype(np.float32)
    codes = codes.reshape(n, k_blocks, block_size)
    scales = scales.reshape(n, k_blocks, 1).astype(np.float32)
    if zero_points is None:
        zp = np.float32(2 ** (bits - 1))
    elif zero_points.dtype == np.uint8:
        zp = _unpack_nbits(zero_points.reshape(n, -1), bits)[:, :k_blocks]
        zp = zp.reshape(n, k_blocks, 1).astype(np.float32)
    else:
        zp = zero_points.reshape(n, k_blocks, 1).astype(np.float32)
    w = ((codes - zp) * scales).reshape(n, k_blocks * block_size)[:, :k]
    return w.T.copy()


def _erf(x):
    return np.vectorize(math.erf, otypes=[np.float64])(x).astype(x.dtype)


def run(model, feeds, keep_all=False):
    """Evaluate `model` on `feeds` (dict name -> ndarray).

    Returns the graph outputs as a dict, or every tensor if keep_all.
    """
    graph = model.graph
    env = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    env.update(feeds)
    for node in graph.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        outs = _run_node(node.op_type, node.domain, a, ins)
        for name, val in zip(node.output, outs):
            if name:
                env[name] = val
    if keep_all:
        return env
    return {o.name: env[o.name] for o in graph.output}


def _run_node(op, domain, a, ins):  # noqa: C901 - a flat dispatch table is clearest here
    x = ins[0] if ins else None
    if op == "Conv":
        strides = a.get("strides", [1, 1])
        dil = a.get("dilations", [1, 1])
        pads = _pads_2d(a, x.shape, ins[1].shape[2:], strides, dil)
        b = ins[2] if len(ins) > 2 else None
        return [conv2d(x, ins[1], b, strides, pads, dil, a.get("group", 1)).astype(np.float32)]
    if op == "BatchNormalization":
        scale, bias, mean, var = ins[1:5]
        eps = a.get("epsilon", 1e-5)
        sh = (1, -1) + (1,) * (x.ndim - 2)
        y = (x - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + np.float32(eps))
        return [(y * scale.reshape(sh) + bias.reshape(sh)).astype(np.float32)]
    if op == "Relu":
        return [np.maximum(x, np.zeros((), x.dtype))]
    if op == "Clip":
        lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", -np.inf)
        hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", np.inf)
        return [np.clip(x, lo, hi).astype(x.dtype)]
    if op == "MaxPool":
        k = a["kernel_shape"]
        assert not a.get("ceil_mode", 0), "ceil_mode not needed here"
        return [maxpool2d(x, k, a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]))]
    if op == "GlobalAveragePool":
        return [x.mean(axis=(2, 3), keepdims=True, dtype=np.float32).astype(np.float32)]
    if op == "Flatten":
        ax = a.get("axis", 1)
        return [x.reshape(int(np.prod(x.shape[:ax])), -1)]
    if op == "Reshape":
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(ins[1].tolist())]
        return [x.reshape(shape)]
    if op == "Transpose":
        return [x.transpose(a.get("perm", list(range(x.ndim))[::-1]))]
    if op == "Identity":
        return [x]
    if op == "Constant":
        return [numpy_helper.to_array(a["value"])]
    if op == "Gemm":
        A = x.T if a.get("transA", 0) else x
        B = ins[1].T if a.get("transB", 0) else ins[1]
        y = np.float32(a.get("alpha", 1.0)) * (A @ B)
        if len(ins) > 2 and ins[2] is not None:
            y = y + np.float32(a.get("beta", 1.0)) * ins[2]
        return [y.astype(np.float32)]
    if op == "MatMul":
        return [np.matmul(x, ins[1]).astype(np.float32)]
    if op in ("Add", "Sub", "Mul", "Div", "Pow"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
             "Div": np.divide, "Pow": np.power}[op]
        return [f(x, ins[1]).astype(x.dtype)]
    if op == "Sqrt":
        return [np.sqrt(x)]
    if op == "Erf":
        return [_erf(x)]
    if op == "Tanh":
        return [np.tanh(x)]
    if op == "Softmax":
        ax = a.get("axis", -1)
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        return [(e / e.sum(axis=ax, keepdims=True)).astype(np.float32)]
    if op == "ReduceMean":
        return [x.mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1))).astype(x.dtype)]
    if op == "LayerNormalization":
        ax = a.get("axis", -1)
        axes = tuple(range(ax % x.ndim, x.ndim))
        mu = x.mean(axis=axes, keepdims=True)
        var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
        y = (x - mu) / np.sqrt(var + np.float32(a.get("epsilon", 1e-5)))
        y = y * ins[1]
        if len(ins) > 2 and ins[2] is not None:
            y = y + ins[2]
        return [y.astype(np.float32)]
    if op == "Cast":
        return [x.astype(NP_DTYPE[a["to"]])]
    if op == "QuantizeLinear":
        zp = ins[2] if len(ins) > 2 and ins[2] is not None else np.uint8(0)
        return [quantize(x, ins[1], zp, a.get("axis", 1))]
    if op == "DequantizeLinear":
        zp = ins[2] if len(ins) > 2 else None
        return [dequantize(x, ins[1], zp, a.get("axis", 1))]
    if op == "DynamicQuantizeLinear":
        # uint8, range always includes 0, zp = saturate(round(0 - min/scale))
        lo = min(float(x.min()), 0.0)
        hi = max(float(x.max()), 0.0)
        scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
        zp = np.uint8(np.clip(np.rint(np.float32(0 - lo) / scale), 0, 255))
        return [quantize(x, scale, zp), np.array(scale, np.float32), np.array(zp, np.uint8)]
    if op == "MatMulInteger":
        az = ins[2].astype(np.int64) if len(ins) > 2 and ins[2] is not None else 0
        bz = ins[3].astype(np.int64) if len(ins) > 3 and ins[3] is not None else 0
        acc = np.matmul((x.astype(np.int64) - az).astype(np.float64),
                        (ins[1].astype(np.int64) - bz).astype(np.float64))
        return [acc.astype(np.int32)]
    if op == "QLinearConv":
        xs, xz, w, ws, wz, ys, yz = ins[1:8]
        b = ins[8] if len(ins) > 8 else None
        strides = a.get("strides", [1, 1])
        dil = a.get("dilations", [1, 1])
        pads = _pads_2d(a, x.shape, w.shape[2:], strides, dil)
        wz_b = wz.astype(np.int64).reshape(-1, 1, 1, 1) if wz.size > 1 else np.int64(wz)
        acc = conv2d(x.astype(np.int64) - np.int64(xz), w.astype(np.int64) - wz_b, None,
                     strides, pads, dil, a.get("group", 1), acc_dtype=np.float64)
        if b is not None:
            acc = acc + b.astype(np.float64).reshape(1, -1, 1, 1)
        mult = (np.float32(xs) * ws.astype(np.float32)) / np.float32(ys)
        mult = mult.reshape(1, -1, 1, 1) if mult.size > 1 else mult
        y = np.rint(acc.astype(np.float32) * mult) + np.float32(yz)
        lo, hi = QRANGE[yz.dtype]
        return [np.clip(y, lo, hi).astype(yz.dtype)]
    if op == "QLinearMatMul":
        as_, az, b, bs, bz, ys, yz = ins[1:8]
        acc = np.matmul((x.astype(np.int64) - np.int64(az)).astype(np.float64),
                        (b.astype(np.int64) - bz.astype(np.int64)).astype(np.float64))
        mult = (np.float32(as_) * bs.astype(np.float32)) / np.float32(ys)
        y = np.rint(acc.astype(np.float32) * mult) + np.float32(yz)
        lo, hi = QRANGE[yz.dtype]
        return [np.clip(y, lo, hi).astype(yz.dtype)]
    if op == "MatMulNBits" and domain == "com.microsoft":
        zp = ins[3] if len(ins) > 3 and ins[3] is not None else None
        w = matmul_nbits_dequant(ins[1], ins[2], zp, a["K"], a["N"], a.get("bits", 4),
                                 a["block_size"])
        return [np.matmul(x, w).astype(np.float32)]
    # Shape arithmetic that torch.onnx emits for chunk() and size() (opset 13+ forms).
    if op == "Shape":
        return [np.array(x.shape, dtype=np.int64)]
    if op == "Gather":
        return [np.take(x, ins[1], axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        return [np.expand_dims(x, tuple(int(v) for v in ins[1]))]
    if op == "Concat":
        return [np.concatenate(ins, axis=a["axis"])]
    if op == "Slice":
        axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(ins[1])))
        steps = ins[4].tolist() if len(ins) > 4 and ins[4] is not None else [1] * len(axes)
        index = [slice(None)] * x.ndim
        for start, end, axis, step in zip(ins[1].tolist(), ins[2].tolist(), axes, steps):
            index[axis] = slice(start, end, step)
        return [x[tuple(index)]]
    raise NotImplementedError("onnx_ref: op %s (%s) not implemented" % (op, domain))
