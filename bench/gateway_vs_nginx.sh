#!/usr/bin/env bash
# Benchmark (not a test): Portico's MOCK and HTTP_PROXY methods side by side with nginx, in one run.
#
#   upstream nginx (127.0.0.1, `return 200 '{"ok":true}'` for any path)
#     ^ keep-alive proxy_pass            ^ HTTP_PROXY integration
#   front nginx (1 worker)             Portico (--threads 1)        <- both pinned to SERVER_CPU (1)
#     /mock     return 200               /bench/mock      MOCK
#     /proxy/x  proxy_pass               /bench/proxy/x   HTTP_PROXY  ({proxy+} -> upstream/{proxy})
#   wrk -t1 -c50 --latency, pinned to CLIENT_CPU (0), 2 s warm-up before each case
#
# Prints requests/s, p50 and p99 for the 4 cases with Portico/nginx ratios, and appends the same
# table (with the machine and the command) to bench/RESULTS.md. If the Portico binary is missing,
# the Portico half is skipped with a message and only nginx is measured.
#
# Usage: bash bench/gateway_vs_nginx.sh
# Env:   DURATION     seconds per measured case (default 10)
#        PORTICO      Portico binary (default build/release/portico)
#        WARMUP       warm-up seconds before each case (default 2; 0 = none)
#        CONNECTIONS  wrk connections (default 50)
#        SERVER_CPU / CLIENT_CPU / UPSTREAM_CPU   taskset CPUs (default 1 / 0 / 0; empty = unpinned)
#        RECORD=0     do not append to bench/RESULTS.md
#        KEEP_TMP=1   keep the temp dir (configs, logs, wrk output) for inspection
set -euo pipefail
shopt -s inherit_errexit

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
cd "$ROOT_DIR"

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-50}
PORTICO=${PORTICO:-build/release/portico}
NGINX=${NGINX:-/usr/sbin/nginx}
AWS=${AWS:-/usr/bin/aws}
SERVER_CPU=${SERVER_CPU-1}
CLIENT_CPU=${CLIENT_CPU-0}
UPSTREAM_CPU=${UPSTREAM_CPU-0}
RECORD=${RECORD:-1}
KEEP_TMP=${KEEP_TMP:-0}
RESULTS=$BENCH_DIR/RESULTS.md
READY_TIMEOUT=20   # seconds for a server to start listening
AWS_TIMEOUT=60     # seconds per AWS CLI call

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for v in DURATION WARMUP CONNECTIONS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number (got '${!v}')"
done
((DURATION > 0)) || die "DURATION must be > 0"

# ---------------------------------------------------------------------------------------------
# Tools
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -x $NGINX ]] || missing+=(nginx-light)
if ((${#missing[@]})); then
  [[ $EUID -eq 0 ]] || die "missing ${missing[*]}; install them (apt-get install -y wrk nginx-light)"
  log "installing ${missing[*]}"
  timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null ||
    { timeout 300 apt-get update -qq && timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
    die "apt-get install ${missing[*]} failed"
  [[ -x $NGINX ]] || NGINX=$(command -v nginx) || die "nginx not found after install"
fi
for t in curl taskset timeout awk sed; do command -v "$t" >/dev/null || die "$t is required"; done
PY=/usr/bin/python3
[[ -x $PY ]] || PY=$(command -v python3) || die "python3 is required (to pick free ports)"

NCPU=$(nproc)
pin_prefix() {  # prints a taskset prefix for CPU $1 (nothing when unpinned or single-core)
  if [[ -n $1 ]] && ((NCPU > 1)); then printf 'taskset\n-c\n%s\n' "$1"; fi
}
mapfile -t PIN_SERVER < <(pin_prefix "$SERVER_CPU")
mapfile -t PIN_CLIENT < <(pin_prefix "$CLIENT_CPU")
mapfile -t PIN_UPSTREAM < <(pin_prefix "$UPSTREAM_CPU")
((NCPU > 1)) || log "only $NCPU CPU: running unpinned"

# ---------------------------------------------------------------------------------------------
# Processes and cleanup
TMP=$(mktemp -d /tmp/portico-bench.XXXXXX)
PIDS=()
LOGS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in {1..30}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if ((rc != 0)); then
    local f
    for f in "${LOGS[@]}"; do
      if [[ -s $f ]]; then log "--- last lines of $f"; tail -n 20 "$f" >&2; fi
    done
  fi
  if [[ $KEEP_TMP == 1 ]]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
    if ((rc != 0)); then log "(rerun with KEEP_TMP=1 to keep configs, logs and wrk output)"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_ports() {  # prints $1 distinct free loopback ports
  "$PY" -S -c '
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}

wait_listening() {  # name port pid: waits until 127.0.0.1:port accepts connections
  local name=$1 port=$2 pid=$3 i
  for ((i = 0; i < READY_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during startup"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$name did not listen on 127.0.0.1:$port within ${READY_TIMEOUT}s"
}

start_nginx() {  # name port upstream_port pin...: nginx from bench/nginx-NAME.conf.tmpl
  local name=$1 port=$2 upstream_port=$3
  shift 3
  local dir=$TMP/$name
  mkdir -p "$dir"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@UPSTREAM_PORT@|$upstream_port|g" \
    "$BENCH_DIR/nginx-$name.conf.tmpl" >"$dir/nginx.conf"
  LOGS+=("$dir/error.log" "$dir/stderr.log")
  timeout 10 "$NGINX" -q -t -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" 2>"$dir/stderr.log" ||
    die "nginx ($name) rejected its config $dir/nginx.conf"
  "$@" "$NGINX" -p "$dir/" -e "$dir/error.log" -c "$dir/nginx.conf" </dev/null >"$dir/stderr.log" 2>&1 &
  PIDS+=($!)
  wait_listening "nginx ($name)" "$port" $!
}

# ---------------------------------------------------------------------------------------------
# Portico: start, configure through the AWS-compatible management API
PORTICO_SKIP=""      # reason, when the Portico half is skipped
PORTICO_THREADS=""   # "--threads 1", or "default threads" when the flag was rejected
PORTICO_VERSION=""

json_str() {  # key file: the string value of "key" in a flat JSON object
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1
}

start_portico() {
  local attempt extra=() pid i
  for attempt in threads plain; do
    if [[ $attempt == threads ]]; then extra=(--threads 1); else extra=(); fi
    local data_dir=$TMP/portico-data-$attempt ready=$TMP/portico-ready.json logf=$TMP/portico-$attempt.log
    rm -f "$ready"
    LOGS+=("$logf")
    PORTICO_LOG_LEVEL=${PORTICO_LOG_LEVEL:-warn} "${PIN_SERVER[@]}" "$PORTICO" serve \
      --data-dir "$data_dir" --admin-listen 127.0.0.1:0 --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 \
      --ready-file "$ready" --account-rate-limit 10000000 --account-burst-limit 10000000 \
      "${extra[@]}" </dev/null >"$logf" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < READY_TIMEOUT * 10; i++)); do
      if [[ -s $ready ]] && grep -q '"data"' "$ready" && grep -q '"admin"' "$ready"; then
        ADMIN=$(json_str admin "$ready")
        DATA=$(json_str data "$ready")
        [[ -n $ADMIN && -n $DATA ]] || die "cannot parse Portico's ready file: $(cat "$ready")"
        if [[ $attempt == threads ]]; then PORTICO_THREADS="--threads 1"; else PORTICO_THREADS="default threads"; fi
        log "Portico listening: admin $ADMIN, data $DATA (pid $pid, $PORTICO_THREADS)"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      die "Portico did not write $ready within ${READY_TIMEOUT}s (log: $logf)"
    fi
    if [[ $attempt == threads ]]; then
      log "Portico exited before becoming ready with '--threads 1' (flag not supported?):"
      tail -n 5 "$logf" >&2 || true
      log "retrying without --threads"
    fi
  done
  die "Portico exited before becoming ready (log: $TMP/portico-plain.log)"
}

gw() {  # aws apigateway ... --output text, bounded, with its error shown on failure
  local err=$TMP/aws.err
  if ! timeout "$AWS_TIMEOUT" "$AWS" --endpoint-url "http://$ADMIN" apigateway "$@" --output text 2>"$err"; then
    cat "$err" >&2
    die "aws apigateway $1 failed"
  fi
}

configure_portico() {  # sets API_ID
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    AWS_MAX_ATTEMPTS=1 AWS_PAGER='' AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    AWS_EC2_METADATA_DISABLED=true
  local root mock proxy greedy
  API_ID=$(gw create-rest-api --name portico-bench --query id)
  root=$(gw get-resources --rest-api-id "$API_ID" --query "items[?path=='/'].id | [0]")
  [[ -n $API_ID && -n $root && $root != None ]] || die "create-rest-api / get-resources returned no ids"

  mock=$(gw create-resource --rest-api-id "$API_ID" --parent-id "$root" --path-part mock --query id)
  gw put-method --rest-api-id "$API_ID" --resource-id "$mock" --http-method GET \
    --authorization-type NONE >/dev/null
  gw put-integration --rest-api-id "$API_ID" --resource-id "$mock" --http-method GET --type MOCK \
    --request-templates '{"application/json":"{\"statusCode\": 200}"}' >/dev/null
  gw put-method-response --rest-api-id "$API_ID" --resource-id "$mock" --http-method GET \
    --status-code 200 >/dev/null
  gw put-integration-response --rest-api-id "$API_ID" --resource-id "$mock" --http-method GET \
    --status-code 200 --response-templates '{"application/json":"{\"pets\":[\"cat\"]}"}' >/dev/null

  proxy=$(gw create-resource --rest-api-id "$API_ID" --parent-id "$root" --path-part proxy --query id)
  greedy=$(gw create-resource --rest-api-id "$API_ID" --parent-id "$proxy" --path-part '{proxy+}' --query id)
  gw put-method --rest-api-id "$API_ID" --resource-id "$greedy" --http-method ANY \
    --authorization-type NONE --request-parameters method.request.path.proxy=true >/dev/null
  gw put-integration --rest-api-id "$API_ID" --resource-id "$greedy" --http-method ANY \
    --type HTTP_PROXY --integration-http-method ANY --uri "http://127.0.0.1:$UPSTREAM_PORT/{proxy}" \
    --request-parameters integration.request.path.proxy=method.request.path.proxy >/dev/null

  gw create-deployment --rest-api-id "$API_ID" --stage-name bench >/dev/null
  log "Portico configured: API $API_ID, stage bench"
}

# ---------------------------------------------------------------------------------------------
# Sanity checks and measurement
check_url() {  # url host expected_body: returns 0 when the response is 200 with exactly that body
  local url=$1 host=$2 expected=$3 code hdr=()
  if [[ -n $host ]]; then hdr=(-H "Host: $host"); fi
  code=$(curl -sS -m 5 -o "$TMP/body" -w '%{http_code}' "${hdr[@]}" "$url" 2>"$TMP/curl.err") || code=000
  LAST_CHECK="HTTP $code, body '$(head -c 200 "$TMP/body" 2>/dev/null)' $(head -c 200 "$TMP/curl.err")"
  [[ $code == 200 && $(<"$TMP/body") == "$expected" ]]
}

declare -A URL HOST RPS P50 P99 ERRS
add_case() {  # name url host expected_body: sanity-checks the URL with curl, then registers it
  check_url "$2" "$3" "$4" || die "sanity check '$1' ($2${3:+ Host: $3}): $LAST_CHECK; expected 200 '$4'"
  URL[$1]=$2 HOST[$1]=$3
}

# The data plane URL for stage path $1 (e.g. /mock), preferring the Host-header form.
portico_case() {  # name path expected_body
  local name=$1 path=$2 expected=$3
  local host="$API_ID.execute-api.localhost"
  if check_url "http://$DATA/bench$path" "$host" "$expected"; then
    add_case "$name" "http://$DATA/bench$path" "$host" "$expected"
    return
  fi
  log "Host-header URL for $name failed ($LAST_CHECK); trying the path-style URL"
  add_case "$name" "http://$DATA/restapis/$API_ID/bench/_user_request_$path" "" "$expected"
}

to_us() {  # wrk time ("127.00us", "1.02ms", "1.50s", "2.00m") -> microseconds
  awk -v t="$1" 'BEGIN {
    v = t + 0
    if (t ~ /us$/) print v; else if (t ~ /ms$/) print v * 1e3; else if (t ~ /s$/) print v * 1e6;
    else if (t ~ /m$/) print v * 6e7; else if (t ~ /h$/) print v * 3.6e9; else print "?" }'
}

run_case() {  # name: warm-up, then measure with wrk --latency; fills RPS P50 P99 ERRS
  local name=$1 hdr=() out
  if [[ -n ${HOST[$name]} ]]; then hdr=(-H "Host: ${HOST[$name]}"); fi
  local wrk=("${PIN_CLIENT[@]}" wrk -t1 -c"$CONNECTIONS")
  if ((WARMUP > 0)); then
    timeout $((WARMUP + 30)) "${wrk[@]}" -d"${WARMUP}s" "${hdr[@]}" "${URL[$name]}" >/dev/null ||
      die "wrk warm-up for $name failed"
  fi
  log "measuring $name for ${DURATION}s: ${URL[$name]}${HOST[$name]:+ (Host: ${HOST[$name]})}"
  out=$(timeout $((DURATION + 30)) "${wrk[@]}" -d"${DURATION}s" --latency "${hdr[@]}" "${URL[$name]}") ||
    die "wrk for $name failed"
  printf '%s\n' "$out" >"$TMP/wrk-$name.txt"
  RPS[$name]=$(awk '$1 == "Requests/sec:" { printf "%.0f", $2 }' <<<"$out")
  P50[$name]=$(to_us "$(awk '$1 == "50%" { print $2; exit }' <<<"$out")")
  P99[$name]=$(to_us "$(awk '$1 == "99%" { print $2; exit }' <<<"$out")")
  ERRS[$name]=$(awk '/^ *Non-2xx or 3xx responses:/ { n += $NF }
    /^ *Socket errors:/ { for (i = 3; i <= NF; i += 2) { v = $(i + 1); sub(/,/, "", v); n += v } }
    END { print n + 0 }' <<<"$out")
  [[ -n ${RPS[$name]} && ${P50[$name]} != "?" && ${P99[$name]} != "?" ]] ||
    die "could not parse wrk output for $name (see $TMP/wrk-$name.txt)"
  log "  $name: ${RPS[$name]} req/s, p50 ${P50[$name]} us, p99 ${P99[$name]} us, errors ${ERRS[$name]}"
}

# ---------------------------------------------------------------------------------------------
# Run
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
read -r UPSTREAM_PORT FRONT_PORT < <(free_ports 2)
start_nginx upstream "$UPSTREAM_PORT" 0 "${PIN_UPSTREAM[@]}"
start_nginx front "$FRONT_PORT" "$UPSTREAM_PORT" "${PIN_SERVER[@]}"
log "nginx: upstream 127.0.0.1:$UPSTREAM_PORT, front 127.0.0.1:$FRONT_PORT"
check_url "http://127.0.0.1:$UPSTREAM_PORT/x" "" '{"ok":true}' || die "upstream sanity check: $LAST_CHECK"

if [[ ! -x $PORTICO ]]; then
  PORTICO_SKIP="no Portico binary at $PORTICO"
elif [[ ! -x $AWS ]]; then
  PORTICO_SKIP="no AWS CLI v2 at $AWS (apt-get install awscli)"
fi
if [[ -n $PORTICO_SKIP ]]; then
  log "SKIPPING the Portico half: $PORTICO_SKIP"
  log "  (build it: cmake --preset release && cmake --build --preset release; or set PORTICO=/path/to/portico)"
else
  PORTICO_VERSION=$(timeout 5 "$PORTICO" --version 2>/dev/null | head -n 1) || PORTICO_VERSION="?"
  start_portico
  configure_portico
fi

CASES=(nginx_mock portico_mock nginx_proxy portico_proxy)
add_case nginx_mock "http://127.0.0.1:$FRONT_PORT/mock" "" '{"pets":["cat"]}'
add_case nginx_proxy "http://127.0.0.1:$FRONT_PORT/proxy/x" "" '{"ok":true}'
if [[ -z $PORTICO_SKIP ]]; then
  portico_case portico_mock /mock '{"pets":["cat"]}'
  portico_case portico_proxy /proxy/x '{"ok":true}'
fi

for c in "${CASES[@]}"; do
  if [[ -n ${URL[$c]:-} ]]; then run_case "$c"; fi
done

# ---------------------------------------------------------------------------------------------
# Report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
declare -A LABEL=(
  [nginx_mock]="nginx mock (\`return 200\`)"
  [portico_mock]="Portico mock (MOCK)"
  [nginx_proxy]="nginx proxy (\`proxy_pass\`)"
  [portico_proxy]="Portico proxy (HTTP_PROXY)"
)
row() {  # case [reference case]
  local c=$1 ref=${2:-}
  if [[ -z ${RPS[$c]:-} ]]; then
    printf '| %s | skipped: %s | | | | | |\n' "${LABEL[$c]}" "$PORTICO_SKIP"
  elif [[ -z $ref ]]; then
    printf '| %s | %s | %s | %s | | | |\n' "${LABEL[$c]}" "${RPS[$c]}" "${P50[$c]}" "${P99[$c]}"
  else
    printf '| %s | %s | %s | %s | **%s** | %s | %s |\n' "${LABEL[$c]}" "${RPS[$c]}" "${P50[$c]}" \
      "${P99[$c]}" "$(ratio "${RPS[$c]}" "${RPS[$ref]}")" "$(ratio "${P50[$c]}" "${P50[$ref]}")" \
      "$(ratio "${P99[$c]}" "${P99[$ref]}")"
  fi
}
aim() {  # case ref label
  [[ -n ${RPS[$1]:-} ]] || return 0
  local r
  r=$(ratio "${RPS[$1]}" "${RPS[$2]}")
  if awk -v r="$r" 'BEGIN { exit !(r >= 0.7) }'; then echo "$3 ${r}× (met)"; else echo "$3 ${r}× (NOT met)"; fi
}
TABLE=$(
  echo "| case | requests/s | p50 (µs) | p99 (µs) | Portico/nginx req/s | Portico/nginx p50 | Portico/nginx p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  row nginx_mock
  row portico_mock nginx_mock
  row nginx_proxy
  row portico_proxy nginx_proxy
)
NOTES=()
if [[ -z $PORTICO_SKIP ]]; then
  NOTES+=("Aim ≥ 0.7× nginx req/s: $(aim portico_mock nginx_mock MOCK); $(aim portico_proxy nginx_proxy HTTP_PROXY).")
fi
for c in "${CASES[@]}"; do
  if [[ -n ${ERRS[$c]:-} && ${ERRS[$c]} != 0 ]]; then
    NOTES+=("WARNING: ${LABEL[$c]} had ${ERRS[$c]} non-2xx responses or socket errors during the run.")
  fi
done

echo
echo "$TABLE"
echo
for n in "${NOTES[@]}"; do echo "$n"; done

if [[ $RECORD == 1 ]]; then
  if [[ ! -f $RESULTS ]]; then
    cat >"$RESULTS" <<'EOF'
# Benchmark results

Figures recorded by the scripts in `bench/` (each run appends a dated section). These machines are
shared and noisy, so every script measures Portico side by side with a reference (nginx) in the
same run, on the same pinning; the Portico/nginx ratios are what count, not the absolute figures.
Aim for the gateway: at least 0.7× nginx requests/s on both MOCK and HTTP_PROXY.
EOF
  fi
  pinning="server (front nginx, Portico) on CPU ${SERVER_CPU:-any}, wrk on CPU ${CLIENT_CPU:-any}, upstream nginx on CPU ${UPSTREAM_CPU:-any}"
  ((NCPU > 1)) || pinning="unpinned (1 CPU)"
  commit=$(git -C "$ROOT_DIR" rev-parse --short HEAD 2>/dev/null || echo "?")
  if [[ -n $(git -C "$ROOT_DIR" status --porcelain -- src CMakeLists.txt 2>/dev/null) ]]; then
    commit+=" + uncommitted changes"
  fi
  if [[ -n $PORTICO_SKIP ]]; then
    portico_desc="skipped ($PORTICO_SKIP)"
  else
    portico_desc="\`$PORTICO\` ($PORTICO_VERSION, $PORTICO_THREADS), tree at $commit"
  fi
  {
    echo
    echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — gateway_vs_nginx"
    echo
    echo "- Machine: $(nproc) cores, kernel $(uname -r), load average before the run $LOAD_BEFORE"
    echo "- Command: \`DURATION=$DURATION PORTICO=$PORTICO bash bench/gateway_vs_nginx.sh\`"
    echo "  (wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency after a ${WARMUP}s warm-up; $pinning)"
    echo "- nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), 1 worker; Portico: $portico_desc"
    echo
    echo "$TABLE"
    if ((${#NOTES[@]})); then
      echo
      for n in "${NOTES[@]}"; do echo "$n"; done
    fi
  } >>"$RESULTS"
  log "appended to ${RESULTS#"$ROOT_DIR"/}"
fi
