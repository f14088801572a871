"""Last step: build manifest.json from the files on disk.

Everything comes from the files themselves -- input/output names, element
types and shapes from the graph, the default-domain opset from
opset_import, and "kind" / "notes" / input ranges from the metadata the
generators stored in each model -- so the manifest cannot drift from the
models.

manifest.json = {
  "models": [ {"file", "kind", "opset", "inputs": [{"name","dtype","shape"[,"range"]}],
               "outputs": [...], "notes"[, "other_opsets"][, "checked": false]} ... ],
  "data":   [ {"file", "dtype", "shape", "notes"} ... ]
}
Shapes list ints, or strings for symbolic dimensions ("batch").
"checked": false marks the files onnx.checker could not validate here.
"""

import json
import os

import numpy as np
import onnx

import common

DTYPES = {1: "float32", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 9: "bool", 22: "int4"}

DATA_NOTES = {
    "fashion_test_images.npy": "First 1000 Fashion-MNIST TEST images, x = (u8/255 - 0.2860)/0.3530 (float32).",
    "fashion_test_labels.npy": "Labels of fashion_test_images.npy (0..9).",
    "fashion_test_images_u8.npy": "The same 1000 TEST images as raw uint8 pixels.",
    "fashion_calib_images.npy": "200 seeded TRAIN images (indices in fashion_calib_indices.npy), "
                                "same preprocessing; used for calibration.",
    "fashion_calib_indices.npy": "Which TRAIN images fashion_calib_images.npy holds (sorted).",
}


def value_infos(values, ranges):
    out = []
    for v in values:
        tt = v.type.tensor_type
        entry = {"name": v.name, "dtype": DTYPES[tt.elem_type],
                 "shape": [d.dim_param if d.dim_param else d.dim_value for d in tt.shape.dim]}
        if v.name in ranges:
            entry["range"] = ranges[v.name]
        out.append(entry)
    return out


def describe(path, rel_path):
    model = onnx.load(path)
    meta = {p.key: p.value for p in model.metadata_props}
    ranges = {k[len("quantedge.input_range."):]: json.loads(v) for k, v in meta.items()
              if k.startswith("quantedge.input_range.")}
    init_names = {i.name for i in model.graph.initializer}
    entry = {
        "file": rel_path,
        "kind": meta.get("quantedge.kind", "unknown"),
        "opset": next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
        "inputs": value_infos([i for i in model.graph.input if i.name not in init_names], ranges),
        "outputs": value_infos(model.graph.output, {}),
        "notes": model.doc_string,
    }
    others = {o.domain: o.version for o in model.opset_import if o.domain not in ("", "ai.onnx")}
    if others:
        entry["other_opsets"] = dict(sorted(others.items()))
    try:
        if any(o.version > onnx.defs.onnx_opset_version() for o in model.opset_import if o.domain == ""):
            raise ValueError("opset newer than this onnx")
        onnx.checker.check_model(model)
    except Exception:  # noqa: BLE001 - any failure just means "not validated here"
        entry["checked"] = False
    return entry


def main():
    models = []
    for sub in ("", "ops"):
        folder = os.path.join(common.MODELS_DIR, sub)
        for f in sorted(os.listdir(folder)):
            if f.endswith(".onnx"):
                rel_path = os.path.join(sub, f) if sub else f
                models.append(describe(os.path.join(folder, f), rel_path))
    data = []
    for f in sorted(os.listdir(common.DATA_DIR)):
        if f.endswith(".npy"):
            arr = np.load(os.path.join(common.DATA_DIR, f), mmap_mode="r")
            data.append({"file": "data/" + f, "dtype": str(arr.dtype), "shape": list(arr.shape),
                         "notes": DATA_NOTES.get(f, "")})
    path = os.path.join(common.MODELS_DIR, "manifest.json")
    with open(path, "w") as fh:
        json.dump({"models": models, "data": data}, fh, indent=1)
        fh.write("\n")
    print("wrote %s: %d models, %d data files" % (common.rel(path), len(models), len(data)))


if __name__ == "__main__":
    main()
