#!/usr/bin/env bash
# Builds Portico (release) and runs it with the demo API. Extra arguments go to `portico serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/portico serve --demo "$@"
