#!/usr/bin/env bash
# `make run`: serves the embedded default model repository. Missing models are written first,
# all by savedserve's own builders (no TensorFlow involved):
#   commodity/1      SSD300-VGG16 detector, 21 VOC classes (untrained, seeded weights)
#   faces/1          SSD-MobileNetV1 face detector, pretrained (face-api.js weights, MIT; from
#                    ../shared or the npm package they ship in, see scripts/fetch-face-api.sh)
#   half_plus_two/1  y = 0.5 * x + 2, the model TF Serving's documentation serves
# then runs `savedserve serve` in the foreground with a model config file and TF Serving's
# usual ports. Ctrl-C stops it gracefully.
set -euo pipefail
BIN=${1:-build/tools/savedserve}
BASE=${MODELS_DIR:-$PWD/models}
FACE_API=${FACE_API_DIR:-$PWD/build/face-api}
GRPC_PORT=${GRPC_PORT:-8500}
REST_PORT=${REST_PORT:-8501}

has_version() { ls "$BASE/$1" 2>/dev/null | grep -qE '^[0-9]+$'; }

if ! has_version commodity; then
  echo "== savedserve export ssd300 --export_base $BASE --model_name commodity --version 1"
  "$BIN" export ssd300 --export_base "$BASE" --model_name commodity --version 1
fi
if ! has_version faces; then
  WEIGHTS=$(bash "$(dirname "$0")/fetch-face-api.sh" "$FACE_API")
  echo "== savedserve export ssd-mobilenet-v1 --weights $WEIGHTS --export_base $BASE --model_name faces --version 1"
  "$BIN" export ssd-mobilenet-v1 --weights "$WEIGHTS" --export_base "$BASE" --model_name faces \
    --version 1
fi
if ! has_version half_plus_two; then
  echo "== savedserve export half_plus_two --export_base $BASE"
  "$BIN" export half_plus_two --export_base "$BASE" --model_name half_plus_two --version 1
fi

CONFIG=$BASE/models.config
cat >"$CONFIG" <<EOF
model_config_list: {
  config: { name: "commodity", base_path: "$BASE/commodity", model_platform: "tensorflow" },
  config: { name: "faces", base_path: "$BASE/faces", model_platform: "tensorflow" },
  config: { name: "half_plus_two", base_path: "$BASE/half_plus_two", model_platform: "tensorflow" }
}
EOF
PHOTO=$FACE_API/sample1.jpg
[ -f "$PHOTO" ] || PHOTO=PHOTO.jpg

cat <<EOF

== Serving commodity, faces and half_plus_two from $BASE ($CONFIG)
Detect faces (gRPC; add --rest http://localhost:$REST_PORT for REST, --json for JSON):
      $BIN detect $PHOTO --model faces --server localhost:$GRPC_PORT --out faces.png
REST: curl http://localhost:$REST_PORT/v1/models/faces/metadata
      curl -d '{"instances": [1.0, 2.0, 5.0]}' -X POST http://localhost:$REST_PORT/v1/models/half_plus_two:predict
      (answers {"predictions": [2.5, 3.0, 4.5]})
gRPC: localhost:$GRPC_PORT, tensorflow.serving.PredictionService; any TF Serving client works.
Press Ctrl-C to stop.

EOF
exec "$BIN" serve --model_config_file "$CONFIG" --port "$GRPC_PORT" --rest_api_port "$REST_PORT"
