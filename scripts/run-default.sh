#!/usr/bin/env bash
# `make run`: the main job on an embedded default. It writes the built-in half_plus_two
# model (made by savedserve's own graph and SavedModel builders, no TensorFlow involved)
# into models/, shows it as saved_model_cli would, and, when the shared test data is beside
# the repository, exports a real TF1 checkpoint too.
# The model server (`savedserve serve`) will take over this script once it exists.
set -euo pipefail
BIN=${1:-build/tools/savedserve}
BASE=${MODELS_DIR:-models}

echo "== savedserve export half_plus_two --export_base $BASE"
"$BIN" export half_plus_two --export_base "$BASE" --model_name half_plus_two --version next
latest=$(ls "$BASE/half_plus_two" | grep -E '^[0-9]+$' | sort -n | tail -1)
echo
echo "== savedserve show --dir $BASE/half_plus_two/$latest --all"
"$BIN" show --dir "$BASE/half_plus_two/$latest" --all

CKPT=${SAVEDSERVE_TESTDATA:-../shared/testdata}/checkpoints/half_plus_two_tf1_v2/00000123/export
if [ -f "$CKPT.index" ]; then
  echo
  echo "== savedserve export --checkpoint $CKPT"
  "$BIN" export --checkpoint "$CKPT" --inputs x=Placeholder:0 --outputs y=Add:0 \
    --export_base "$BASE" --model_name tf1_half_plus_two --version next
fi
