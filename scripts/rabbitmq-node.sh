#!/usr/bin/env bash
# A throwaway RabbitMQ broker for the tests (CTest fixture `rabbitmq`).
#
#   scripts/rabbitmq-node.sh start   DIR          a fresh node in DIR on free loopback ports; waits until it
#                                                 serves AMQP, writes DIR/port and DIR/url
#                                                 (amqp://guest:guest@127.0.0.1:PORT/%2f)
#   scripts/rabbitmq-node.sh stop    DIR          stop it and remove DIR; a no-op when nothing is there
#   scripts/rabbitmq-node.sh down    DIR          stop the broker, keep its data (a broker outage: durable
#                                                 queues and persistent messages survive)
#   scripts/rabbitmq-node.sh up      DIR          start it again after down, on the same port
#   scripts/rabbitmq-node.sh restart DIR          down, then up
#   scripts/rabbitmq-node.sh status  DIR          exit 0 when it runs and serves AMQP
#   scripts/rabbitmq-node.sh ctl     DIR ARGS...  rabbitmqctl ARGS against this node (list_queues,
#                                                 close_all_connections…), for debugging and tests
#
# Layout of DIR: env (the node's environment, one VAR=value a line: every
# command runs the broker's scripts with exactly these), rabbitmq.conf,
# enabled_plugins (empty: no management plugin), .erlang.cookie (HOME is DIR),
# rabbitmq-home/ (see below), mnesia/ (the data), log/ (the broker's log),
# server.log (its stdout and stderr), pid (the Erlang VM's), port, url.
#
# The broker is /usr/lib/rabbitmq/bin/rabbitmq-server run directly (or the
# one in $RABBITMQ_BINDIR), as the current user, root included: the
# /usr/sbin wrapper would switch to the `rabbitmq` user and use
# /var/lib/rabbitmq. Its node is sluice-test-PORT@localhost with its own
# epmd on a free port (ERL_EPMD_PORT), so it never meets another node's
# epmd; AMQP, Erlang distribution and epmd listen on 127.0.0.1 only.
#
# Start-up time: the Debian package puts ~70 plugins on the code path, and
# the broker scans all their modules at boot (half of a ~8 s start).
# rabbitmq-home/ is a RABBITMQ_HOME whose plugins/ links only the
# applications `rabbit` needs (computed from their .app files), which halves
# that. The node's data does not depend on it.
#
# Stopping: SIGTERM to the Erlang VM is the broker's graceful stop (what
# `rabbitmqctl stop` asks for, without booting the CLI, which costs ~1.5 s),
# then SIGKILL after a deadline; then every process started for this node —
# found by the variable SLUICE_RABBITMQ_NODE=DIR in its environment: epmd,
# helpers — is ended, so nothing of it outlives stop or down.
set -euo pipefail

die() {
  echo "rabbitmq-node: $*" >&2
  exit 1
}

# shellcheck source=scripts/test-ports.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-ports.sh"

usage() {
  echo "usage: $0 start|stop|restart|down|up|status DIR" >&2
  echo "       $0 ctl DIR RABBITMQCTL-ARGS..." >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
shift 2
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
dir=${dir%/}

bindir=${RABBITMQ_BINDIR:-/usr/lib/rabbitmq/bin}
start_timeout=${SLUICE_RABBITMQ_START_TIMEOUT:-120}  # seconds
stop_timeout=${SLUICE_RABBITMQ_STOP_TIMEOUT:-60}     # seconds, for the graceful part

now_ms() { echo $(($(date +%s%N) / 1000000)); }

check_binaries() {
  [ -x "$bindir/rabbitmq-server" ] || die "no $bindir/rabbitmq-server: install the Debian package 'rabbitmq-server'" \
    "(scripts/install-deps.sh does) or set \$RABBITMQ_BINDIR"
  command -v erl >/dev/null 2>&1 || die "erl is not on PATH (the Debian package erlang-base provides it)"
}

# The node's environment (DIR/env) as an array, for `env "${node_env[@]}" …`.
# It is never exported into this script, so that the processes carrying
# SLUICE_RABBITMQ_NODE=DIR are exactly the node's.
load_env() {
  [ -f "$dir/env" ] || die "no broker in $dir (run: $0 start $dir)"
  mapfile -t node_env <"$dir/env"
  port=$(cat "$dir/port")
}

# PIDs of the live processes started for this node (zombies have no environment).
node_pids() {
  local p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" != "$$" ] || continue
    grep -qzxF "SLUICE_RABBITMQ_NODE=$dir" "$p/environ" 2>/dev/null && echo "$pid"
  done
  return 0
}

alive() {
  [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# The broker's Erlang VM, if it runs (not the VM of a `ctl` beside it).
vm_pid() {
  local pid
  for pid in $(node_pids); do
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = beam.smp ] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- ' -s rabbit boot '; then
      echo "$pid"
      return
    fi
  done
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

# AMQP is served: the broker answers the 0-9-1 protocol header with a frame
# (type 1, connection.start).
serves_amqp() {
  local p=$1 byte
  # bash's /dev/tcp; a closed port fails at once, a hung broker after 2 s.
  # shellcheck disable=SC2016
  byte=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
      printf "AMQP\x00\x00\x09\x01" >&3
      head -c 1 <&3 | od -An -tx1' "$p" 2>/dev/null) || return 1
  [ "${byte// /}" = 01 ]
}

show_log() {
  local f
  for f in "$dir"/log/*.log; do
    [ -s "$f" ] || continue
    if grep -q '\[error\]' "$f"; then
      echo "--- first errors in $f ---" >&2
      grep -m 12 '\[error\]' "$f" | cut -c 1-400 >&2
    fi
    echo "--- last lines of $f ---" >&2
    tail -n 12 "$f" | cut -c 1-400 >&2
  done
  if [ -s "$dir/server.log" ]; then
    echo "--- last lines of $dir/server.log (the broker's stdout and stderr) ---" >&2
    tail -n 12 "$dir/server.log" | cut -c 1-400 >&2
  fi
}

port_taken() {
  grep -qs "eaddrinuse" "$dir/server.log" "$dir"/log/*.log
}

# Stops the broker, keeping its data: a graceful stop (SIGTERM), SIGKILL
# after the deadline, then every other process of the node (epmd, helpers).
stop_node() {
  local vm pids
  vm=$(vm_pid)
  if [ -n "$vm" ]; then
    kill -TERM "$vm" 2>/dev/null || true
    if ! wait_gone "$vm" "$stop_timeout"; then
      echo "rabbitmq-node: the broker did not stop within ${stop_timeout}s, killing it" >&2
      kill -KILL "$vm" 2>/dev/null || true
      wait_gone "$vm" 10 || die "cannot kill the broker's VM (pid $vm)"
    fi
  fi
  pids=$(node_pids)
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086 # one PID a word
    kill -TERM $pids 2>/dev/null || true
    if ! wait_gone "$pids" 5; then
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null || true
      wait_gone "$pids" 10 || die "processes of the node in $dir survive SIGKILL: $(node_pids | tr '\n' ' ')"
    fi
  fi
}

# A RABBITMQ_HOME whose plugins/ holds only what `rabbit` depends on.
make_rabbitmq_home() {
  local real_home plugins home=$dir/rabbitmq-home
  real_home=$(dirname "$(dirname "$(readlink -f "$bindir/rabbitmq-server")")")
  plugins=$real_home/plugins
  [ -d "$plugins" ] || die "no plugins folder at $plugins (from $bindir/rabbitmq-server)"
  mkdir -p "$home/sbin" "$home/plugins"
  ln -sfn "$bindir/rabbitmq-defaults" "$home/sbin/rabbitmq-defaults"
  ln -sfn "$bindir/rabbitmq-env" "$home/sbin/rabbitmq-env"
  ln -sfn "$real_home/escript" "$home/escript"
  local app_dirs
  # shellcheck disable=SC2016
  app_dirs=$(PLUGINS=$plugins timeout 60 erl -noshell -noinput -boot no_dot_erlang -eval '
    try
    Dir = os:getenv("PLUGINS"),
    Apps = maps:from_list([{list_to_atom(filename:basename(F, ".app")), filename:dirname(filename:dirname(F))}
                           || F <- filelib:wildcard(Dir ++ "/*/ebin/*.app")]),
    Deps = fun(A) ->
      {ok, [{application, A, P}]} = file:consult(filename:join([maps:get(A, Apps), "ebin", atom_to_list(A) ++ ".app"])),
      proplists:get_value(applications, P, []) ++ proplists:get_value(included_applications, P, [])
        ++ proplists:get_value(optional_applications, P, [])
    end,
    Walk = fun W([], Seen) -> Seen;
               W([A | T], Seen) ->
                 case maps:is_key(A, Apps) andalso not lists:member(A, Seen) of
                   true -> W(Deps(A) ++ T, [A | Seen]);
                   false -> W(T, Seen)
                 end
           end,
    [io:format("~s~n", [maps:get(A, Apps)]) || A <- Walk([rabbit, rabbitmq_prelaunch], [])],
    halt()
    catch C:E -> io:format(standard_error, "~p:~p~n", [C, E]), halt(1)
    end.') || die "cannot read the applications in $plugins"
  grep -q '/rabbit-[^/]*$' <<<"$app_dirs" || die "no rabbit application in $plugins"
  local d
  for d in $app_dirs; do ln -sfn "$d" "$home/plugins/$(basename "$d")"; done
}

# Writes DIR/env and the config for a node on these ports.
write_node_files() {
  local amqp_port=$1 dist_port=$2 epmd_port=$3
  cat >"$dir/rabbitmq.conf" <<EOF
# Written by scripts/rabbitmq-node.sh for a throwaway test broker.
log.console = false
log.file.level = info
# A test machine's disk is often nearly full of build output: blocking the
# publishers at the default 50MB would look like a hang.
disk_free_limit.absolute = 1MB
EOF
  echo "[]." >"$dir/enabled_plugins"
  : >"$dir/rabbitmq-env.conf"
  cat >"$dir/env.tmp" <<EOF
SLUICE_RABBITMQ_NODE=$dir
HOME=$dir
RABBITMQ_SCRIPTS_DIR=$dir/rabbitmq-home/sbin
RABBITMQ_NODENAME=sluice-test-$amqp_port@localhost
RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
RABBITMQ_NODE_PORT=$amqp_port
RABBITMQ_DIST_PORT=$dist_port
ERL_EPMD_PORT=$epmd_port
ERL_EPMD_ADDRESS=127.0.0.1
RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}
RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
RABBITMQ_MNESIA_BASE=$dir/mnesia
RABBITMQ_LOG_BASE=$dir/log
RABBITMQ_PID_FILE=$dir/pid
EOF
  mv "$dir/env.tmp" "$dir/env"
  echo "$amqp_port" >"$dir/port"
}

# Starts the node described by DIR/env and waits until it serves AMQP.
# Returns 1 if it failed to start (the log tells why), 2 on timeout.
launch() {
  load_env
  local server_pid deadline
  # setsid: not in the caller's process group (CTest's, a test's), so a
  # signal to that group does not reach the broker. No descriptor of the
  # caller stays open in it: CTest would wait for a pipe to close, and a
  # test's socket would stay connected while the broker holds a copy.
  : >>"$dir/server.log"
  (
    cd "$dir"
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      [ "$fd" -gt 2 ] && eval "exec $fd>&-"
    done
    exec setsid env "${node_env[@]}" "$bindir/rabbitmq-server" >>"$dir/server.log" 2>&1 </dev/null
  ) &
  server_pid=$!
  deadline=$(($(now_ms) + start_timeout * 1000))
  while ! serves_amqp "$port"; do
    if ! alive "$server_pid"; then
      wait "$server_pid" 2>/dev/null || true
      return 1
    fi
    [ "$(now_ms)" -lt "$deadline" ] || return 2
    sleep 0.05
  done
  return 0
}

start_node() {
  check_binaries
  # A node left behind by an interrupted run: stop it and start afresh.
  if [ -e "$dir" ]; then
    stop_node
    rm -rf "$dir"
  fi
  local rc began ports
  began=$(now_ms)
  for _ in 1 2 3 4 5; do
    mkdir -p "$dir"
    make_rabbitmq_home
    release_ports "$dir"
    ports=$(claim_ports 3 "$dir")
    # shellcheck disable=SC2086 # three port numbers
    set -- $ports
    write_node_files "$1" "$2" "$3"
    rc=0
    launch || rc=$?
    if [ "$rc" -eq 0 ]; then
      echo "amqp://guest:guest@127.0.0.1:$port/%2f" >"$dir/url.tmp"
      mv "$dir/url.tmp" "$dir/url"
      echo "rabbitmq-node: RabbitMQ $(rabbitmq_version) on 127.0.0.1:$port (node sluice-test-$port@localhost)," \
        "data in $dir; URL in $dir/url; started in $(($(now_ms) - began)) ms"
      return
    fi
    if [ "$rc" -eq 1 ] && port_taken; then
      echo "rabbitmq-node: a port was taken ($*), trying others" >&2
      stop_node
      rm -rf "$dir"
      continue
    fi
    show_log
    stop_node
    if [ "$rc" -eq 2 ]; then
      die "the broker in $dir did not serve AMQP on 127.0.0.1:$port within ${start_timeout}s"
    fi
    die "the broker in $dir failed to start"
  done
  die "could not find free ports after 5 attempts"
}

rabbitmq_version() {
  local app
  for app in "$dir"/rabbitmq-home/plugins/rabbit-[0-9]*; do
    echo "${app##*/rabbit-}"
    return
  done
}

cmd_down() {
  local began
  load_env
  began=$(now_ms)
  stop_node
  echo "rabbitmq-node: broker stopped in $(($(now_ms) - began)) ms; its data stays in $dir (up starts it again)"
}

cmd_up() {
  local began rc=0
  check_binaries
  load_env
  began=$(now_ms)
  if [ -z "$(vm_pid)" ]; then
    # Leftovers of a node that died (its epmd) go before it starts again.
    stop_node
    launch || rc=$?
    if [ "$rc" -ne 0 ]; then
      show_log
      stop_node
      [ "$rc" -ne 2 ] || die "the broker in $dir did not serve AMQP on 127.0.0.1:$port within ${start_timeout}s"
      port_taken && die "port $port (AMQP, Erlang distribution or epmd; see $dir/env) is taken by another process" \
        "now: up needs the ports the broker had"
      die "the broker in $dir failed to start again on 127.0.0.1:$port"
    fi
  fi
  echo "rabbitmq-node: running on 127.0.0.1:$port (up in $(($(now_ms) - began)) ms)"
}

case "$command" in
  start)
    [ $# -eq 0 ] || usage
    start_node
    ;;
  stop)
    [ $# -eq 0 ] || usage
    if [ ! -e "$dir" ]; then
      echo "rabbitmq-node: nothing in $dir, nothing to stop"
      exit 0
    fi
    began=$(now_ms)
    stop_node
    release_ports "$dir"
    rm -rf "$dir"
    echo "rabbitmq-node: stopped and removed $dir in $(($(now_ms) - began)) ms"
    ;;
  down)
    [ $# -eq 0 ] || usage
    cmd_down
    ;;
  up)
    [ $# -eq 0 ] || usage
    cmd_up
    ;;
  restart)
    [ $# -eq 0 ] || usage
    cmd_down
    cmd_up
    ;;
  status)
    [ $# -eq 0 ] || usage
    [ -f "$dir/env" ] || exit 1
    load_env
    [ -n "$(vm_pid)" ] && serves_amqp "$port"
    ;;
  ctl)
    load_env
    # The CLI's own distribution ports (35672-35682 by default) are not this
    # node's: several CLIs at once take the next free one.
    exec env "${node_env[@]}" "$bindir/rabbitmqctl" "$@"
    ;;
  *)
    usage
    ;;
esac
