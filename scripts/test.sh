#!/usr/bin/env bash
# Builds Portico with ASan/UBSan and warnings as errors, then runs every test
# (GoogleTest unit tests and the end-to-end tests that drive the real binary) via ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake --preset asan-ubsan -DPORTICO_TESTS=ON >/dev/null
cmake --build --preset asan-ubsan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/asan-ubsan --output-on-failure --timeout 600 -j2 "$@"
