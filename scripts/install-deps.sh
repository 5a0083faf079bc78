#!/usr/bin/env bash
# Installs sluice's build and test dependencies from Debian packages.
# Idempotent: installs only what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libsqlite3-dev sqlite3
  libsimdjson-dev libyaml-cpp-dev libcli11-dev
  libspdlog-dev libfmt-dev
  libzstd-dev zlib1g-dev libxxhash-dev
  libboost-dev libssl-dev
  libpqxx-dev libpq-dev postgresql   # the PostgreSQL backend and its test cluster
  librabbitmq-dev libprotobuf-dev libprotoc-dev rabbitmq-server   # the AMQP source, .proto parsing, its test broker
  clickhouse-server clickhouse-client   # the ClickHouse backend and its test server
  libgtest-dev
  zstd gzip
  wrk nginx-light curl   # make bench-serve
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
