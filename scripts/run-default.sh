#!/usr/bin/env bash
# `make run`: serves the embedded default model. It writes the built-in half_plus_two
# (y = 0.5 * x + 2, made by savedserve's own graph and SavedModel builders, no TensorFlow
# involved) into models/ unless a version is already there, then runs `savedserve serve` in
# the foreground with TF Serving's usual ports. Ctrl-C stops it gracefully.
set -euo pipefail
BIN=${1:-build/tools/savedserve}
BASE=${MODELS_DIR:-$PWD/models}
GRPC_PORT=${GRPC_PORT:-8500}
REST_PORT=${REST_PORT:-8501}

if ! ls "$BASE/half_plus_two" 2>/dev/null | grep -qE '^[0-9]+$'; then
  echo "== savedserve export half_plus_two --export_base $BASE"
  "$BIN" export half_plus_two --export_base "$BASE" --model_name half_plus_two --version next
fi

cat <<EOF

== Serving half_plus_two from $BASE/half_plus_two
REST: http://localhost:$REST_PORT/v1/models/half_plus_two
      curl -d '{"instances": [1.0, 2.0, 5.0]}' -X POST http://localhost:$REST_PORT/v1/models/half_plus_two:predict
      (answers {"predictions": [2.5, 3.0, 4.5]})
gRPC: localhost:$GRPC_PORT, tensorflow.serving.PredictionService/Predict with model_spec.name
      "half_plus_two" and input "x" (DT_FLOAT); any TF Serving gRPC client works.
Press Ctrl-C to stop.

EOF
exec "$BIN" serve --model_name half_plus_two --model_base_path "$BASE/half_plus_two" \
  --port "$GRPC_PORT" --rest_api_port "$REST_PORT"
