"""Step 3: static QDQ quantization of cnn_fp32_folded.onnx (see quant.py).

  cnn_qdq_per_tensor.onnx   int8 weights, one scale per weight tensor
  cnn_qdq_per_channel.onnx  int8 weights, one scale per output channel

Calibration: min-max over data/fashion_calib_images.npy (200 TRAIN images).
Accuracy is measured with the numpy reference interpreter (onnx_ref.py).
"""

import os

import onnx

import cnn
import common
import quant


def main():
    common.seed_everything()
    fp32 = onnx.load(os.path.join(common.MODELS_DIR, "cnn_fp32_folded.onnx"))
    ranges = cnn.calibrate(fp32)

    test_x, test_y = cnn.full_test_set()
    sub_x, sub_y = cnn.test_subset()
    acc_fp32, fp32_logits = cnn.evaluate_onnx(fp32, test_x, test_y)

    metrics = {"fp32_numpy_ref_acc_10k": acc_fp32}
    for per_channel, fname in ((False, "cnn_qdq_per_tensor.onnx"), (True, "cnn_qdq_per_channel.onnx")):
        qmodel = quant.qdq_quantize(fp32, ranges, per_channel)
        acc_full, q_logits = cnn.evaluate_onnx(qmodel, test_x, test_y)
        acc_sub = cnn.evaluate_onnx(qmodel, sub_x, sub_y)[0]
        agree = float((q_logits.argmax(1) == fp32_logits.argmax(1)).mean())
        notes = (
            "Fashion-MNIST CNN, static QDQ quantization (ORT-style S8S8) of cnn_fp32_folded.onnx: "
            "int8 asymmetric per-tensor activations (min-max calibration on "
            "data/fashion_calib_images.npy), int8 symmetric weights [-127,127] %s, int32 bias "
            "(scale = input_scale*weight_scale), Q/DQ kept around Relu. Numpy-reference accuracy: "
            "%.4f on the 10k test set, %.4f on the 1000-image subset." % (
                "per output channel (axis 0)" if per_channel else "per tensor", acc_full, acc_sub))
        path = os.path.join(common.MODELS_DIR, fname)
        common.save_model(qmodel, path, "cnn_qdq", notes)
        print("wrote %s ops=%s acc10k=%.4f acc1000=%.4f top1-agreement-with-fp32=%.4f" % (
            common.rel(path), quant.op_histogram(qmodel), acc_full, acc_sub, agree))
        metrics[fname] = {"numpy_ref_acc_10k": acc_full, "numpy_ref_acc_1000": acc_sub,
                          "top1_agreement_with_fp32_10k": agree}
    metrics["calibration_ranges"] = {k: [round(v[0], 6), round(v[1], 6)] for k, v in sorted(ranges.items())}
    common.update_metrics("cnn_qdq", metrics)


if __name__ == "__main__":
    main()
