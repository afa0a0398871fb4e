#!/usr/bin/env bash
# Server-side batching: `savedserve serve --enable_batching` against the same server without
# it, measured in the same run with CONCURRENCY (8) closed-loop gRPC clients (bench/
# grpc_loadgen, Predict only). Both servers run side by side and are measured in alternation,
# ROUNDS times each, so load from elsewhere hits both alike; the figures are means over the
# rounds. For half_plus_two (target: batched >= 1.3x unbatched throughput) and, when
# `savedserve export ssd300` exists, for SSD300 with random weights (target: no worse).
# Each line also gives the CPU time the server and the clients spent per call (clients and
# server share the cores), and half_plus_two's run time in process: what batching can save
# per call is at most that run, against the server's and the client's per-call costs.
# Usage: bench/batching_bench.sh [build dir] (BENCH_SECONDS, SSD_SECONDS, ROUNDS, SSD_ROUNDS,
# CONCURRENCY tune it; SKIP_SSD=1 leaves SSD300 out).
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/tools/savedserve
LOADGEN=$BUILD/bench/grpc_loadgen
SECONDS_EACH=${BENCH_SECONDS:-5}
SSD_SECONDS=${SSD_SECONDS:-30}
ROUNDS=${ROUNDS:-3}
SSD_ROUNDS=${SSD_ROUNDS:-2}
CONCURRENCY=${CONCURRENCY:-8}

# Batching parameters (BatchingParameters text). half_plus_two: a batch never waits for
# company (batch_timeout_micros 0): it runs as soon as one of the two slots (one per core) is
# free, so batches grow exactly while the model is busy and a lone request is not delayed.
# SSD300: batches of up to 4 on two batch threads, each waiting up to 20 ms (a few percent
# of a run) for the clients answered by the previous batch to come back. Two batches in
# flight overlap each other's single-threaded parts (band copies, the heads' small ops), as
# 8 concurrent unbatched requests do, while each keeps batch efficiency: measured 1.08x
# unbatched, where one thread with batches of 8 gave 0.98-1.04x.
# TINY_PARAMS / SSD_PARAMS in the environment replace them.
TINY_PARAMS=${TINY_PARAMS:-'max_batch_size { value: 8 } batch_timeout_micros { value: 0 }
max_enqueued_batches { value: 100 } num_batch_threads { value: 2 }'}
SSD_PARAMS=${SSD_PARAMS:-'max_batch_size { value: 4 } batch_timeout_micros { value: 20000 }
max_enqueued_batches { value: 100 } num_batch_threads { value: 2 }'}

# shellcheck source=bench/serving_lib.sh
. "$(dirname "$0")/serving_lib.sh"

# start NAME BASE_PATH [serve flags...]: starts a server, waits until it answers; sets PORT
# and SERVER_PID.
start() {
  local name=$1 base=$2; shift 2
  local rest
  PORT=$(free_port)
  rest=$(free_port)
  # Requests waiting for their batch hold a gRPC thread: allow more than 4 per core.
  "$BIN" serve --model_name "$name" --model_base_path "$base" --port "$PORT" \
    --rest_api_port "$rest" --grpc_max_threads 64 "$@" >"$WORK/serve_$PORT.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=($SERVER_PID)
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$rest/v1/models/$name" 2>/dev/null | grep -q AVAILABLE && return 0
    sleep 0.1
  done
  echo "savedserve did not start:"
  cat "$WORK/serve_$PORT.log"
  exit 1
}

# field NAME LINE: the value of NAME=... in a `result` line.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

# compare TITLE NAME BASE PARAMS SECONDS CHECK [loadgen flags...]: with CHECK=1 the first
# round also measures grpc.health.v1 Check on the unbatched server, the cheapest call it
# answers: a ceiling for anything done to Predict on the server, batching included.
compare() {
  local title=$1 name=$2 base=$3 params=$4 seconds=$5 check=$6; shift 6
  printf '%s\n' "$params" >"$WORK/batching_$name.txt"
  start "$name" "$base"
  local plain=$PORT plain_pid=$SERVER_PID
  start "$name" "$base" --enable_batching --batching_parameters_file "$WORK/batching_$name.txt"
  local batched=$PORT batched_pid=$SERVER_PID
  echo "$title: $CONCURRENCY gRPC clients, $ROUNDS rounds of ${seconds}s per server"
  echo "batching parameters: $(tr '\n' ' ' <"$WORK/batching_$name.txt")"
  : >"$WORK/results_$name"
  for round in $(seq "$ROUNDS"); do
    for which in unbatched batched; do
      local port=$plain pid=$plain_pid only=--predict_only
      [ "$which" = batched ] && port=$batched && pid=$batched_pid
      [ "$which$round$check" = unbatched11 ] && only=
      "$LOADGEN" --target "127.0.0.1:$port" --model "$name" --concurrency "$CONCURRENCY" \
        --seconds "$seconds" $only --label "$which" --server_pid "$pid" "$@" \
        | grep '^result' >>"$WORK/results_$name" || true
    done
  done
  awk -v title="$title" '
    { for (i = 2; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
      n[v["label"]]++; rps[v["label"]] += v["rps"]; p50[v["label"]] += v["p50_us"]
      p99[v["label"]] += v["p99_us"]; err[v["label"]] += v["errors"]
      scpu[v["label"]] += v["server_cpu_us"]; ccpu[v["label"]] += v["client_cpu_us"] }
    END {
      for (k = 1; k <= 2; ++k) {
        l = k == 1 ? "unbatched" : "batched"
        if (!n[l]) { print "  " l ": no result"; continue }
        printf "  %-10s %9.1f req/s   p50 %8.0f us   p99 %8.0f us   CPU/call server %6.1f us, client %6.1f us   errors %d\n", l,
               rps[l] / n[l], p50[l] / n[l], p99[l] / n[l], scpu[l] / n[l], ccpu[l] / n[l], err[l]
      }
      if (n["check"])
        printf "  %-10s %9.1f req/s   p50 %8.0f us   p99 %8.0f us   CPU/call server %6.1f us, client %6.1f us   (grpc.health.v1 Check, unbatched server)\n",
               "check", rps["check"] / n["check"], p50["check"] / n["check"], p99["check"] / n["check"],
               scpu["check"] / n["check"], ccpu["check"] / n["check"]
      if (n["unbatched"] && rps["unbatched"] > 0 && n["batched"])
        printf "%s batched / unbatched throughput ratio: %.2f\n", title,
               (rps["batched"] / n["batched"]) / (rps["unbatched"] / n["unbatched"])
      if (n["check"] && rps["unbatched"] > 0)
        printf "%s ceiling for any server-side Predict speed-up (Check / unbatched Predict): %.2f\n",
               title, (rps["check"] / n["check"]) / (rps["unbatched"] / n["unbatched"])
    }' "$WORK/results_$name"
  kill "$plain_pid" "$batched_pid" 2>/dev/null || true
  wait "$plain_pid" "$batched_pid" 2>/dev/null || true
}

echo "savedserve serve on $(nproc) cores"
"$BIN" export half_plus_two --export_base "$WORK/models" --model_name half_plus_two \
  --version 1 >/dev/null
compare half_plus_two half_plus_two "$WORK/models/half_plus_two" "$TINY_PARAMS" "$SECONDS_EACH" 1
# What batching could save per call at most: the model's own run, in process.
"$BIN" bench --dir "$WORK/models/half_plus_two/1" --batch 1 --iterations 20000 --warmup 100 \
  --intra_op_threads 1 2>/dev/null | sed -n 's/.*batch 1: median \([0-9.]*\) ms.*/half_plus_two run in process (savedserve bench, batch 1): median \1 ms/p'
echo

if [ "${SKIP_SSD:-0}" = 1 ]; then
  echo "SSD300 part skipped (SKIP_SSD=1)"
elif "$BIN" export ssd300 --help >/dev/null 2>&1; then
  "$BIN" export ssd300 --export_base "$WORK/models" --model_name commodity --version 1 >/dev/null
  ROUNDS=$SSD_ROUNDS compare SSD300 commodity "$WORK/models/commodity" "$SSD_PARAMS" \
    "$SSD_SECONDS" 0 \
    --signature detected_model --input images --shape 1,300,300,3
else
  echo "SSD300 part skipped: this savedserve has no \`export ssd300\`"
fi
