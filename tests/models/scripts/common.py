"""Shared helpers for the test-model generators.

Everything here is about making the outputs reproducible and self-describing:

* fixed seeds and single-/dual-thread PyTorch so re-runs are byte-identical,
* the exact Fashion-MNIST preprocessing used by every model,
* saving ONNX models with a "kind" tag and human-readable notes inside the
  model itself (doc_string + metadata_props); 99_manifest.py later builds
  manifest.json from those, so the manifest can never drift from the files.
"""

import gzip
import json
import os
import random
import struct

import numpy as np

# tests/models/ (this file lives in tests/models/scripts/)
MODELS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(MODELS_DIR, "data")
OPS_DIR = os.path.join(MODELS_DIR, "ops")
METRICS_FILE = os.path.join(MODELS_DIR, "metrics.json")

# Debian package dataset-fashion-mnist installs the original idx files here.
FASHION_DIR = "/usr/share/datasets/fashion-mnist"

# Normalisation constants used by every Fashion-MNIST model in this folder.
FASHION_MEAN = 0.2860
FASHION_STD = 0.3530

SEED = 20240601


def seed_everything(seed=SEED, threads=1):
    """Fix every RNG we use and make PyTorch deterministic on CPU."""
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # scripts that only need numpy/onnx
        return
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------
# Fashion-MNIST
# --------------------------------------------------------------------------

def _read_idx(path):
    """Read an idx file (the MNIST container format), gzip-compressed."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype_code == 0x08, "expected unsigned-byte idx file"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims).copy()


def load_fashion(split):
    """Return (images uint8 [N,28,28], labels int64 [N]) for 'train' or 'test'."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = _read_idx(os.path.join(FASHION_DIR, prefix + "-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(FASHION_DIR, prefix + "-labels-idx1-ubyte.gz"))
    return images, labels.astype(np.int64)


def preprocess(images_u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28]: x = (u8 / 255 - 0.2860) / 0.3530.

    All arithmetic is done in float32, in exactly this order, so that the
    Java side can reproduce the tensors bit-for-bit if it wants to.
    """
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(FASHION_MEAN)) / np.float32(FASHION_STD)
    return x[:, None, :, :].astype(np.float32)


def calibration_indices(n_train=60000, count=200, seed=SEED):
    """The fixed, seeded choice of training images used for calibration."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_train, size=count, replace=False))


# --------------------------------------------------------------------------
# ONNX saving / tagging
# --------------------------------------------------------------------------

def tag_model(model, kind, notes):
    """Store kind + notes in the model so the manifest can be rebuilt from files."""
    model.doc_string = notes
    del model.metadata_props[:]
    entry = model.metadata_props.add()
    entry.key = "quantedge.kind"
    entry.value = kind
    return model


def save_model(model, path, kind, notes, check=True, full_check=True):
    """Tag, optionally check, and write an ONNX model deterministically."""
    import onnx

    tag_model(model, kind, notes)
    if check:
        onnx.checker.check_model(model, full_check=full_check)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path


def update_metrics(section, values):
    """Merge values into metrics.json (sorted keys, stable formatting)."""
    metrics = {}
    if os.path.exists(METRICS_FILE):
        with open(METRICS_FILE) as f:
            metrics = json.load(f)
    metrics[section] = values
    with open(METRICS_FILE, "w") as f:
        json.dump(metrics, f, indent=2, sort_keys=True)
        f.write("\n")


def rel(path):
    """Path relative to tests/models/, for log lines."""
    return os.path.relpath(path, MODELS_DIR)
