"""Step 2: train the Fashion-MNIST CNN and export it twice.

  cnn_fp32.onnx         BatchNormalization kept as separate nodes (no folding)
  cnn_fp32_folded.onnx  the same network with BN folded into the convs
                        (torch.onnx.export defaults: eval mode + constant folding)

Both: opset 13, input "input" float32 [batch,1,28,28], output "logits" float32
[batch,10], dynamic batch dimension named "batch".
"""

import io
import os
import time

import numpy as np
import onnx
import torch

import cnn
import common
import onnx_ref

EPOCHS = 3
BATCH = 64
LR = 1e-3




def export(model, preserve_bn):
    """torch.onnx.export to an in-memory ModelProto."""
    buf = io.BytesIO()
    kwargs = {}
    if preserve_bn:
        # TrainingMode.PRESERVE skips the exporter's eval-mode Conv+BN fusion
        # (the model itself is in eval mode, so BN uses running statistics),
        # and no constant folding keeps every state_dict tensor by name.
        kwargs = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    model.eval()
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), buf, opset_version=13,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **kwargs)
    return onnx.load_from_string(buf.getvalue())


def main():
    common.seed_everything(threads=2)
    t0 = time.process_time()

    train_u8, train_labels = common.load_fashion("train")
    train_x = common.preprocess(train_u8)
    test_x, test_y = cnn.full_test_set()
    sub_x, sub_y = cnn.test_subset()

    model = cnn.FashionCNN()
    cnn.train(model, train_x, train_labels, EPOCHS, BATCH, LR)
    model.eval()

    torch_full = cnn.torch_logits(model, test_x)
    torch_sub = cnn.torch_logits(model, sub_x)
    acc_full = cnn.accuracy(torch_full, test_y)
    acc_sub = cnn.accuracy(torch_sub, sub_y)
    print("PyTorch FP32 accuracy: full 10k test %.4f, 1000-image subset %.4f" % (acc_full, acc_sub))

    metrics = {"pytorch_test_acc_10k": acc_full, "pytorch_test_acc_1000": acc_sub,
               "epochs": EPOCHS, "batch": BATCH, "lr": LR}
    variants = [
        ("cnn_fp32.onnx", True,
         "Fashion-MNIST CNN, FP32, BatchNormalization nodes kept (exported with "
         "TrainingMode.PRESERVE in eval mode, no constant folding)."),
        ("cnn_fp32_folded.onnx", False,
         "Fashion-MNIST CNN, FP32, BatchNormalization folded into Conv "
         "(torch.onnx.export defaults)."),
    ]
    for fname, preserve_bn, notes in variants:
        proto = export(model, preserve_bn)
        ops = sorted({n.op_type for n in proto.graph.node})
        assert ("BatchNormalization" in ops) == preserve_bn, ops
        notes += " PyTorch accuracy: %.4f on the 10k test set, %.4f on data/fashion_test_images.npy." % (
            acc_full, acc_sub)
        path = os.path.join(common.MODELS_DIR, fname)
        common.save_model(proto, path, "cnn_fp32", notes)
        # Cross-check the export with the numpy interpreter on the 1000-image subset.
        ref = onnx_ref.run(proto, {"input": sub_x})["logits"]
        diff = float(np.abs(ref - torch_sub).max())
        acc_ref = cnn.accuracy(ref, sub_y)
        print("wrote %s ops=%s; numpy-vs-torch max|diff|=%.2e, acc(1000)=%.4f" % (
            common.rel(path), ops, diff, acc_ref))
        assert diff < 1e-3, "export does not match PyTorch"
        metrics[fname] = {"numpy_ref_max_abs_diff_vs_torch": diff, "numpy_ref_acc_1000": acc_ref}

    common.update_metrics("cnn_fp32", metrics)
    print("CPU time: %.1f s" % (time.process_time() - t0))


if __name__ == "__main__":
    main()
