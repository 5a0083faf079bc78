#!/usr/bin/env bash
# A throwaway ClickHouse server, one node or a sharded cluster, for the tests
# and the README's "try it".
#
#   scripts/clickhouse-node.sh start   DIR [--shards N]  N fresh nodes (default 1), one shard each, on free
#                                                        loopback ports; waits until every node answers /ping,
#                                                        writes DIR/url (http://127.0.0.1:PORT, node 1),
#                                                        DIR/urls and DIR/ports
#   scripts/clickhouse-node.sh stop    DIR               kill every node and remove DIR; a no-op when nothing
#                                                        is there
#   scripts/clickhouse-node.sh restart DIR [K]           kill -9 node K (default: every node) and start it again
#                                                        on the same ports (a crash, e.g. of a shard mid-load)
#   scripts/clickhouse-node.sh down    DIR [K]           stop node K (default: every node), keep its data and
#                                                        ports (a shard outage)
#   scripts/clickhouse-node.sh up      DIR [K]           start it again after down, on the same ports
#   scripts/clickhouse-node.sh status  DIR               exit 0 when every node runs and answers /ping
#
# Layout of DIR: shards (N), url (node 1's HTTP URL), urls (one URL a line,
# node 1 to N), ports (one line a node, 1 to N: its HTTP port, then its
# native TCP port), and node1/ … nodeN/, each with config.xml, users.xml,
# data/ (the server's path: metadata/, data/, preprocessed_configs/), tmp/,
# user_files/, format_schemas/, log/ (server.log, server.err.log, and stdout:
# what the process prints before its logger starts, e.g. a bad config) and
# pid.
#
# Every node's config declares the cluster `events` of all N shards (shard K
# is node K: one replica, 127.0.0.1 at its TCP port), so a
# Distributed(events, db, table, key) table works from any node, which sees
# its own shard as local. There is no ZooKeeper: no Replicated tables, no ON
# CLUSTER; create the local tables on every node (each URL of DIR/urls).
# No interserver port either (only replication uses it).
#
# Listens on 127.0.0.1 only (HTTP and native TCP), time zone UTC. The user
# `default` has no password, may connect from ::1 and 127.0.0.1 only, and
# its profile allows writes (max_memory_usage 4 GB a query). Caches are sized
# for a test machine (mark and uncompressed caches 256 MB, not 5 and 8 GB);
# no query_log, no dictionaries, no mlock: a node answers ~0.1 s after it
# starts. DROP has no size limit (max_table_size_to_drop 0).
#
# ClickHouse 18.16 runs as root too (initdb does not), so every node runs as
# the current user. The server is $CLICKHOUSE_SERVER, else clickhouse-server
# on PATH or in /usr/sbin, else `clickhouse server` (the single binary of
# newer releases).
#
# Processes: each node is started with setsid (out of the caller's process
# group) and no descriptor of the caller (CTest waits for its pipes to close),
# with SLUICE_CLICKHOUSE_NODE=DIR/nodeK in its environment; DIR/nodeK/pid is
# trusted only while that process carries the variable. stop and restart kill
# with SIGKILL (ClickHouse survives a crash; stop discards the data anyway);
# down sends SIGTERM, the server's graceful stop, then SIGKILL after a
# deadline. A graceful stop waits for the open native connections to end
# (another node's Distributed pool keeps one open), which an idle connection
# notices every poll_interval (10 s by default; 1 s here), and for running
# queries up to shutdown_wait_unfinished (5 s by default; 1 s here): down
# takes ~1 s.
set -euo pipefail

die() {
  echo "clickhouse-node: $*" >&2
  exit 1
}

# shellcheck source=scripts/test-ports.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-ports.sh"

usage() {
  echo "usage: $0 start DIR [--shards N]" >&2
  echo "       $0 stop|status DIR" >&2
  echo "       $0 restart|down|up DIR [K]" >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
shift 2
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
dir=${dir%/}

start_timeout=${SLUICE_CLICKHOUSE_START_TIMEOUT:-60} # seconds, for every node together
stop_timeout=${SLUICE_CLICKHOUSE_STOP_TIMEOUT:-30}   # seconds, for the graceful part of down
max_shards=16
declare -A log_offsets=() # NODE.FILE: the size of a log file when the node was launched
declare -a exit_status=() # NODE: the exit status of a server that died starting

now_ms() { echo $(($(date +%s%N) / 1000000)); }

check_binaries() {
  command -v curl >/dev/null 2>&1 || die "curl is not on PATH (scripts/install-deps.sh installs it)"
  if [ -n "${CLICKHOUSE_SERVER:-}" ]; then
    [ -x "$CLICKHOUSE_SERVER" ] || die "\$CLICKHOUSE_SERVER=$CLICKHOUSE_SERVER is not executable"
    server_cmd=("$CLICKHOUSE_SERVER")
  elif command -v clickhouse-server >/dev/null 2>&1; then
    server_cmd=("$(command -v clickhouse-server)")
  elif [ -x /usr/sbin/clickhouse-server ]; then
    server_cmd=(/usr/sbin/clickhouse-server)
  elif command -v clickhouse >/dev/null 2>&1; then
    server_cmd=("$(command -v clickhouse)" server)
  else
    die "clickhouse-server not found: install the Debian package 'clickhouse-server'" \
      "(scripts/install-deps.sh does) or set \$CLICKHOUSE_SERVER"
  fi
}

# Reads DIR/shards and DIR/ports: n, http_ports[K], tcp_ports[K].
load_nodes() {
  if [ ! -f "$dir/shards" ] || [ ! -f "$dir/ports" ]; then
    die "no ClickHouse node in $dir (run: $0 start $dir)"
  fi
  n=$(cat "$dir/shards")
  local k=0 h t
  http_ports=() tcp_ports=()
  while read -r h t; do
    k=$((k + 1))
    http_ports[k]=$h
    tcp_ports[k]=$t
  done <"$dir/ports"
  [ "$k" -eq "$n" ] || die "$dir/ports has $k lines for $n shards"
}

# Sets nodes to the node numbers a command acts on: K, or 1 to N when K is empty.
select_nodes() {
  local k=${1:-}
  if [ -z "$k" ]; then
    mapfile -t nodes < <(seq 1 "$n")
    return
  fi
  if [[ ! "$k" =~ ^[1-9][0-9]*$ ]] || [ "$k" -gt "$n" ]; then
    die "no node $k in $dir (nodes 1 to $n)"
  fi
  nodes=("$k")
}

alive() {
  [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# The server process of node K, if it lives: the PID in DIR/nodeK/pid, if
# that process carries SLUICE_CLICKHOUSE_NODE=DIR/nodeK (a PID is reused).
node_pid() {
  local nd=$dir/node$1 pid
  [ -f "$nd/pid" ] || return 0
  pid=$(cat "$nd/pid")
  if [ -n "$pid" ] && alive "$pid" && grep -qzxF "SLUICE_CLICKHOUSE_NODE=$nd" "/proc/$pid/environ" 2>/dev/null; then
    echo "$pid"
  fi
}

# Waits until none of the PIDs lives, up to $2 seconds; 1 on timeout.
wait_gone() {
  local pids=$1 deadline=$(($(now_ms) + $2 * 1000)) pid left
  while :; do
    left=""
    for pid in $pids; do alive "$pid" && left+="$pid "; done
    [ -z "$left" ] && return 0
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# The server on this HTTP port answers GET /ping with "Ok.".
pings() {
  [ "$(curl -s --max-time 2 "http://127.0.0.1:$1/ping" 2>/dev/null)" = "Ok." ]
}

# What the server of node K wrote to its error log and stdout since its last launch.
new_output() {
  local k=$1 f
  for f in server.err.log stdout; do
    [ -f "$dir/node$k/log/$f" ] && tail -c "+$((${log_offsets[$k.$f]:-0} + 1))" "$dir/node$k/log/$f"
  done
  return 0
}

show_log() {
  local k=$1 f=$dir/node$1/log/server.log
  if [ -n "${exit_status[k]:-}" ]; then
    echo "--- node $k's server exited with status ${exit_status[k]}; its errors and output: ---" >&2
    new_output "$k" | tail -n 15 | cut -c 1-400 >&2
  fi
  if [ -s "$f" ]; then
    echo "--- last lines of $f ---" >&2
    tail -n 15 "$f" | cut -c 1-400 >&2
  fi
}

port_taken() {
  new_output "$1" | grep -q "Address already in use"
}

# Kills node K with signal $2; waits up to $3 seconds, then kills it with SIGKILL.
kill_node() {
  local k=$1 sig=$2 timeout=$3 pid
  pid=$(node_pid "$k")
  if [ -n "$pid" ]; then
    kill "-$sig" "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$timeout"; then
      [ "$sig" = KILL ] || echo "clickhouse-node: node $k did not stop within ${timeout}s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" 10 || die "cannot kill node $k's server (pid $pid)"
    fi
  fi
  rm -f "$dir/node$k/pid"
}

# Kills every node in DIR with SIGKILL, whatever DIR/shards says (a start may
# have been interrupted): all at once, then waits for them.
kill_all_nodes() {
  local nd pid pids=""
  for nd in "$dir"/node[0-9]*; do
    [ -d "$nd" ] || continue
    pid=$(node_pid "${nd##*/node}")
    [ -z "$pid" ] || pids+="$pid "
  done
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086 # one PID a word
    kill -KILL $pids 2>/dev/null || true
    wait_gone "$pids" 10 || die "cannot kill the servers in $dir (pids $pids)"
  fi
  rm -f "$dir"/node[0-9]*/pid
}

# Writes DIR/nodeK/config.xml and users.xml for the ports in http_ports and tcp_ports.
write_node_config() {
  local k=$1 nd=$dir/node$1 i shards=""
  for i in $(seq 1 "$n"); do
    shards+="
        <shard>
          <replica>
            <host>127.0.0.1</host>
            <port>${tcp_ports[i]}</port>
          </replica>
        </shard>"
  done
  mkdir -p "$nd/data" "$nd/tmp" "$nd/user_files" "$nd/format_schemas" "$nd/log"
  cat >"$nd/config.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by scripts/clickhouse-node.sh for a throwaway test server: node $k of $n. -->
<yandex>
  <logger>
    <level>information</level>
    <log>$nd/log/server.log</log>
    <errorlog>$nd/log/server.err.log</errorlog>
    <size>100M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${http_ports[k]}</http_port>
  <tcp_port>${tcp_ports[k]}</tcp_port>
  <path>$nd/data/</path>
  <tmp_path>$nd/tmp/</tmp_path>
  <user_files_path>$nd/user_files/</user_files_path>
  <format_schema_path>$nd/format_schemas/</format_schema_path>
  <users_config>$nd/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mlock_executable>false</mlock_executable>
  <shutdown_wait_unfinished>1</shutdown_wait_unfinished>
  <max_table_size_to_drop>0</max_table_size_to_drop>
  <max_partition_size_to_drop>0</max_partition_size_to_drop>
  <remote_servers>
    <events>$shards
    </events>
  </remote_servers>
</yandex>
EOF
  cat >"$nd/users.xml" <<EOF
<?xml version="1.0"?>
<!-- Written by scripts/clickhouse-node.sh for a throwaway test server. -->
<yandex>
  <profiles>
    <default>
      <readonly>0</readonly>
      <!-- How often an idle native connection checks for a shutdown (10 s by default). -->
      <poll_interval>1</poll_interval>
      <max_memory_usage>4000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks>
        <ip>::1</ip>
        <ip>127.0.0.1</ip>
      </networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default>
      <interval>
        <duration>3600</duration>
        <queries>0</queries>
        <errors>0</errors>
        <result_rows>0</result_rows>
        <read_rows>0</read_rows>
        <execution_time>0</execution_time>
      </interval>
    </default>
  </quotas>
</yandex>
EOF
}

# Starts node K's server in the background (its PID in DIR/nodeK/pid).
launch() {
  local k=$1 nd=$dir/node$1 fd f
  mkdir -p "$nd/log"
  : >>"$nd/log/stdout"
  for f in server.err.log stdout; do
    log_offsets[$k.$f]=$(stat -c %s "$nd/log/$f" 2>/dev/null || echo 0)
  done
  unset "exit_status[k]"
  (
    cd "$nd"
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    exec setsid env "SLUICE_CLICKHOUSE_NODE=$nd" "${server_cmd[@]}" --config-file="$nd/config.xml" \
      >>"$nd/log/stdout" 2>&1 </dev/null
  ) &
  echo $! >"$nd/pid"
}

# Waits until node K answers /ping, up to the deadline (in ms).
# Returns 1 if its server died (the log tells why), 2 on timeout.
wait_ready() {
  local k=$1 deadline=$2 pid
  pid=$(cat "$dir/node$k/pid")
  while ! pings "${http_ports[k]}"; do
    if ! alive "$pid"; then
      exit_status[k]=0
      wait "$pid" 2>/dev/null || exit_status[k]=$?
      return 1
    fi
    [ "$(now_ms)" -lt "$deadline" ] || return 2
    sleep 0.05
  done
  return 0
}

# Launches the given nodes together and waits for them all; dies when one
# fails, after killing the given nodes. With $1 = retry, returns 3 instead
# when a port was taken (start picks others).
launch_nodes() {
  local mode=$1 k rc deadline failed="" taken=""
  shift
  for k in "$@"; do
    kill_node "$k" KILL 10
    launch "$k"
  done
  deadline=$(($(now_ms) + start_timeout * 1000))
  for k in "$@"; do
    rc=0
    wait_ready "$k" "$deadline" || rc=$?
    if [ "$rc" -ne 0 ]; then
      failed+=" $k"
      if [ "$rc" -eq 1 ] && port_taken "$k"; then
        taken+=" $k"
      elif [ "$rc" -eq 2 ]; then
        echo "clickhouse-node: node $k did not answer http://127.0.0.1:${http_ports[k]}/ping" \
          "within ${start_timeout}s" >&2
      fi
    fi
  done
  [ -z "$failed" ] && return 0
  for k in "$@"; do kill_node "$k" KILL 10; done
  if [ -n "$taken" ] && [ "$taken" = "$failed" ] && [ "$mode" = retry ]; then
    return 3
  fi
  for k in $failed; do show_log "$k"; done
  if [ -n "$taken" ]; then
    die "a port of node(s)$taken (see $dir/ports) is taken by another process now:" \
      "a node starts again on the ports it had"
  fi
  die "node(s)$failed in $dir failed to start"
}

server_version() {
  curl -s --max-time 5 --data-binary 'SELECT version()' "http://127.0.0.1:${http_ports[1]}/" 2>/dev/null || true
}

start_nodes() {
  local shards=$1 began k rc ports
  check_binaries
  # Nodes left behind by an interrupted run: kill them and start afresh.
  if [ -e "$dir" ]; then
    kill_all_nodes
    release_ports "$dir"
    rm -rf "$dir"
  fi
  began=$(now_ms)
  n=$shards
  for _ in 1 2 3 4 5; do
    mkdir -p "$dir"
    release_ports "$dir"
    ports=$(claim_ports $((2 * n)) "$dir")
    # shellcheck disable=SC2086 # 2N port numbers
    set -- $ports
    http_ports=() tcp_ports=()
    : >"$dir/ports.tmp"
    for k in $(seq 1 "$n"); do
      http_ports[k]=$1
      tcp_ports[k]=$2
      shift 2
      echo "${http_ports[k]} ${tcp_ports[k]}" >>"$dir/ports.tmp"
    done
    mv "$dir/ports.tmp" "$dir/ports"
    echo "$n" >"$dir/shards"
    for k in $(seq 1 "$n"); do write_node_config "$k"; done
    rc=0
    # shellcheck disable=SC2046 # node numbers
    launch_nodes retry $(seq 1 "$n") || rc=$?
    if [ "$rc" -eq 0 ]; then
      : >"$dir/urls.tmp"
      for k in $(seq 1 "$n"); do echo "http://127.0.0.1:${http_ports[k]}" >>"$dir/urls.tmp"; done
      mv "$dir/urls.tmp" "$dir/urls"
      echo "http://127.0.0.1:${http_ports[1]}" >"$dir/url.tmp"
      mv "$dir/url.tmp" "$dir/url"
      echo "clickhouse-node: ClickHouse $(server_version) on 127.0.0.1, $n node(s) (HTTP ports" \
        "${http_ports[*]}; TCP ports ${tcp_ports[*]}; cluster 'events'), data in $dir; URL in $dir/url;" \
        "started in $(($(now_ms) - began)) ms"
      return
    fi
    echo "clickhouse-node: a port was taken (${ports}), trying others" >&2
    release_ports "$dir"
    rm -rf "$dir"
  done
  die "could not find free ports after 5 attempts"
}

case "$command" in
  start)
    shards=1
    while [ $# -gt 0 ]; do
      case "$1" in
        --shards) [ $# -ge 2 ] || usage; shards=$2; shift 2 ;;
        --shards=*) shards=${1#--shards=}; shift ;;
        *) usage ;;
      esac
    done
    if [[ ! "$shards" =~ ^[1-9][0-9]*$ ]] || [ "$shards" -gt "$max_shards" ]; then
      die "--shards takes a number from 1 to $max_shards, not '$shards'"
    fi
    start_nodes "$shards"
    ;;
  stop)
    [ $# -eq 0 ] || usage
    if [ ! -e "$dir" ]; then
      echo "clickhouse-node: nothing in $dir, nothing to stop"
      exit 0
    fi
    began=$(now_ms)
    kill_all_nodes
    release_ports "$dir"
    rm -rf "$dir"
    echo "clickhouse-node: stopped and removed $dir in $(($(now_ms) - began)) ms"
    ;;
  restart)
    [ $# -le 1 ] || usage
    check_binaries
    load_nodes
    began=$(now_ms)
    select_nodes "${1:-}"
    launch_nodes same "${nodes[@]}"
    echo "clickhouse-node: node(s) ${nodes[*]} killed and started again in $(($(now_ms) - began)) ms"
    ;;
  down)
    [ $# -le 1 ] || usage
    load_nodes
    began=$(now_ms)
    select_nodes "${1:-}"
    for k in "${nodes[@]}"; do kill_node "$k" TERM "$stop_timeout"; done
    echo "clickhouse-node: node(s) ${nodes[*]} stopped in $(($(now_ms) - began)) ms;" \
      "data and ports stay in $dir (up starts them again)"
    ;;
  up)
    [ $# -le 1 ] || usage
    check_binaries
    load_nodes
    began=$(now_ms)
    select_nodes "${1:-}"
    down_nodes=()
    for k in "${nodes[@]}"; do
      [ -n "$(node_pid "$k")" ] || down_nodes+=("$k")
    done
    [ ${#down_nodes[@]} -eq 0 ] || launch_nodes same "${down_nodes[@]}"
    echo "clickhouse-node: node(s) ${nodes[*]} running (up in $(($(now_ms) - began)) ms)"
    ;;
  status)
    [ $# -eq 0 ] || usage
    [ -f "$dir/shards" ] || exit 1
    load_nodes
    for k in $(seq 1 "$n"); do
      if [ -z "$(node_pid "$k")" ] || ! pings "${http_ports[k]}"; then exit 1; fi
    done
    ;;
  *)
    usage
    ;;
esac
