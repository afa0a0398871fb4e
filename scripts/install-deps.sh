#!/usr/bin/env bash
# Installs savedserve's build and test dependencies from Debian 12's packages.
# Idempotent: packages already present are skipped, and apt is not touched at all
# when nothing is missing. Needs root (or sudo) only when something must be installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  protobuf-compiler libprotobuf-dev
  libgrpc++-dev protobuf-compiler-grpc
  libabsl-dev
  libre2-dev
  libleveldb-dev libsnappy-dev
  libdnnl-dev
  libboost-dev
  rapidjson-dev
  libjpeg62-turbo-dev libpng-dev
  libcli11-dev
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  python3 python3-numpy python3-grpcio python3-protobuf
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# node + npm run the TensorFlow.js oracle of the differential tests (tests/tfjs). Checked by
# command, not package: a node from elsewhere that brings its own npm is fine too.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
