"""Step 1: Fashion-MNIST test and calibration tensors as .npy files.

Outputs (tests/models/data/):
  fashion_test_images.npy     float32 [1000,1,28,28]  first 1000 TEST images, preprocessed
  fashion_test_labels.npy     int64   [1000]          their labels
  fashion_test_images_u8.npy  uint8   [1000,28,28]    the same images, raw pixels
  fashion_calib_images.npy    float32 [200,1,28,28]   200 seeded TRAIN images, preprocessed
  fashion_calib_indices.npy   int64   [200]           which TRAIN images those are

Preprocessing (common.preprocess): x = (u8 / 255 - 0.2860) / 0.3530 in float32.
"""

import os

import numpy as np

import common

N_TEST = 1000


def main():
    common.seed_everything()
    os.makedirs(common.DATA_DIR, exist_ok=True)

    test_u8, test_labels = common.load_fashion("test")
    train_u8, _ = common.load_fashion("train")

    test_u8 = test_u8[:N_TEST]
    calib_idx = common.calibration_indices(len(train_u8))

    outputs = {
        "fashion_test_images.npy": common.preprocess(test_u8),
        "fashion_test_labels.npy": test_labels[:N_TEST].astype(np.int64),
        "fashion_test_images_u8.npy": np.ascontiguousarray(test_u8, dtype=np.uint8),
        "fashion_calib_images.npy": common.preprocess(train_u8[calib_idx]),
        "fashion_calib_indices.npy": calib_idx.astype(np.int64),
    }
    for name in sorted(outputs):
        path = os.path.join(common.DATA_DIR, name)
        np.save(path, outputs[name])
        arr = outputs[name]
        print("wrote %-40s %-8s %s" % (common.rel(path), arr.dtype, list(arr.shape)))


if __name__ == "__main__":
    main()
