#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for ConsentKitPostgres's tests and benchmark: on loopback and a private port,
# owned by the `postgres` user when run as root (PostgreSQL refuses to run as root).
#
#   test-server.sh start     create the cluster if needed, start it, print the variables the tests read
#   test-server.sh stop      stop it (fast shutdown)
#   test-server.sh crash     stop it as a crash would (immediate shutdown: no checkpoint, clients cut off)
#   test-server.sh destroy   stop it and remove its files
#
# CONSENTKIT_POSTGRES_DIR (default /tmp/consentkit-postgres) and CONSENTKIT_POSTGRES_PORT (default 54329) choose
# where. The tests restart the server through this script (CONSENTKIT_POSTGRES_SERVER names it).
set -euo pipefail
dir=${CONSENTKIT_POSTGRES_DIR:-/tmp/consentkit-postgres}
port=${CONSENTKIT_POSTGRES_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL's server is not installed (apt-get install postgresql)" >&2
  exit 2
fi
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pgctl() { as_owner "$bin/pg_ctl" -D "$dir/data" "$@"; }

case "${1:-}" in
start)
  if [ ! -d "$dir/data" ]; then
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U consentkit --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log"
  fi
  if ! pgctl status >/dev/null 2>&1; then
    pgctl -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200" start >/dev/null
  fi
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U consentkit -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'consentkit'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U consentkit consentkit
  fi
  echo "export CONSENTKIT_POSTGRES_HOST=127.0.0.1 CONSENTKIT_POSTGRES_PORT=$port CONSENTKIT_POSTGRES_USER=consentkit"
  echo "export CONSENTKIT_POSTGRES_DATABASE=consentkit CONSENTKIT_POSTGRES_SERVER=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
  ;;
stop) pgctl -m fast -w stop >/dev/null ;;
crash) pgctl -m immediate -w stop >/dev/null ;;
destroy)
  pgctl -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop|crash|destroy" >&2
  exit 2
  ;;
esac
