#!/usr/bin/env bash
# Installs the Debian 12 packages Portico needs to build, run and test, if missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libcli11-dev libspdlog-dev libfmt-dev libre2-dev libgtest-dev libarchive-dev
  bubblewrap slirp4netns libseccomp-dev iproute2 util-linux nodejs zip chromium
  clang libclang-rt-14-dev libbenchmark-dev libvalijson-dev libyaml-cpp-dev
  curl awscli python3 python3-boto3 prometheus-cpp-dev prometheus
  autoconf automake libtool  # the e2e test builds aws-lambda-ric's native client from npm
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
