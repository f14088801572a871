#!/usr/bin/env bash
# Regenerate every test model and data file in tests/models/ from scratch.
#
# Needs Debian's packages (not PyPI):
#   apt-get install -y python3-torch python3-onnx python3-numpy dataset-fashion-mnist
# and runs them with /usr/bin/python3 (Debian's interpreter, which sees those modules).
# Deterministic: running it twice gives byte-identical files. About 3 minutes on 2 cores.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
PY=/usr/bin/python3

if ! "$PY" -c 'import torch, onnx, numpy' 2>/dev/null || [ ! -d /usr/share/datasets/fashion-mnist ]; then
    echo "generate.sh: missing prerequisites; install them with:" >&2
    echo "  apt-get install -y python3-torch python3-onnx python3-numpy dataset-fashion-mnist" >&2
    exit 1
fi

export PYTHONDONTWRITEBYTECODE=1   # keep scripts/ free of __pycache__
export PYTHONHASHSEED=0
export OMP_NUM_THREADS=2

cd "$here/scripts"
rm -f "$here/metrics.json"          # rebuilt section by section below
for step in \
    01_data.py \
    02_cnn_fp32.py \
    03_cnn_qdq.py \
    04_cnn_qat.py \
    05_cnn_qoperator.py \
    06_cnn_dynamic.py \
    07_transformer_nbits.py \
    08_mobilenetv2_like.py \
    09_single_ops.py \
    10_more_models.py \
    99_manifest.py
do
    echo "== $step"
    "$PY" -W ignore "$step"
done
echo "== done: $(cd "$here" && find . -name '*.onnx' | wc -l) ONNX files"
