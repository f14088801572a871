#!/bin/sh
# Makes the demo's seed package, deploy/src/main/dist/seed/fashion-mnist-1.qmp: the INT8
# Fashion-MNIST classifier (tests/models/cnn_qdq_per_channel.onnx) with its ten class labels and
# test vectors, and the preprocessing it was trained with (tests/models/scripts/01_data.py:
# x = (u8 / 255 - 0.2860) / 0.3530), so a pipeline needs nothing but its name. Signed by a fresh
# key whose public half goes to runtime-config/trusted-keys/ and whose private half is deleted at
# once, so nothing else can ever be signed with it.
# Run from anywhere; commit the two files it writes. QUANTEDGE names another quantedge command to use.
set -eu
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd -P)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/labels.txt" <<'LABELS'
T-shirt/top
Trouser
Pullover
Dress
Coat
Sandal
Shirt
Sneaker
Bag
Ankle boot
LABELS
qe=${QUANTEDGE:-$root/quantedge}
"$qe" keygen --out "$work/demo"
"$qe" package --model "$root/tests/models/cnn_qdq_per_channel.onnx" --name fashion-mnist --version 1 \
    --labels "$work/labels.txt" --top-k 3 \
    --preprocessing color=gray,layout=nchw,width=28,height=28,scale=0.00392156862745098,mean=0.2860,std=0.3530 \
    --test-vectors --key "$work/demo.key" \
    --out "$root/deploy/src/main/dist/seed/fashion-mnist-1.qmp"
cp "$work/demo.pub" "$root/runtime-config/trusted-keys/quantedge-demo.pub"
echo "wrote deploy/src/main/dist/seed/fashion-mnist-1.qmp and runtime-config/trusted-keys/quantedge-demo.pub"
