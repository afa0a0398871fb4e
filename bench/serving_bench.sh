#!/usr/bin/env bash
# Serving throughput of `savedserve serve` on half_plus_two, each figure against a reference
# measured on this machine in the same run:
#  * REST: wrk POSTing {"instances": [1.0, 2.0, 5.0]} to :predict, vs nginx serving a static
#    file holding the same response body (the ratio is savedserve / nginx);
#  * gRPC: bench/grpc_loadgen, Predict vs grpc.health.v1 Check on the same server.
# wrk and nginx are installed with apt-get when missing (as root; otherwise that part is
# skipped). Usage: bench/serving_bench.sh [build dir] (BENCH_SECONDS, CONNECTIONS,
# THREADS and GRPC_THREADS tune it). gRPC client threads stay at one per core: the server's
# sync gRPC pool is 4 threads per core (TF Serving's --grpc_max_threads default), and
# calls beyond it are refused with RESOURCE_EXHAUSTED, as by tensorflow_model_server.
set -euo pipefail
BUILD=${1:-build}
BIN=$BUILD/tools/savedserve
LOADGEN=$BUILD/bench/grpc_loadgen
SECONDS_EACH=${BENCH_SECONDS:-5}
GRPC_THREADS=${GRPC_THREADS:-$(nproc)}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}

need() {  # need TOOL PACKAGE: installs PACKAGE when TOOL is missing and we are root
  command -v "$1" >/dev/null && return 0
  [ -x "/usr/sbin/$1" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null 2>&1 || true
  fi
  command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ]
}
# shellcheck source=bench/serving_lib.sh
. "$(dirname "$0")/serving_lib.sh"

"$BIN" export half_plus_two --export_base "$WORK/models" --model_name half_plus_two \
  --version 1 >/dev/null
GRPC_PORT=$(free_port)
REST_PORT=$(free_port)
"$BIN" serve --model_name half_plus_two --model_base_path "$WORK/models/half_plus_two" \
  --port "$GRPC_PORT" --rest_api_port "$REST_PORT" >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
URL=http://127.0.0.1:$REST_PORT/v1/models/half_plus_two:predict
BODY='{"instances": [1.0, 2.0, 5.0]}'
for _ in $(seq 200); do
  curl -sf -d "$BODY" "$URL" >"$WORK/response.json" 2>/dev/null && break
  sleep 0.05
done
[ -s "$WORK/response.json" ] || { echo "savedserve did not start:"; cat "$WORK/serve.log"; exit 1; }
echo "savedserve serve on $(nproc) cores; response body $(wc -c <"$WORK/response.json") bytes"

rps() { awk '/Requests\/sec/ {print $2}'; }
if need wrk wrk && need nginx nginx-light; then
  cat >"$WORK/post.lua" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
EOF
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx/logs" "$WORK/www"
  cp "$WORK/response.json" "$WORK/www/predict.json"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { root $WORK/www; default_type application/json; }
  }
}
EOF
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>/dev/null &
  PIDS+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$NGINX_PORT/predict.json" >/dev/null && break; sleep 0.05; done

  WRK="wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_EACH}s --latency"
  ours=$($WRK -s "$WORK/post.lua" "$URL" | tee "$WORK/wrk_ours.txt" | rps)
  ref=$($WRK "http://127.0.0.1:$NGINX_PORT/predict.json" | tee "$WORK/wrk_nginx.txt" | rps)
  lat() { awk '$1=="50%"{p50=$2} $1=="99%"{p99=$2} END {print "p50 " p50 ", p99 " p99}' "$1"; }
  echo "REST, wrk -t$THREADS -c$CONNECTIONS, ${SECONDS_EACH}s each"
  printf '%-40s %10.0f req/s   %s\n' "savedserve POST :predict half_plus_two" "$ours" "$(lat "$WORK/wrk_ours.txt")"
  printf '%-40s %10.0f req/s   %s\n' "nginx GET static body of the same size" "$ref" "$(lat "$WORK/wrk_nginx.txt")"
  awk -v a="$ours" -v b="$ref" 'BEGIN {printf "savedserve / nginx throughput ratio: %.2f\n", a / b}'
  if grep -q "Non-2xx" "$WORK/wrk_ours.txt"; then grep "Non-2xx" "$WORK/wrk_ours.txt"; exit 1; fi
else
  echo "REST part skipped: wrk and nginx are missing and cannot be installed here"
fi
echo
"$LOADGEN" --target "127.0.0.1:$GRPC_PORT" --threads "$GRPC_THREADS" --seconds "$SECONDS_EACH"
