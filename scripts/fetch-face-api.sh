#!/usr/bin/env bash
# Puts the pretrained SSD-MobileNetV1 face detector's TF.js weights (manifest + .bin, MIT)
# and face-api.js's demo photos into DIR, for `make run`'s faces/1. They come from
# ../shared/testdata when it is there, else from the npm package they are published in,
# @vladmandic/face-api@1.7.15, fetched once with `npm pack` (npm verifies the registry's
# integrity hash) — at set-up, never while serving. Prints DIR's weights folder.
#   scripts/fetch-face-api.sh [DIR]   (default build/face-api)
set -euo pipefail
DIR=${1:-build/face-api}
PACKAGE=@vladmandic/face-api@1.7.15
SHARED=${SAVEDSERVE_TESTDATA:-../shared/testdata}
WEIGHTS=$DIR/ssd_mobilenetv1
mkdir -p "$WEIGHTS"

if [ -s "$WEIGHTS/ssd_mobilenetv1_model.bin" ]; then
  echo "$WEIGHTS"
  exit 0
fi
if [ -d "$SHARED/tfjs/face-api-ssd-mobilenetv1" ]; then
  cp "$SHARED"/tfjs/face-api-ssd-mobilenetv1/* "$WEIGHTS/"
  cp "$SHARED/images/faces-sample1.jpg" "$DIR/sample1.jpg" 2>/dev/null || true
  echo "$WEIGHTS"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-face-api: npm is needed to fetch $PACKAGE" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$TMP"/*.tgz -C "$TMP" package/LICENSE package/model/ssd_mobilenetv1_model.bin \
  package/model/ssd_mobilenetv1_model-weights_manifest.json package/demo/sample1.jpg
cp "$TMP"/package/model/ssd_mobilenetv1_model* "$TMP/package/LICENSE" "$WEIGHTS/"
cp "$TMP/package/demo/sample1.jpg" "$DIR/sample1.jpg"
echo "$WEIGHTS"
