#!/usr/bin/env bash
# Benchmark (not a test): Portico's MOCK and HTTP_PROXY methods side by side with nginx
# (`return 200` and `proxy_pass` to the same upstream), same CPU pinning, one run.
# Prints requests/s and p50/p99 with ratios to nginx and appends them to bench/RESULTS.md.
# Env: PORTICO (binary, default build/release/portico), DURATION (seconds per case, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
PORTICO=${PORTICO:-build/release/portico}
DURATION=${DURATION:-10}
command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx-light >/dev/null
[[ -x $PORTICO ]] || { echo "no Portico binary at $PORTICO (build: cmake --preset release && cmake --build --preset release)"; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
UP_PORT=$(free_port); FRONT_PORT=$(free_port)

nginx_conf() {  # $1 = name, $2 = server block body
  mkdir -p "$tmp/$1"
  cat > "$tmp/$1/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/$1/nginx.pid;
error_log $tmp/$1/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$UP_PORT; keepalive 64; }
  $2
}
CONF
}
nginx_conf upstream "server { listen 127.0.0.1:$UP_PORT; location / { default_type application/json; return 200 '{\"ok\":true}'; } }"
nginx_conf front "server { listen 127.0.0.1:$FRONT_PORT;
  location /mock { default_type application/json; return 200 '{\"pets\":[\"cat\"]}'; }
  location /proxy/ { proxy_pass http://backend/; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
taskset -c 0 nginx -p "$tmp/upstream" -c "$tmp/upstream/nginx.conf" & pids+=($!)
taskset -c 1 nginx -p "$tmp/front" -c "$tmp/front/nginx.conf" & pids+=($!)

taskset -c 1 "$PORTICO" serve --data-dir "$tmp/data" --admin-listen 127.0.0.1:0 --listen 127.0.0.1:0 \
  --ready-file "$tmp/ready.json" --threads 1 --log-level warn > "$tmp/portico.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do [[ -f $tmp/ready.json ]] && break; sleep 0.1; done
[[ -f $tmp/ready.json ]] || { cat "$tmp/portico.log"; exit 1; }
ADMIN=$(python3 -c "import json;print(json.load(open('$tmp/ready.json'))['admin'])")
DATA=$(python3 -c "import json;print(json.load(open('$tmp/ready.json'))['data'])")

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_MAX_ATTEMPTS=1 AWS_PAGER=
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
a() { /usr/bin/aws --endpoint-url "http://$ADMIN" apigateway "$@" --output text; }
API=$(a create-rest-api --name bench --query id)
ROOT=$(a get-resources --rest-api-id "$API" --query 'items[0].id')
MOCK=$(a create-resource --rest-api-id "$API" --parent-id "$ROOT" --path-part mock --query id)
a put-method --rest-api-id "$API" --resource-id "$MOCK" --http-method GET --authorization-type NONE >/dev/null
a put-integration --rest-api-id "$API" --resource-id "$MOCK" --http-method GET --type MOCK \
  --request-templates '{"application/json":"{\"statusCode\": 200}"}' >/dev/null
a put-method-response --rest-api-id "$API" --resource-id "$MOCK" --http-method GET --status-code 200 >/dev/null
a put-integration-response --rest-api-id "$API" --resource-id "$MOCK" --http-method GET --status-code 200 \
  --response-templates '{"application/json":"{\"pets\":[\"cat\"]}"}' >/dev/null
PROXY=$(a create-resource --rest-api-id "$API" --parent-id "$ROOT" --path-part proxy --query id)
GREEDY=$(a create-resource --rest-api-id "$API" --parent-id "$PROXY" --path-part '{proxy+}' --query id)
a put-method --rest-api-id "$API" --resource-id "$GREEDY" --http-method ANY --authorization-type NONE \
  --request-parameters method.request.path.proxy=true >/dev/null
a put-integration --rest-api-id "$API" --resource-id "$GREEDY" --http-method ANY --type HTTP_PROXY \
  --integration-http-method ANY --uri "http://127.0.0.1:$UP_PORT/{proxy}" \
  --request-parameters integration.request.path.proxy=method.request.path.proxy >/dev/null
a create-deployment --rest-api-id "$API" --stage-name bench >/dev/null
HOST="$API.execute-api.localhost"

check() { curl -sf -H "Host: $2" "$1" >/dev/null || { echo "sanity check failed: $1"; exit 1; }; }
check "http://127.0.0.1:$FRONT_PORT/mock" x; check "http://127.0.0.1:$FRONT_PORT/proxy/x" x
check "http://$DATA/bench/mock" "$HOST"; check "http://$DATA/bench/proxy/x" "$HOST"

to_us() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000000} }'; }
run_case() {  # $1 url, $2 host → "rps p50us p99us"
  taskset -c 0 wrk -t1 -c50 -d2s -H "Host: $2" "$1" >/dev/null
  local out; out=$(taskset -c 0 wrk -t1 -c50 -d"${DURATION}s" --latency -H "Host: $2" "$1")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_us)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_us)
  echo "$rps $p50 $p99"
}
read -r n_mock n_mock50 n_mock99 < <(run_case "http://127.0.0.1:$FRONT_PORT/mock" x)
read -r p_mock p_mock50 p_mock99 < <(run_case "http://$DATA/bench/mock" "$HOST")
read -r n_prox n_prox50 n_prox99 < <(run_case "http://127.0.0.1:$FRONT_PORT/proxy/x" x)
read -r p_prox p_prox50 p_prox99 < <(run_case "http://$DATA/bench/proxy/x" "$HOST")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
table=$(cat <<T
| case | nginx req/s | Portico req/s | req/s ratio | nginx p50 / p99 (µs) | Portico p50 / p99 (µs) | p50 ratio | p99 ratio |
|---|---:|---:|---:|---|---|---:|---:|
| MOCK vs return 200 | $n_mock | $p_mock | $(ratio "$p_mock" "$n_mock") | $n_mock50 / $n_mock99 | $p_mock50 / $p_mock99 | $(ratio "$p_mock50" "$n_mock50") | $(ratio "$p_mock99" "$n_mock99") |
| HTTP_PROXY vs proxy_pass | $n_prox | $p_prox | $(ratio "$p_prox" "$n_prox") | $n_prox50 / $n_prox99 | $p_prox50 / $p_prox99 | $(ratio "$p_prox50" "$n_prox50") | $(ratio "$p_prox99" "$n_prox99") |
T
)
echo "$table"
{
  echo
  echo "## $(date -u +%Y-%m-%dT%H:%MZ) gateway_vs_nginx ($(nproc) cores, kernel $(uname -r), ${DURATION}s per case)"
  echo
  echo "Command: \`bash bench/gateway_vs_nginx.sh\` (server pinned to CPU 1, wrk -t1 -c50 pinned to CPU 0; one worker each)."
  echo
  echo "$table"
} >> bench/RESULTS.md
