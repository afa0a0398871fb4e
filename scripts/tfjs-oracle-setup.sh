#!/usr/bin/env bash
# Sets up the TensorFlow.js oracle (tools/tfjs_oracle) for the differential tests in
# DEST (the build tree): copies its scripts and installs the npm packages pinned by its
# package-lock.json with `npm ci --ignore-scripts` (pure JavaScript; nothing is compiled or
# downloaded besides the packages). Reinstalls only when the lockfile changed.
# Exit 77 (ctest: skipped) when node or npm is missing or the install fails, saying why;
# the tests that need the oracle then skip too.
set -uo pipefail

SRC="$(cd "$(dirname "$0")/../tools/tfjs_oracle" && pwd)"
DEST="${1:?usage: tfjs-oracle-setup.sh DEST_DIR}"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tfjs-oracle-setup: '$tool' not found; TF.js differential tests will be skipped" \
         "(scripts/install-deps.sh installs Debian's nodejs and npm)"
    exit 77
  fi
done

mkdir -p "$DEST"
cp "$SRC"/package.json "$SRC"/package-lock.json "$SRC"/*.js "$DEST"/
if [ -d "$DEST/node_modules" ] && cmp -s "$SRC/package-lock.json" "$DEST/node_modules/.savedserve-lock"; then
  echo "tfjs-oracle-setup: packages up to date in $DEST"
  exit 0
fi

echo "tfjs-oracle-setup: npm ci in $DEST"
if ! (cd "$DEST" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
  echo "tfjs-oracle-setup: npm ci failed; TF.js differential tests will be skipped"
  exit 77
fi
cp "$SRC/package-lock.json" "$DEST/node_modules/.savedserve-lock"
node "$DEST/run.js" --list-ops >/dev/null || { echo "tfjs-oracle-setup: run.js does not start"; exit 1; }
echo "tfjs-oracle-setup: ready ($(node --version), $(node "$DEST/run.js" --list-ops | wc -l) TF.js ops)"
