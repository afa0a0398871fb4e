#!/usr/bin/env bash
# `make bench`: runs every benchmark, each printing its figures as ratios against a
# reference measured in the same run, and collects the output in bench/results/latest.md.
# Benchmarks that cannot run here (a missing reference tool) say so and are skipped.
set -uo pipefail
BUILD=${1:-build}
OUT=bench/results/latest.md
mkdir -p bench/results
{
  echo "# savedserve benchmarks"
  echo
  echo "Run on $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)."
  echo
} > "$OUT"

run() {  # run NAME COMMAND...: records the command's output under a heading
  local name=$1; shift
  echo "== $name"
  {
    echo "## $name"
    echo
    echo '```'
  } >> "$OUT"
  if "$@" 2>&1 | tee -a "$OUT"; then :; else echo "(failed: $*)" | tee -a "$OUT"; fi
  echo '```' >> "$OUT"
  echo >> "$OUT"
}

for b in "$BUILD"/bench/*_bench; do
  [ -x "$b" ] || continue
  run "$(basename "$b")" "$b" --benchmark_min_time=0.2
done
# End-to-end serving throughput (starts its own server; wrk/nginx for the REST reference).
run serving_bench.sh bash bench/serving_bench.sh "$BUILD"
# Server-side batching on vs off, 8 gRPC clients: half_plus_two and (when exportable) SSD300.
run batching_bench.sh bash bench/batching_bench.sh "$BUILD"
# SSD300 vs ONNX Runtime: latency, batch 8, memory, cold start, gRPC overhead, binary size.
run ssd300_bench.sh bash bench/ssd300_bench.sh "$BUILD"
# Detection: runtime-only vs detect over gRPC (faces and SSD300), serving overhead in %.
run detect_bench.sh bash bench/detect_bench.sh "$BUILD"
echo "results written to $OUT"
