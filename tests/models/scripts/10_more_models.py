"""Step 10: three more Fashion-MNIST models for the quantization toolkit's measurements.

  mlp_fp32.onnx     a MatMul-heavy MLP (dynamic INT8 and INT4 weight-only)
  vit_fp32.onnx     a tiny vision transformer (INT4 and dynamic INT8 on attention models)
  dsconv_fp32.onnx  a depthwise-separable CNN (per-tensor INT8 and cross-layer equalization)

All three: input "input" float32 [batch,1,28,28] (the preprocessing of common.preprocess),
output "logits" float32 [batch,10], dynamic batch dimension "batch", trained on the full 60k
training split with Adam and a seeded shuffle, like step 2.
"""

import io
import os
import sys
import time

import numpy as np
import onnx
import torch
from torch import nn

import cnn
import common
import onnx_ref

LR = 1e-3


class FashionMLP(nn.Module):
    """784 -> 512 -> 256 -> 10 with ReLU: about 535k weights, all in three Gemm layers."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 256)
        self.fc3 = nn.Linear(256, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


class Block(nn.Module):
    """Pre-LayerNorm transformer block with attention written out, so the export is plain
    MatMul/Softmax/Transpose/Reshape with a fixed token count and no shape arithmetic."""

    def __init__(self, width, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.up = nn.Linear(width, hidden)
        self.down = nn.Linear(hidden, width)

    def forward(self, x):
        tokens, width = x.shape[1], x.shape[2]
        head = width // self.heads
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        q = q.reshape(-1, tokens, self.heads, head).transpose(1, 2)
        k = k.reshape(-1, tokens, self.heads, head).permute(0, 2, 3, 1)
        v = v.reshape(-1, tokens, self.heads, head).transpose(1, 2)
        attention = torch.softmax(torch.matmul(q, k) / float(head) ** 0.5, dim=-1)
        mixed = torch.matmul(attention, v).transpose(1, 2).reshape(-1, tokens, width)
        x = x + self.proj(mixed)
        return x + self.down(nn.functional.gelu(self.up(self.ln2(x))))


class FashionViT(nn.Module):
    """7x7 patches (16 tokens) embedded to 64 by a strided Conv, learned position embedding,
    two blocks with 4 heads and an MLP of 128, mean over tokens, LayerNorm, linear head.
    Patches of 7 rather than 4 make training three times cheaper on a CPU."""

    def __init__(self, width=64, heads=4, hidden=128, depth=2):
        super().__init__()
        self.patch = nn.Conv2d(1, width, kernel_size=7, stride=7)
        self.position = nn.Parameter(torch.zeros(1, 16, width))
        nn.init.normal_(self.position, std=0.02)
        self.blocks = nn.Sequential(*[Block(width, heads, hidden) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 10)

    def forward(self, x):
        x = self.patch(x).flatten(2).transpose(1, 2) + self.position
        x = self.blocks(x)
        return self.head(self.norm(x.mean(dim=1)))


def separable(channels_in, channels_out, stride):
    """Depthwise 3x3 (with BN and ReLU), then pointwise 1x1 (with BN and ReLU), as in MobileNetV1.
    ReLU rather than ReLU6 keeps the pairs positively homogeneous, which equalization needs."""
    return [
        nn.Conv2d(channels_in, channels_in, 3, stride=stride, padding=1, groups=channels_in, bias=False),
        nn.BatchNorm2d(channels_in), nn.ReLU(),
        nn.Conv2d(channels_in, channels_out, 1, bias=False),
        nn.BatchNorm2d(channels_out), nn.ReLU(),
    ]


class FashionSeparableCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
            *separable(16, 32, 2),
            *separable(32, 64, 2),
            *separable(64, 64, 1),
        )
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        x = self.features(x)
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))




def export(model, opset, preserve_bn):
    buf = io.BytesIO()
    kwargs = {}
    if preserve_bn:
        # As in step 2: BatchNormalization stays a node, so the quantizer's folding is exercised.
        kwargs = dict(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    model.eval()
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), buf, opset_version=opset,
        input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **kwargs)
    return onnx.load_from_string(buf.getvalue())


MODELS = [
    # file, constructor, epochs, batch, opset, keep BN nodes, description
    ("mlp_fp32.onnx", FashionMLP, 3, 64, 13, False,
     "Fashion-MNIST MLP 784-512-256-10 with ReLU, FP32 (three Gemm layers)."),
    # Larger batches for the transformer: its many small ops make each step slow on a CPU.
    ("vit_fp32.onnx", FashionViT, 3, 128, 17, False,
     "Fashion-MNIST tiny vision transformer, FP32: 7x7 patch Conv to width 64, 16 tokens, "
     "2 pre-LN blocks (4 heads, MLP 128, GELU), mean pool, LayerNorm, linear head."),
    ("dsconv_fp32.onnx", FashionSeparableCNN, 3, 64, 13, True,
     "Fashion-MNIST depthwise-separable CNN, FP32, BatchNormalization nodes kept: Conv 3x3 1-16, "
     "three depthwise 3x3 + pointwise 1x1 pairs (16-32 s2, 32-64 s2, 64-64), ReLU, global "
     "average pool, Gemm 64-10."),
]


def main(names):
    train_u8, train_labels = common.load_fashion("train")
    train_x = common.preprocess(train_u8)
    test_x, test_y = cnn.full_test_set()
    sub_x, sub_y = cnn.test_subset()

    metrics = {}
    for fname, make, epochs, batch, opset, preserve_bn, notes in MODELS:
        if names and fname not in names:
            continue
        common.seed_everything(threads=2)
        t0 = time.process_time()
        print("== %s" % fname)
        model = make()
        cnn.train(model, train_x, train_labels, epochs, batch, LR)
        model.eval()
        acc_full = cnn.accuracy(cnn.torch_logits(model, test_x), test_y)
        torch_sub = cnn.torch_logits(model, sub_x)
        acc_sub = cnn.accuracy(torch_sub, sub_y)
        proto = export(model, opset, preserve_bn)
        ops = sorted({n.op_type for n in proto.graph.node})
        assert ("BatchNormalization" in ops) == preserve_bn, ops
        params = sum(p.numel() for p in model.parameters())
        notes += " %d parameters. PyTorch accuracy: %.4f on the 10k test set, %.4f on " \
                 "data/fashion_test_images.npy." % (params, acc_full, acc_sub)
        path = os.path.join(common.MODELS_DIR, fname)
        common.save_model(proto, path, fname[:-len(".onnx")], notes)
        ref = onnx_ref.run(proto, {"input": sub_x})["logits"]
        diff = float(np.abs(ref - torch_sub).max())
        acc_ref = cnn.accuracy(ref, sub_y)
        print("wrote %s ops=%s params=%d; torch acc 10k %.4f, 1000 %.4f; numpy-vs-torch max|diff|=%.2e, "
              "acc(1000)=%.4f; CPU %.0f s" % (common.rel(path), ops, params, acc_full, acc_sub, diff, acc_ref,
                                              time.process_time() - t0))
        assert diff < 1e-3, "export does not match PyTorch"
        metrics[fname] = {"epochs": epochs, "batch": batch, "lr": LR, "pytorch_test_acc_10k": acc_full, "pytorch_test_acc_1000": acc_sub,
                          "numpy_ref_acc_1000": acc_ref, "numpy_ref_max_abs_diff_vs_torch": diff,
                          "parameters": params, "ops": ops}

    for fname, values in metrics.items():
        common.update_metrics(fname[:-len(".onnx")], values)


if __name__ == "__main__":
    # Names of files to make (all three when none), so the models can be trained in parallel.
    main(sys.argv[1:])
