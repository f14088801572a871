"""The small Fashion-MNIST CNN shared by steps 2-6, and helpers around it."""

import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

import common
import onnx_ref
import quant


class FashionCNN(nn.Module):
    """Conv-BN-ReLU-Pool x2, then two fully-connected layers (about 110k params)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.relu3(self.fc1(self.flatten(x)))
        return self.fc2(x)


def load_from_onnx(path):
    """Rebuild the trained FashionCNN from cnn_fp32.onnx.

    That export keeps BatchNormalization and does no constant folding, so its
    initializers carry exactly the PyTorch state_dict names and values.  Using
    the committed ONNX file as the checkpoint avoids a second, binary copy of
    the weights.
    """
    model = FashionCNN()
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    state = model.state_dict()
    for name in state:
        if name.endswith("num_batches_tracked"):
            continue  # not exported; unused in eval mode
        state[name] = torch.from_numpy(np.array(inits[name]))
    model.load_state_dict(state)
    return model.eval()


@torch.no_grad()
def torch_logits(model, images, batch=500):
    model.eval()
    out = [model(torch.from_numpy(images[i:i + batch])) for i in range(0, len(images), batch)]
    return torch.cat(out).numpy()


def accuracy(logits, labels):
    return float((np.argmax(logits, axis=1) == labels).mean())


def full_test_set():
    """All 10,000 preprocessed test images and labels."""
    u8, labels = common.load_fashion("test")
    return common.preprocess(u8), labels


def test_subset():
    """data/fashion_test_images.npy and labels (the first 1000 test images)."""
    return (np.load(os.path.join(common.DATA_DIR, "fashion_test_images.npy")),
            np.load(os.path.join(common.DATA_DIR, "fashion_test_labels.npy")))


def calibrate(fp32_onnx_model):
    """Min-max ranges of every activation over data/fashion_calib_images.npy."""
    calib = np.load(os.path.join(common.DATA_DIR, "fashion_calib_images.npy"))
    return quant.calibrate(fp32_onnx_model, [{"input": calib}])


def evaluate_onnx(model, images, labels, batch=1000):
    """Accuracy (and logits) of an ONNX CNN, using the numpy reference interpreter."""
    logits = np.concatenate([onnx_ref.run(model, {"input": images[i:i + batch]})["logits"]
                             for i in range(0, len(images), batch)])
    return accuracy(logits, labels), logits


def train(model, images, labels, epochs, batch, lr):
    """Plain Adam training; the shuffle order comes from a generator seeded with common.SEED."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    x_all = torch.from_numpy(images)
    y_all = torch.from_numpy(labels)
    gen = torch.Generator().manual_seed(common.SEED)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_all), generator=gen)
        total = 0.0
        for start in range(0, len(order), batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            loss = loss_fn(model(x_all[idx]), y_all[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        print("epoch %d: mean train loss %.4f" % (epoch + 1, total / len(order)))
