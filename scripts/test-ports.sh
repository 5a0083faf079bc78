# shellcheck shell=bash
# Loopback ports for the tests' throwaway servers; sourced by pg-cluster.sh
# and rabbitmq-node.sh (which define `die`).
#
# A server in a test outage (`down`, later `up` on the same port) listens on
# nothing, so "nothing listens there" does not make a port free: a server
# another test starts meanwhile could take it, and `up` would then fail with
# "address in use" (CI once saw a broker's `up` fail so). So every port a
# server gets is claimed in a registry all the scripts of this user share:
# REGISTRY/PORT, a symlink to the server's folder. A claim holds while that
# folder exists: `stop` drops the claims with the folder, and a claim whose
# folder is gone (a killed run, a cleaned /tmp) is taken over. Claims are
# made under flock(1), so two scripts starting at once never pick one port.
#
# Ports come from 15000-31999, below the kernel's ephemeral range, so the
# tests' own 127.0.0.1:0 listeners and outgoing connections never take one.
#
# SLUICE_TEST_PORTS_DIR overrides the registry's folder and
# SLUICE_TEST_PORT_RANGE=LOW-HIGH the range (both for the tests of this file).

ports_registry=${SLUICE_TEST_PORTS_DIR:-${TMPDIR:-/tmp}/sluice-test-ports-$(id -u)}
ports_range=${SLUICE_TEST_PORT_RANGE:-15000-31999}

# The TCP ports something listens on now (IPv4 and IPv6).
listening_ports() {
  local f hex
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    # local_address is HEXIP:HEXPORT; state 0A is LISTEN.
    awk 'NR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }' "$f" | while read -r hex; do
      echo $((16#$hex))
    done
  done
}

# claim_ports N OWNER: prints N distinct ports (one line, space-separated) that nothing listens on and
# no live server has claimed, now claimed for the folder OWNER.
claim_ports() {
  local n=$1 owner=$2 low high used port link lock
  local -a picked=()
  [[ "$ports_range" =~ ^([0-9]+)-([0-9]+)$ ]] || die "SLUICE_TEST_PORT_RANGE is '$ports_range', not LOW-HIGH"
  low=${BASH_REMATCH[1]}
  high=${BASH_REMATCH[2]}
  mkdir -p "$ports_registry" || die "cannot create the port registry $ports_registry"
  exec {lock}>"$ports_registry/.lock"
  flock "$lock"
  used=$(listening_ports | sort -u)
  # Random picks, then every port in order: a small range is searched whole.
  for port in $(for _ in $(seq 1 200); do echo $((low + RANDOM % (high - low + 1))); done; seq "$low" "$high"); do
    link=$ports_registry/$port
    [[ " ${picked[*]} " == *" $port "* ]] && continue
    grep -qx "$port" <<<"$used" && continue
    # -e follows the link: the claiming server's folder still exists.
    [ -L "$link" ] && [ -e "$link" ] && continue
    ln -sfn "$owner" "$link"
    picked+=("$port")
    if [ "${#picked[@]}" -eq "$n" ]; then
      exec {lock}>&-
      echo "${picked[*]}"
      return
    fi
  done
  exec {lock}>&-
  release_ports "$owner"
  die "no free loopback port between $low and $high (ports claimed by test servers: $ports_registry)"
}

# release_ports OWNER: drops the claims of the folder OWNER.
release_ports() {
  local owner=$1 link
  [ -d "$ports_registry" ] || return 0
  for link in "$ports_registry"/[0-9]*; do
    [ -L "$link" ] && [ "$(readlink "$link")" = "$owner" ] && rm -f "$link"
  done
  return 0
}
