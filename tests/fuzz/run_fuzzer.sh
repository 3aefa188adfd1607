#!/usr/bin/env bash
# Builds one of Portico's libFuzzer targets with clang (ASan + UBSan) and runs it for a bounded
# time over a copy of its checked-in seed corpus.
#   run_fuzzer.sh http|zip [seconds=30] [build dir=build/fuzz]
# Exit 0 = no crash, leak, sanitizer report or timeout within the time given.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="$1"
seconds="${2:-30}"
out="${3:-$root/build/fuzz}/$target"
case "$target" in
  http) sources=("$here/http_request_fuzzer.cpp" "$root/src/http/request_framing.cpp"); libs=() ;;
  zip) sources=("$here/zip_fuzzer.cpp" "$root/src/functions/code_store.cpp" "$root/src/common/base64.cpp"
                "$root/src/common/digest.cpp"); libs=(-larchive -lcrypto) ;;
  *) echo "unknown fuzz target: $target" >&2; exit 2 ;;
esac
mkdir -p "$out/corpus"
bin="$out/${target}_fuzzer"
rebuild=0
[[ -x "$bin" ]] || rebuild=1
for s in "${sources[@]}"; do [[ "$s" -nt "$bin" ]] && rebuild=1; done
if ((rebuild)); then
  cxx=clang++
  command -v ccache >/dev/null && cxx="ccache clang++"
  objs=()
  for s in "${sources[@]}"; do
    o="$out/$(basename "${s%.cpp}").o"
    $cxx -std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
      -DBOOST_ASIO_NO_DEPRECATED -I"$root/src" -c "$s" -o "$o"
    objs+=("$o")
  done
  clang++ -fsanitize=fuzzer,address,undefined "${objs[@]}" "${libs[@]}" -o "$bin"
fi
cp -n "$here/${target}_corpus"/* "$out/corpus/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus"
