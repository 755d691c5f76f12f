#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests (issue 22), made from Debian's `postgresql` package: its own data directory,
# socket directory and TCP port, so it never meets a system cluster or another checkout's. .ci/run starts it before the
# tests and stops it at the end; a developer can do the same by hand:
#
#   bash .ci/postgres.sh start            # a new, empty cluster (the old one is stopped and removed first)
#   eval "$(bash .ci/postgres.sh env)"    # ESF_TEST_POSTGRES for `dotnet test`
#   bash .ci/postgres.sh restart          # the same cluster, same port (a test's "database restarted" fault)
#   bash .ci/postgres.sh status | stop
#
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root), otherwise as the caller. It listens
# on loopback only: 127.0.0.1 for the tests on the host, and 127.77.0.1, which the scale-out tests' network namespaces
# reach over a link of their own (tests/ExchangeSmtpFleet.Tests/Jobs/NetworkNamespaces.cs); pg_hba.conf admits loopback
# and those namespaces' link addresses, with a password.
set -euo pipefail

checkout=$(cd "$(dirname "$0")/.." && pwd)

# The test role: may create databases (each test class makes its own and drops it) and roles (the tests of db check make a
# login with fewer rights and drop it), and may end other sessions (pg_signal_backend: DROP DATABASE ... WITH (FORCE) must
# end an autovacuum worker that happens to be in the test's database, which a plain owner may not). A test cluster's
# password, not a secret.
role=esf
password=esf-test
database=esf_test
# The test network namespaces (NetworkNamespaces.cs): the address they reach the server at, and their own addresses.
namespace_address=127.77.0.1
namespaces=10.77.0.0/16
first_port=55432

# The cluster's folder: .ci/pg/ (gitignored). Unix socket paths are limited to 107 bytes and the postgres user must be able
# to walk into the folder; where either fails (a deep or closed checkout) the cluster goes to a folder of its own in /tmp,
# named after the checkout so that every command of this script finds the same one.
dir="$checkout/.ci/pg"
if [ ${#dir} -gt 80 ] || { [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$checkout/.ci"; }; then
  dir="/tmp/esf-pg-$(printf '%s' "$checkout" | cksum | cut -d' ' -f1)"
fi
data="$dir/data"
sockets="$dir/run"
log="$dir/postgres.log"

die() { echo "postgres.sh: $*" >&2; exit 2; }

bin() {
  local version
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] || die "PostgreSQL is not installed (Debian: apt-get install postgresql)"
  echo "/usr/lib/postgresql/$version/bin"
}

# Runs a server program as the cluster's owner.
owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$data/PG_VERSION" ] && owner "$(bin)/pg_ctl" -D "$data" status >/dev/null 2>&1; }

port() { [ -f "$dir/port" ] || die "no cluster here: run 'bash .ci/postgres.sh start' first"; cat "$dir/port"; }

port_free() { [ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }

stop() {
  if running; then owner "$(bin)/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null; fi
}

start() {
  local began pg port tries=0
  began=$(date +%s.%N)
  pg=$(bin)
  stop
  rm -rf "$dir"
  mkdir -p "$data" "$sockets"
  chmod 700 "$dir" "$data" "$sockets"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi

  # --no-sync and fsync=off: a test cluster that is made anew each time needs no durability, and it halves the start.
  owner "$pg/initdb" -D "$data" -U postgres --encoding=UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >"$data/pg_hba.conf" <<EOF
# Written by .ci/postgres.sh: the socket (in a 0700 folder) for the script itself, passwords over TCP from loopback and
# the test network namespaces.
local all all                 trust
host  all all 127.0.0.1/32    scram-sha-256
host  all all ::1/128         scram-sha-256
host  all all $namespaces   scram-sha-256
EOF

  port=$first_port
  while :; do
    while ! port_free "$port"; do port=$((port + 1)); done
    cat >"$data/postgresql.auto.conf" <<EOF
# Written by .ci/postgres.sh.
port = $port
listen_addresses = '127.0.0.1, $namespace_address'
unix_socket_directories = '$sockets'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
# A session that waits a second for another's lock says so in postgres.log, with both statements: how a test that
# stalls is explained.
log_lock_waits = on
EOF
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$data/postgresql.auto.conf" "$data/pg_hba.conf"; fi
    # Another checkout's cluster may take the port between the check and the start: then the next one.
    if owner "$pg/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then break; fi
    tries=$((tries + 1))
    if [ "$tries" -ge 10 ] || ! grep -q "already in use" "$log"; then cat "$log" >&2; die "the cluster did not start"; fi
    port=$((port + 1))
  done
  echo "$port" >"$dir/port"

  owner "$pg/psql" -h "$sockets" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $role LOGIN CREATEDB CREATEROLE PASSWORD '$password'" \
    -c "CREATE DATABASE $database OWNER $role" \
    -c "GRANT pg_signal_backend TO $role" >/dev/null
  printf 'PostgreSQL %s started in %.1f s: 127.0.0.1:%s, data in %s\n' \
    "$(cat "$data/PG_VERSION")" "$(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$port" "$data"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart)
    running || die "no cluster is running here"
    owner "$(bin)/pg_ctl" -D "$data" -l "$log" -m fast -w -t 60 restart >/dev/null ;;
  status)
    if running; then echo "running on 127.0.0.1:$(port), data in $data"; else echo "not running"; exit 3; fi ;;
  env)
    running || die "no cluster is running here: run 'bash .ci/postgres.sh start' first"
    echo "export ESF_TEST_POSTGRES='Host=127.0.0.1;Port=$(port);Username=$role;Password=$password;Database=$database'"
    echo "export ESF_TEST_POSTGRES_CTL='$checkout/.ci/postgres.sh'" ;;
  *) echo "usage: bash .ci/postgres.sh start|stop|restart|status|env" >&2; exit 2 ;;
esac
