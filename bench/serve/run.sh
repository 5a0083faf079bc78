#!/usr/bin/env bash
# The collector benchmark (docs/performance.md, "The collector (`sluice serve`)").
#   bench/serve/run.sh                 # each phase 30 s
#   DURATION=10s bench/serve/run.sh    # a quick run
# Env: SLUICE (default build/sluice), DURATION (wrk syntax: 10s, 1m),
#      CONNS (64), THREADS (2), FRESH_RATE (20000 events/s),
#      ROLL_INTERVAL (unset: the default landing.roll_interval, 5s).
# Needs wrk, nginx, curl, python3. Exit 0 when every phase ran and serve exited
# 0 (a missed goal still gives 0 and prints MISS).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SLUICE=${SLUICE:-$root/build/sluice}
DURATION=${DURATION:-30s}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
FRESH_RATE=${FRESH_RATE:-20000}
BATCH=1000

for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-serve: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
[ -x "$SLUICE" ] || { echo "bench-serve: $SLUICE not built" >&2; exit 2; }

case "$DURATION" in
  *ms) echo "bench-serve: DURATION must be in s, m or h" >&2; exit 2 ;;
  *s) secs=${DURATION%s} ;;
  *m) secs=$(( ${DURATION%m} * 60 )) ;;
  *h) secs=$(( ${DURATION%h} * 3600 )) ;;
  *) secs=$DURATION; DURATION=${DURATION}s ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice_bench_serve.XXXXXX")
serve_pid=""
nginx_pid=""
cleanup() {
  local rc=$?
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$serve_pid" ] && kill -KILL "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- inputs ------------------------------------------------------------------
# Config: the example's catalog, a temp data dir, a free port, default landing.
sed -e 's|^data_dir:.*|data_dir: data|' "$root/examples/accounting/sluice.yaml" > "$tmp/sluice.yaml"
printf 'http:\n  listen: 127.0.0.1:0\n' >> "$tmp/sluice.yaml"
# ROLL_INTERVAL (e.g. 1s) overrides landing.roll_interval; unset = default landing settings.
[ -n "${ROLL_INTERVAL:-}" ] && printf 'landing:\n  roll_interval: %s\n' "$ROLL_INTERVAL" >> "$tmp/sluice.yaml"

# One event with @ID@ in place of its EventItemId, and a 1,000-event NDJSON body.
head -n 1 "$root"/examples/accounting/events/*.ndjson | grep '^{' | head -n 1 \
  | sed -E 's/"EventItemId": *"[^"]*"/"EventItemId": "@ID@"/' > "$tmp/event.tmpl"
grep -q '@ID@' "$tmp/event.tmpl"
python3 - "$tmp/event.tmpl" "$tmp/batch.ndjson" "$BATCH" <<'PY'
import sys
pre, post = open(sys.argv[1]).read().strip().split("@ID@")
with open(sys.argv[2], "w") as f:
    for i in range(int(sys.argv[3])):
        f.write(pre + "B-%d" % i + post + "\n")
PY
export BENCH_LUA_DIR=$here BATCH_BODY=$tmp/batch.ndjson SINGLE_BODY=$tmp/event.tmpl

# --- helpers -----------------------------------------------------------------
metric() {  # metric NAME: the sum of NAME's samples (all labels) from /metrics
  curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" \
    | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f\n", s }'
}
field() {  # field KEY FILE: value of KEY=... on the RESULT line
  grep '^RESULT ' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
drain() {  # wait (at most 900 s) until the pipeline is idle: nothing unmerged, and
  # no file sealed or row loaded for 7 s (longer than the 5 s roll_interval).
  # Prints how long the pipeline took to catch up, and the rows it loaded
  # meanwhile: phase 1 lands events faster than they are loaded and merged.
  local i key last="" same=0 rows0 rows1
  rows0=$(metric sluice_loader_rows_total)
  for i in $(seq 1 900); do
    key="$(metric sluice_landing_files_sealed_total) $(metric sluice_loader_rows_total) $(metric sluice_merge_lag_rows)"
    if [ "$key" = "$last" ] && [ "${key##* }" = 0 ]; then same=$((same + 1)); else same=0; fi
    last=$key
    if [ "$same" -ge 7 ]; then
      rows1=$(metric sluice_loader_rows_total)
      local busy=$((i - 7)) caught=$((rows1 - rows0)) rate=0
      [ "$busy" -gt 0 ] && rate=$((caught / busy))
      echo "  (pipeline idle after ${i} s: caught up on $caught more rows in about $busy s, $rate rows/s loaded and merged)"
      return 0
    fi
    sleep 1
  done
  echo "  (pipeline still busy after 900 s: sealed/rows/lag = $key; continuing)"
}
run_wrk() {  # run_wrk NAME SCRIPT PORT: wrk with --latency; output in $tmp/NAME.out
  local name=$1 script=$2 p=$3
  wrk -t "$THREADS" -c "$CONNS" -d "$DURATION" --timeout 10s --latency \
      -s "$here/$script" "http://127.0.0.1:$p/v1/events/Accounting" > "$tmp/$name.out" 2>&1 \
    || { cat "$tmp/$name.out" >&2; echo "bench-serve: wrk failed ($name)" >&2; exit 1; }
  grep -q '^RESULT ' "$tmp/$name.out" || { cat "$tmp/$name.out" >&2; exit 1; }
}
snapshot() {  # top halfway through a phase (for the report): the second of two
  # 1 s frames; serve's threads (its leader row, the process total, skipped),
  # then the busiest processes on the machine (wrk shares the cores).
  ( sleep $(( secs / 2 )); top -H -b -n 2 -d 1 -w 120 -p "$serve_pid" 2>/dev/null \
      | awk '/^top -/ { f++ } f == 2' | sed -n '7p;9,14p' > "$tmp/top_$1.txt"
    top -b -n 2 -d 1 -w 120 2>/dev/null | awk '/^top -/ { f++ } f == 2' | sed -n '8,11p' >> "$tmp/top_$1.txt" ) &
  snap_pid=$!
}
pass() { if awk "BEGIN { exit !($1) }"; then echo PASS; else echo MISS; fi; }

# --- start sluice serve --------------------------------------------------------
"$SLUICE" -c "$tmp/sluice.yaml" serve > "$tmp/serve.log" 2>&1 &
serve_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$tmp/serve.log" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; echo "bench-serve: serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/serve.log" >&2; echo "bench-serve: serve did not start" >&2; exit 1; }

echo "sluice serve benchmark: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "serve pid $serve_pid on 127.0.0.1:$port, data in $tmp/data; each phase $DURATION; landing.roll_interval ${ROLL_INTERVAL:-default (5s)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- phase 1: batches of 1,000 -------------------------------------------------
echo "phase 1: NDJSON batches of $BATCH events, wrk -t $THREADS -c $CONNS -d $DURATION (fixed body)"
f0=$(metric sluice_landing_fsyncs_total)
snapshot batch
run_wrk batch batch.lua "$port"
wait "$snap_pid" 2>/dev/null || true
f1=$(metric sluice_landing_fsyncs_total)
b_secs=$(awk -v d="$(field duration_us "$tmp/batch.out")" 'BEGIN { print d / 1e6 }')
b_ok=$(field ok202 "$tmp/batch.out")
b_eps=$(awk -v ok="$b_ok" -v s="$b_secs" -v n="$BATCH" 'BEGIN { printf "%.0f", ok * n / s }')
b_fps=$(awk -v a="$f0" -v b="$f1" -v s="$b_secs" 'BEGIN { printf "%.0f", (b - a) / s }')
drain
echo "  events accepted so far $(metric sluice_http_events_accepted_total), rows loaded $(metric sluice_loader_rows_total)"

# --- phase 2: single events ----------------------------------------------------
echo "phase 2: single-event requests, wrk -t $THREADS -c $CONNS -d $DURATION (unique EventItemId per request)"
f0=$(metric sluice_landing_fsyncs_total)
snapshot single
run_wrk single single.lua "$port"
wait "$snap_pid" 2>/dev/null || true
f1=$(metric sluice_landing_fsyncs_total)
s_secs=$(awk -v d="$(field duration_us "$tmp/single.out")" 'BEGIN { print d / 1e6 }')
s_ok=$(field ok202 "$tmp/single.out")
s_eps=$(awk -v ok="$s_ok" -v s="$s_secs" 'BEGIN { printf "%.0f", ok / s }')
s_fps=$(awk -v a="$f0" -v b="$f1" -v s="$s_secs" 'BEGIN { printf "%.0f", (b - a) / s }')
drain

# --- phase 3: freshness at a steady rate -----------------------------------------
echo "phase 3: freshness at $FRESH_RATE events/s (batches of 100, unique ids, 1 sampled id per batch) for $secs s"
python3 "$here/freshness.py" --port "$port" --db "$tmp/data/warehouse.db" --template "$tmp/event.tmpl" \
  --rate "$FRESH_RATE" --batch 100 --seconds "$secs" > "$tmp/fresh.out" 2>&1 \
  || { cat "$tmp/fresh.out" >&2; echo "bench-serve: freshness.py failed" >&2; exit 1; }
grep -q '^RESULT ' "$tmp/fresh.out" || { cat "$tmp/fresh.out" >&2; exit 1; }

# --- memory and stop ------------------------------------------------------------
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$serve_pid/status")
kill -TERM "$serve_pid"
serve_rc=0
wait "$serve_pid" || serve_rc=$?
serve_pid=""

# --- phase 4: nginx ceiling -----------------------------------------------------
nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
cat > "$tmp/nginx/nginx.conf" <<NGX
daemon off;
worker_processes 1;
error_log stderr;
pid $tmp/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nport;
    location / { return 202 '{"accepted":1}'; }
  }
}
NGX
echo "phase 4: nginx no-op ceiling (1 worker), same single-event wrk run"
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" > "$tmp/nginx.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$nport/" -X POST 2>/dev/null && break || true
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$tmp/nginx.log" >&2; echo "bench-serve: nginx exited" >&2; exit 1; }
  sleep 0.1
done
run_wrk nginx single.lua "$nport"
kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=""
n_secs=$(awk -v d="$(field duration_us "$tmp/nginx.out")" 'BEGIN { print d / 1e6 }')
n_rps=$(awk -v ok="$(field ok202 "$tmp/nginx.out")" -v s="$n_secs" 'BEGIN { printf "%.0f", ok / s }')

# --- report -----------------------------------------------------------------------
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
frac=$(awk -v a="$s_eps" -v b="$n_rps" 'BEGIN { printf "%.0f", (b > 0 ? 100 * a / b : 0) }')
fp50=$(field p50_s "$tmp/fresh.out"); fp99=$(field p99_s "$tmp/fresh.out")
hwm_mb=$(awk -v k="$hwm_kb" 'BEGIN { printf "%.1f", k / 1024 }')
echo
printf '| phase | events/s | requests/s | non-202 | socket errors | p50 ms | p99 ms | fsyncs/s |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
printf '| 1. batches of %d | %s | %.0f | %s | %s | %s | %s | %s |\n' "$BATCH" "$b_eps" \
  "$(awk -v ok="$b_ok" -v s="$b_secs" 'BEGIN { print ok / s }')" "$(field non202 "$tmp/batch.out")" \
  "$(field sock_errors "$tmp/batch.out")" "$(ms "$(field p50_us "$tmp/batch.out")")" "$(ms "$(field p99_us "$tmp/batch.out")")" "$b_fps"
printf '| 2. single events, %d connections | %s | %s | %s | %s | %s | %s | %s |\n' "$CONNS" "$s_eps" "$s_eps" \
  "$(field non202 "$tmp/single.out")" "$(field sock_errors "$tmp/single.out")" \
  "$(ms "$(field p50_us "$tmp/single.out")")" "$(ms "$(field p99_us "$tmp/single.out")")" "$s_fps"
printf '| 4. nginx no-op, %d connections | | %s | %s | %s | %s | %s | |\n' "$CONNS" "$n_rps" \
  "$(field non202 "$tmp/nginx.out")" "$(field sock_errors "$tmp/nginx.out")" \
  "$(ms "$(field p50_us "$tmp/nginx.out")")" "$(ms "$(field p99_us "$tmp/nginx.out")")"
echo
for ph in batch single; do
  echo "halfway through '$ph': serve's threads (top -H), then the busiest processes:"; cat "$tmp/top_$ph.txt" 2>/dev/null || true
done
echo
echo "freshness (phase 3): $(sed -n 's/^RESULT //p' "$tmp/fresh.out")"
echo
printf '| goal | result | |\n|---|---|---|\n'
printf '| batches ≥ 250 000 events/s | %s events/s | %s |\n' "$b_eps" "$(pass "$b_eps >= 250000")"
printf '| single events ≥ 40 %% of nginx | %s %% (%s of %s req/s) | %s |\n' "$frac" "$s_eps" "$n_rps" "$(pass "$frac >= 40")"
printf '| freshness p99 ≤ 2 s | p50 %s s, p99 %s s | %s |\n' "$fp50" "$fp99" "$(pass "\"$fp99\" != \"nan\" && $fp99 <= 2")"
printf '| serve RSS ≤ 300 MB | VmHWM %s MiB | %s |\n' "$hwm_mb" "$(pass "$hwm_kb * 1024 <= 300000000")"
echo
echo "sluice serve exit status after SIGTERM: $serve_rc"
[ "$serve_rc" -eq 0 ] || { tail -n 20 "$tmp/serve.log" >&2; exit 1; }
