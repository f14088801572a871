"""Step 8: MobileNetV2-shaped network with seeded random weights, FP32 and QDQ.

  mobilenetv2_like.onnx      FP32, BN folded (torch.onnx.export defaults), opset 13
  mobilenetv2_like_qdq.onnx  static QDQ, per-channel int8 weights (quant.py),
                             calibrated on 16 seeded N(0,1) random inputs

Input "input" float32 [1,3,96,96], output "logits" float32 [1,100].
There is no trained model here: the point is the graph shape (depthwise
convs with group = channels, ReLU6 as Clip, residual Adds,
GlobalAveragePool, Gemm).
"""

import io
import os

import numpy as np
import onnx
import torch

import common
import mobilenet
import onnx_ref
import quant

WIDTH, LAST_CHANNEL, CLASSES, SIZE = 0.35, 512, 100, 96
N_CALIB, N_EVAL = 16, 16


def main():
    common.seed_everything()
    gen = torch.Generator().manual_seed(common.SEED + 8)
    model = mobilenet.MobileNetV2Like(WIDTH, LAST_CHANNEL, CLASSES)
    mobilenet.randomize(model, gen)
    model.eval()

    buf = io.BytesIO()
    torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), buf, opset_version=13,
                      input_names=["input"], output_names=["logits"])
    fp32 = onnx.load_from_string(buf.getvalue())

    rng = np.random.default_rng(common.SEED + 8)
    calib = rng.standard_normal((N_CALIB, 3, SIZE, SIZE)).astype(np.float32)
    evalx = rng.standard_normal((N_EVAL, 3, SIZE, SIZE)).astype(np.float32)

    # Check the export against PyTorch, one image at a time (the graph has batch 1).
    with torch.no_grad():
        torch_out = np.concatenate([model(torch.from_numpy(x[None])).numpy() for x in evalx])
    fp32_out = np.concatenate([onnx_ref.run(fp32, {"input": x[None]})["logits"] for x in evalx])
    diff = float(np.abs(torch_out - fp32_out).max())
    assert diff < 1e-3, diff

    ranges = quant.calibrate(fp32, [{"input": x[None]} for x in calib])
    qdq = quant.qdq_quantize(fp32, ranges, per_channel=True)
    qdq_out = np.concatenate([onnx_ref.run(qdq, {"input": x[None]})["logits"] for x in evalx])
    # Top-1 agreement means little here: with random weights and noise images
    # the logits are dominated by per-class offsets and vary little between
    # inputs.  Report the error next to that input-to-input spread instead.
    qerr = float(np.abs(qdq_out - fp32_out).max())
    qrms = float(np.sqrt(((qdq_out - fp32_out) ** 2).mean()))
    spread = float(fp32_out.std(axis=0).mean())
    n_params = sum(p.numel() for p in model.parameters())

    base = ("MobileNetV2-shaped network (width 0.35, last conv 512, 100 classes, %d params) with "
            "seeded random weights and random BN statistics, input 1x3x96x96; depthwise convs "
            "(group=channels), ReLU6 as Clip, residual Adds, GlobalAveragePool, Gemm. " % n_params)
    outputs = [
        ("mobilenetv2_like.onnx", fp32, base + "FP32 with BN folded (torch.onnx.export defaults)."),
        ("mobilenetv2_like_qdq.onnx", qdq, base + (
            "Static QDQ (quant.py, S8S8, per-channel weights) calibrated with min-max on %d seeded "
            "N(0,1) random inputs (no real images). On %d other random inputs (numpy reference): "
            "logit error vs FP32 max %.3f / RMS %.3f, while FP32 logits vary between inputs "
            "with a mean std of %.3f." % (N_CALIB, N_EVAL, qerr, qrms, spread))),
    ]
    for fname, proto, notes in outputs:
        path = os.path.join(common.MODELS_DIR, fname)
        common.save_model(proto, path, "mobilenetv2_like", notes)
        print("wrote %s (%d bytes) ops=%s" % (common.rel(path), os.path.getsize(path), quant.op_histogram(proto)))
    print("export max|diff| vs torch %.2e; qdq logit error max %.3f rms %.3f; fp32 logits %.2f..%.2f, "
          "input-to-input std %.3f" % (diff, qerr, qrms, fp32_out.min(), fp32_out.max(), spread))
    common.update_metrics("mobilenetv2_like", {
        "params": n_params, "export_max_abs_diff_vs_torch": diff,
        "qdq_max_abs_logit_diff": qerr, "qdq_rms_logit_diff": qrms,
        "fp32_logit_std_across_inputs": spread,
        "fp32_logit_range": [float(fp32_out.min()), float(fp32_out.max())]})


if __name__ == "__main__":
    main()
