#!/usr/bin/env bash
# Builds one of Portico's libFuzzer targets with clang (ASan + UBSan) and runs it for a bounded
# time over a copy of its checked-in seed corpus (tests/fuzz/<target>_corpus/).
#   run_fuzzer.sh http|zip|vtl|jsonpath|jwt|sigv4|openapi [seconds=30] [build dir=build/fuzz]
# The binary, its objects, the working corpus and any crash artifacts go to <build dir>/<target>/.
# Exit 0 = no crash, leak, sanitizer report or timeout within the time given.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${1:-}"
seconds="${2:-30}"
out="${3:-$root/build/fuzz}/$target"
max_len=65536
# Each target compiles only the src/ files it needs, and links only the libraries they use.
case "$target" in
  http) sources=("$here/http_request_fuzzer.cpp" "$root/src/http/request_framing.cpp"); libs=() ;;
  zip) sources=("$here/zip_fuzzer.cpp" "$root/src/functions/code_store.cpp" "$root/src/common/base64.cpp"
                "$root/src/common/digest.cpp"); libs=(-larchive -lcrypto) ;;
  vtl) sources=("$here/vtl_fuzzer.cpp" "$root"/src/vtl/*.cpp); libs=(-lre2 -lboost_json); max_len=4096 ;;
  jsonpath) sources=("$here/jsonpath_fuzzer.cpp" "$root/src/vtl/json_path.cpp" "$root/src/vtl/value.cpp"
            "$root/src/vtl/value_graph.cpp"); libs=(-lboost_json)
            max_len=4096 ;;
  jwt) sources=("$here/jwt_fuzzer.cpp" "$root/src/auth/jwt.cpp" "$root/src/auth/jwk_set.cpp"
                "$root/src/common/base64.cpp"); libs=(-lboost_json -lcrypto); max_len=16384 ;;
  sigv4) sources=("$here/sigv4_fuzzer.cpp" "$root/src/auth/sigv4_verifier.cpp" "$root/src/auth/sigv4_canonical.cpp"
          "$root/src/common/digest.cpp" "$root/src/common/uri_encoding.cpp")
         libs=(-lcrypto); max_len=16384 ;;
  openapi) sources=("$here/openapi_fuzzer.cpp" "$root"/src/openapi/*.cpp); libs=(-lyaml-cpp -lboost_json)
           max_len=65536 ;;
  *) echo "usage: $0 http|zip|vtl|jsonpath|jwt|sigv4|openapi [seconds=30] [build dir]" >&2; exit 2 ;;
esac
mkdir -p "$out/corpus"
bin="$out/${target}_fuzzer"
# Rebuild only when a source (or this script, which holds the flags) is newer than the binary;
# ccache, when present, makes rebuilding unchanged objects cheap.
rebuild=0
[[ -x "$bin" ]] || rebuild=1
for s in "${sources[@]}" "$here/run_fuzzer.sh"; do [[ "$s" -nt "$bin" ]] && rebuild=1; done
if ((rebuild)); then
  cxx=clang++
  command -v ccache >/dev/null && cxx="ccache clang++"
  objs=()
  pids=()
  failed=0
  wait_all() {  # waits for every pending compile, remembering whether one failed
    local p
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    pids=()
  }
  for s in "${sources[@]}"; do
    o="$out/$(basename "${s%.cpp}").o"
    $cxx -std=c++20 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
      -DBOOST_ASIO_NO_DEPRECATED -I"$root/src" -c "$s" -o "$o" &
    objs+=("$o")
    pids+=($!)
    if ((${#pids[@]} == 2)); then wait_all; fi  # two at a time: these machines have two cores
  done
  wait_all
  if ((failed)); then echo "run_fuzzer.sh: compiling the $target target failed" >&2; exit 1; fi
  clang++ -fsanitize=fuzzer,address,undefined "${objs[@]}" "${libs[@]}" -o "$bin"
fi
cp -n "$here/${target}_corpus"/* "$out/corpus/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# -rss_limit_mb bounds memory; -timeout flags any single input that takes over 10 s.
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus"
