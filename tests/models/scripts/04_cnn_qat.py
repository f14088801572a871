"""Step 4: quantization-aware fine-tuning with torch.ao.quantization, exported as QDQ.

  cnn_qat.onnx

Recipe:
  1. load the trained FP32 network from cnn_fp32.onnx (cnn.load_from_onnx),
  2. fold BatchNorm into the convs (eager-mode fuse_modules in eval mode), giving
     ConvReLU2d / LinearReLU blocks,
  3. prepare_qat with a per-channel symmetric int8 weight / per-tensor quint8
     activation QConfig (fbgemm's default, but with the full 0..255 activation
     range: torch.onnx refuses reduce_range's 0..127),
  4. fine-tune for a few hundred steps with observers on, then freeze the
     observers and the BN-free weights,
  5. torch.onnx.export (opset 13) the fake-quantized model *without* convert():
     every FakeQuantize becomes a QuantizeLinear -> DequantizeLinear pair
     (per-axis for the weights).
"""

import io
import os

import numpy as np
import onnx
import torch
import torch.ao.quantization as tq
from torch import nn

import cnn
import common
import onnx_ref

STEPS = 300
BATCH = 64
LR = 1e-4


class QATWrapper(nn.Module):
    """QuantStub at the input so the input itself is fake-quantized too."""

    def __init__(self, net):
        super().__init__()
        self.quant = tq.QuantStub()
        self.net = net
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.net(self.quant(x)))


def qat_qconfig():
    act = tq.FakeQuantize.with_args(
        observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
        dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False)
    weight = tq.FakeQuantize.with_args(
        observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
        dtype=torch.qint8, qscheme=torch.per_channel_symmetric, reduce_range=False, ch_axis=0)
    return tq.QConfig(activation=act, weight=weight)


def main():
    common.seed_everything(threads=2)
    fp32 = cnn.load_from_onnx(os.path.join(common.MODELS_DIR, "cnn_fp32.onnx"))

    fused = tq.fuse_modules(fp32, [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"],
                                   ["fc1", "relu3"]])
    model = QATWrapper(fused)
    model.qconfig = qat_qconfig()
    model.train()
    tq.prepare_qat(model, inplace=True)

    train_u8, train_y = common.load_fashion("train")
    train_x = torch.from_numpy(common.preprocess(train_u8))
    train_y = torch.from_numpy(train_y)
    gen = torch.Generator().manual_seed(common.SEED + 4)
    order = torch.randperm(len(train_x), generator=gen)[:STEPS * BATCH]
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(STEPS):
        idx = order[step * BATCH:(step + 1) * BATCH]
        opt.zero_grad()
        loss = loss_fn(model(train_x[idx]), train_y[idx])
        loss.backward()
        opt.step()
        if step == STEPS // 2:
            model.apply(tq.disable_observer)  # freeze ranges for the second half
        if (step + 1) % 100 == 0:
            print("step %d loss %.4f" % (step + 1, float(loss)))
    model.eval()

    test_x, test_y = cnn.full_test_set()
    sub_x, sub_y = cnn.test_subset()
    torch_full = cnn.torch_logits(model, test_x)
    torch_sub = cnn.torch_logits(model, sub_x)
    acc_full, acc_sub = cnn.accuracy(torch_full, test_y), cnn.accuracy(torch_sub, sub_y)
    print("QAT fake-quant PyTorch accuracy: 10k %.4f, 1000 %.4f" % (acc_full, acc_sub))

    buf = io.BytesIO()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), buf, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load_from_string(buf.getvalue())

    ops = {}
    for n in proto.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    q_types = sorted({onnx.TensorProto.DataType.Name(i.data_type) for i in proto.graph.initializer
                      if i.data_type != onnx.TensorProto.FLOAT})
    ref = onnx_ref.run(proto, {"input": sub_x})["logits"]
    diff = float(np.abs(ref - torch_sub).max())
    acc_ref = cnn.accuracy(ref, sub_y)
    notes = (
        "Fashion-MNIST CNN after %d steps of QAT (torch.ao.quantization, BN folded first, "
        "per-channel symmetric qint8 weights, per-tensor quint8 activations), exported without "
        "convert(): FakeQuantize -> QuantizeLinear/DequantizeLinear. Non-float tensors in the "
        "graph: %s. PyTorch fake-quant accuracy %.4f (10k) / %.4f (1000 subset); numpy-reference "
        "accuracy of this ONNX file on the subset %.4f." % (
            STEPS, ", ".join(q_types), acc_full, acc_sub, acc_ref))
    path = os.path.join(common.MODELS_DIR, "cnn_qat.onnx")
    common.save_model(proto, path, "cnn_qat", notes)
    print("wrote %s ops=%s int types=%s numpy-vs-torch max|diff|=%.3e acc_ref=%.4f" % (
        common.rel(path), dict(sorted(ops.items())), q_types, diff, acc_ref))
    common.update_metrics("cnn_qat", {
        "steps": STEPS, "lr": LR, "pytorch_fakequant_acc_10k": acc_full,
        "pytorch_fakequant_acc_1000": acc_sub, "numpy_ref_acc_1000": acc_ref,
        "numpy_ref_max_abs_diff_vs_torch": diff, "op_counts": dict(sorted(ops.items())),
        "quantized_initializer_types": q_types})


if __name__ == "__main__":
    main()
