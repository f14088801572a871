"""Block-wise 4-bit (or 2/8-bit) weight quantization in com.microsoft MatMulNBits layout.

MatMulNBits computes Y = A @ W where W is float [K, N], stored as

  B            uint8 [N, k_blocks, block_size * bits / 8]   k_blocks = ceil(K / block_size)
               W transposed to [N, K], cut into blocks of block_size along K,
               codes packed low bits first (for 4 bits: element 2i in the low
               nibble, element 2i+1 in the high nibble of byte i).  A last,
               partial block is padded with the zero-point code (dequantizes to 0).
  scales       float [N * k_blocks]                        (row n, block j at n*k_blocks + j)
  zero_points  uint8 [N * ceil(k_blocks * bits / 8)], optional, packed like B per row;
               when absent the zero point is 2^(bits-1) (8 for 4 bits).

We use 1-D scales / zero points (the layout ORT's own quantizer writes; ORT
also accepts [N, k_blocks] and [N, ceil(...)] since its shape checks were
relaxed).  Quantization is round-to-nearest (half to even):
  symmetric (no zero_points):  scale = max|w| / (2^(bits-1) - 1),
                               code = clip(round(w / scale), -2^(bits-1), 2^(bits-1)-1) + 2^(bits-1)
  asymmetric (zero_points):    lo = min(w, 0), hi = max(w, 0), scale = (hi - lo) / (2^bits - 1),
                               zp = clip(round(-lo / scale), 0, 2^bits-1),
                               code = clip(round(w / scale) + zp, 0, 2^bits-1)
"""

import numpy as np


def _pack_rows(codes, bits):
    """[rows, n] small ints -> [rows, ceil(n*bits/8)] uint8, low bits first."""
    per_byte = 8 // bits
    rows, n = codes.shape
    padded = np.zeros((rows, -(-n // per_byte) * per_byte), np.uint8)
    padded[:, :n] = codes
    padded = padded.reshape(rows, -1, per_byte)
    out = np.zeros(padded.shape[:2], np.uint8)
    for i in range(per_byte):
        out |= (padded[:, :, i] << (bits * i)).astype(np.uint8)
    return out


def quantize_matmul_nbits(w, bits=4, block_size=32, with_zero_points=False):
    """Quantize float W [K, N].

    Returns dict with B, scales, zero_points (or None), and W_dequant (the
    float [K, N] matrix the operator will effectively multiply by).
    """
    k, n = w.shape
    k_blocks = -(-k // block_size)
    qmax_u = 2 ** bits - 1
    wt = np.zeros((n, k_blocks * block_size), np.float32)
    wt[:, :k] = w.T
    blocks = wt.reshape(n, k_blocks, block_size)
    valid = (np.arange(k_blocks * block_size) < k).reshape(1, k_blocks, block_size)

    if with_zero_points:
        # (padding is 0.0, which the range includes anyway)
        lo = np.minimum(blocks.min(axis=2), 0)
        hi = np.maximum(blocks.max(axis=2), 0)
        scales = ((hi - lo) / qmax_u).astype(np.float32)
        scales[scales == 0] = 1.0
        zp = np.clip(np.rint(-lo / scales), 0, qmax_u).astype(np.uint8)
    else:
        half = 2 ** (bits - 1)
        absmax = np.abs(blocks).max(axis=2)
        scales = (absmax / (half - 1)).astype(np.float32)
        scales[scales == 0] = 1.0
        zp = np.full((n, k_blocks), half, np.uint8)

    codes = np.clip(np.rint(blocks / scales[:, :, None]) + zp[:, :, None], 0, qmax_u)
    codes = np.where(valid, codes, zp[:, :, None]).astype(np.uint8)  # padding -> exactly 0.0
    b = _pack_rows(codes.reshape(n * k_blocks, block_size), bits)
    b = b.reshape(n, k_blocks, block_size * bits // 8)

    deq = (codes.astype(np.float32) - zp[:, :, None]) * scales[:, :, None]
    w_deq = deq.reshape(n, -1)[:, :k].T.copy()
    return {
        "B": b,
        "scales": scales.reshape(-1),
        "zero_points": _pack_rows(zp, bits).reshape(-1) if with_zero_points else None,
        "W_dequant": w_deq.astype(np.float32),
        "K": k, "N": n, "bits": bits, "block_size": block_size,
    }
