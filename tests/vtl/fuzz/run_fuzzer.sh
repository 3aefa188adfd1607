#!/usr/bin/env bash
# Builds the VTL libFuzzer target with clang (ASan + UBSan) and runs it for a bounded time over a
# copy of the checked-in seed corpus. Usage: run_fuzzer.sh [seconds=60] [build dir=build/fuzz]
# Exit 0 = no crash, leak, sanitizer report or timeout within the time given.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
seconds="${1:-60}"
out="${2:-$root/build/fuzz}"
mkdir -p "$out/corpus"
bin="$out/vtl_fuzzer"
sources=("$here/vtl_fuzzer.cpp" "$root"/src/vtl/*.cpp)
# Rebuild only when a source is newer than the binary (ccache helps across clean builds).
rebuild=0
[[ -x "$bin" ]] || rebuild=1
for s in "${sources[@]}"; do [[ "$s" -nt "$bin" ]] && rebuild=1; done
if ((rebuild)); then
  cxx=clang++
  command -v ccache >/dev/null && cxx="ccache clang++"
  objs=()
  pids=()
  for s in "${sources[@]}"; do
    o="$out/$(basename "${s%.cpp}").o"
    $cxx -std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
      -I"$root/src" -c "$s" -o "$o" &
    objs+=("$o")
    pids+=($!)
    if (( ${#pids[@]} == 2 )); then  # two at a time: these machines have two cores
      for p in "${pids[@]}"; do wait "$p"; done
      pids=()
    fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  clang++ -fsanitize=fuzzer,address,undefined "${objs[@]}" -lre2 -lboost_json -o "$bin"
fi
cp -n "$here"/corpus/* "$out/corpus/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# -rss_limit_mb bounds memory; -timeout flags any single input that takes over 10 s.
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus"
