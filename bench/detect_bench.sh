#!/usr/bin/env bash
# What serving adds to a detection, for each detector savedserve exports: faces
# (ssd-mobilenet-v1 from the shared TF.js weights, when present) and commodity (SSD300,
# untrained weights: the same compute as trained ones). Against one local `savedserve serve`,
# measured in this run (medians over DETECT_RUNS, default 20):
#  (a) runtime only: LoadedModel::RunSignature in-process on the tensor detect sends;
#  (b) detect over gRPC: image read + decode + resize, Predict, box decoding (ssd::Detector,
#      bench/detect_latency), interleaved with (a); overhead = (b - a) / a;
#  (c) the `savedserve detect` command, process start to exit (metadata call included).
# Usage: bench/detect_bench.sh [build dir]   (SAVEDSERVE_TESTDATA: the shared test data)
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/tools/savedserve
LATENCY=$BUILD/bench/detect_latency
RUNS=${DETECT_RUNS:-20}
TESTDATA=${SAVEDSERVE_TESTDATA:-../shared/testdata}
source bench/serving_lib.sh

MODELS=()
WEIGHTS=$TESTDATA/tfjs/face-api-ssd-mobilenetv1
if [ -d "$WEIGHTS" ]; then
  "$BIN" export ssd-mobilenet-v1 --weights "$WEIGHTS" --export_base "$WORK/models" \
    --model_name faces --version 1 >/dev/null
  MODELS+=(faces)
else
  echo "SKIP faces: $WEIGHTS not found (set SAVEDSERVE_TESTDATA)"
fi
"$BIN" export ssd300 --export_base "$WORK/models" --model_name commodity --version 1 \
  >/dev/null 2>&1
MODELS+=(commodity)
IMAGE=$TESTDATA/images/faces-sample1.jpg
if [ ! -f "$IMAGE" ]; then  # any photo-sized image will do for SSD300: a 1920x1280 BMP
  IMAGE=$WORK/image.bmp
  python3 - "$IMAGE" <<'PY'
import struct, sys
w, h = 1920, 1280
row = bytes((x * 7) & 255 for x in range(w * 3))
with open(sys.argv[1], "wb") as f:
    f.write(b"BM" + struct.pack("<IHHI", 54 + w * h * 3, 0, 0, 54))
    f.write(struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, w * h * 3, 2835, 2835, 0, 0))
    f.write(row * h)
PY
fi

{
  echo "model_config_list {"
  for m in "${MODELS[@]}"; do
    echo "  config { name: '$m' base_path: '$WORK/models/$m' model_platform: 'tensorflow' }"
  done
  echo "}"
} >"$WORK/models.config"
PORT=$(free_port)
"$BIN" serve --port "$PORT" --rest_api_port 0 --model_config_file "$WORK/models.config" \
  >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
for m in "${MODELS[@]}"; do
  for _ in $(seq 600); do
    grep -q "event=load model=$m " "$WORK/serve.log" && break
    sleep 0.1
  done
done
echo "savedserve serve on $(nproc) cores, one request at a time; image $(basename "$IMAGE")"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for m in "${MODELS[@]}"; do
  echo
  OUT=$("$LATENCY" --model_dir "$WORK/models/$m/1" --target "127.0.0.1:$PORT" --model "$m" \
    --image "$IMAGE" --runs "$RUNS")
  echo "$OUT"
  RUNTIME=$(echo "$OUT" | sed -n 's/.*runtime_ms=\([0-9.]*\).*/\1/p')
  for _ in $(seq "$RUNS"); do
    start=$(now_ms)
    "$BIN" detect "$IMAGE" --model "$m" --server "127.0.0.1:$PORT" >/dev/null
    echo $(( $(now_ms) - start ))
  done | median >"$WORK/cli_ms"
  CLI=$(cat "$WORK/cli_ms")
  awk -v c="$CLI" -v r="$RUNTIME" 'BEGIN {
    printf "  savedserve detect command (process start to exit): median %8.2f ms, %+.1f%% over runtime only\n",
      c, 100 * (c - r) / r }'
done
