#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (CTest fixture `pg`).
#
#   scripts/pg-cluster.sh start   DIR             initdb in DIR/data, start on a free loopback port,
#                                                 write DIR/dsn (postgresql://postgres@127.0.0.1:PORT/postgres)
#   scripts/pg-cluster.sh stop    DIR             stop it (fast) and remove DIR; a no-op when nothing is there
#   scripts/pg-cluster.sh restart DIR [MODE]      restart it on the same port; MODE is fast (default),
#                                                 smart or immediate (a crash: no shutdown checkpoint)
#   scripts/pg-cluster.sh down    DIR             stop the server, keep the cluster (a database outage)
#   scripts/pg-cluster.sh up      DIR             start it again after down
#   scripts/pg-cluster.sh status  DIR             exit 0 when it runs
#
# Layout of DIR: data/ (the cluster), sock/ (its Unix socket, unless the path
# is too long, then a folder under /tmp named in DIR/sockdir), log (the server
# log), port, dsn.
#
# Trust authentication, UTF8 with the C locale (so ORDER BY on text sorts by
# bytes, as SQLite does), listen_addresses=127.0.0.1 only, fsync=off (a killed
# process still loses nothing; only an OS crash could), synchronous_commit on,
# max_connections=200. initdb refuses to run as root, so as root everything
# runs as the Debian `postgres` user (runuser), otherwise as the current user.
# The binaries come from $PG_BINDIR, else the newest /usr/lib/postgresql/*/bin,
# else $PATH.
set -euo pipefail

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

# shellcheck source=scripts/test-ports.sh
. "$(dirname "${BASH_SOURCE[0]}")/test-ports.sh"

usage() {
  echo "usage: $0 start|stop|restart|down|up|status DIR [fast|smart|immediate]" >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
dir=$2
mode=${3:-fast}
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
dir=${dir%/}

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    [ -x "$PG_BINDIR/pg_ctl" ] || die "\$PG_BINDIR=$PG_BINDIR has no pg_ctl"
    echo "$PG_BINDIR"
    return
  fi
  local best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && best=$d
  done
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
    best=$(dirname "$(command -v initdb)")
  fi
  [ -n "$best" ] || die "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb, none on PATH);" \
    "install the Debian package 'postgresql' (scripts/install-deps.sh does) or set \$PG_BINDIR"
  echo "$best"
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_ctl_cmd() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" "$@"
}

running() {
  [ -f "$dir/data/postmaster.pid" ] && pg_ctl_cmd status >/dev/null 2>&1
}

show_log() {
  if [ -f "$dir/log" ]; then
    echo "--- last lines of $dir/log ---" >&2
    tail -n 20 "$dir/log" >&2
  fi
}

stop_cluster() {
  if [ -d "$dir/data" ] && running; then
    if ! pg_ctl_cmd -m fast -w -t 60 stop >/dev/null; then
      echo "pg-cluster: fast stop failed, stopping immediately" >&2
      pg_ctl_cmd -m immediate -w -t 30 stop >/dev/null || { show_log; die "cannot stop the cluster in $dir/data"; }
    fi
  fi
  if [ -f "$dir/sockdir" ]; then
    rm -rf "$(cat "$dir/sockdir")"
  fi
  release_ports "$dir"
  rm -rf "$dir"
}

start_cluster() {
  bindir=$(find_bindir)
  # A cluster left behind by an interrupted run: stop it and start afresh.
  if [ -e "$dir" ]; then
    stop_cluster
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root, and there is no 'postgres' user to own the cluster" \
      "(initdb refuses root); install the Debian package 'postgresql' or run as another user"
    chown postgres: "$dir"
    as_owner test -w "$dir" || die "the postgres user cannot write $dir (is a parent folder closed to it?);" \
      "use a folder under /tmp"
  fi

  local sockdir="$dir/sock"
  # A Unix socket path is at most 107 bytes: .s.PGSQL.NNNNN must fit.
  if [ $((${#sockdir} + 16)) -gt 100 ]; then
    sockdir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pg-sock.XXXXXX")
    echo "$sockdir" >"$dir/sockdir"
  else
    mkdir -p "$sockdir"
  fi
  [ "$(id -u)" -ne 0 ] || chown postgres: "$sockdir"

  if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed in $dir/data"
  fi

  echo "include = 'sluice.conf'" | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null

  local port
  for _ in 1 2 3 4 5; do
    release_ports "$dir"
    port=$(claim_ports 1 "$dir")
    # Included at the end of postgresql.conf: these override initdb's defaults.
    as_owner tee "$dir/data/sluice.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockdir'
max_connections = 200
# The suites drop whole schemas of thousands of tables (the large-catalog
# tests) while others run, and a DROP holds a lock for each table, index and
# sequence until it commits: 64 a connection (the default) runs the shared
# lock table out ("out of shared memory").
max_locks_per_transaction = 256
fsync = off
synchronous_commit = on
full_page_writes = off
log_line_prefix = '%m [%p] %q%a '
log_min_messages = warning
EOF
    : >"$dir/log"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/log"
    if pg_ctl_cmd -l "$dir/log" -w -t 60 start >/dev/null; then
      echo "$port" >"$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/dsn.tmp"
      mv "$dir/dsn.tmp" "$dir/dsn"
      echo "pg-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port," \
        "data in $dir/data; DSN in $dir/dsn"
      return
    fi
    if grep -q "could not bind\|already in use" "$dir/log"; then
      echo "pg-cluster: port $port was taken, trying another" >&2
      continue
    fi
    show_log
    die "pg_ctl start failed for $dir/data"
  done
  show_log
  die "could not find a free port after 5 attempts"
}

case "$command" in
  start)
    start_cluster
    ;;
  stop)
    if [ ! -e "$dir" ]; then
      echo "pg-cluster: nothing in $dir, nothing to stop"
      exit 0
    fi
    bindir=$(find_bindir)
    stop_cluster
    echo "pg-cluster: stopped and removed $dir"
    ;;
  restart)
    case "$mode" in fast | smart | immediate) ;; *) usage ;; esac
    bindir=$(find_bindir)
    [ -d "$dir/data" ] || die "no cluster in $dir (run: $0 start $dir)"
    if [ "$mode" = immediate ]; then
      # An immediate restart is a crash and a recovery.
      if running; then pg_ctl_cmd -m immediate -w -t 60 stop >/dev/null; fi
      pg_ctl_cmd -l "$dir/log" -w -t 60 start >/dev/null || { show_log; die "restart failed"; }
    else
      pg_ctl_cmd -l "$dir/log" -m "$mode" -w -t 60 restart >/dev/null || { show_log; die "restart failed"; }
    fi
    echo "pg-cluster: restarted ($mode) on 127.0.0.1:$(cat "$dir/port")"
    ;;
  down)
    bindir=$(find_bindir)
    [ -d "$dir/data" ] || die "no cluster in $dir (run: $0 start $dir)"
    if running; then pg_ctl_cmd -m fast -w -t 60 stop >/dev/null || { show_log; die "stop failed"; }; fi
    echo "pg-cluster: server stopped; the cluster stays in $dir (up starts it again)"
    ;;
  up)
    bindir=$(find_bindir)
    [ -d "$dir/data" ] || die "no cluster in $dir (run: $0 start $dir)"
    if ! running; then pg_ctl_cmd -l "$dir/log" -w -t 60 start >/dev/null || { show_log; die "start failed"; }; fi
    echo "pg-cluster: running on 127.0.0.1:$(cat "$dir/port")"
    ;;
  status)
    bindir=$(find_bindir)
    running
    ;;
  *)
    usage
    ;;
esac
