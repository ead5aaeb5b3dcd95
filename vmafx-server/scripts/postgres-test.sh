#!/usr/bin/env bash
# Runs the job-store tests against a real PostgreSQL: starts a throwaway cluster (Debian's
# `postgresql`, installed when missing) on 127.0.0.1, runs the store contract tests and the
# two-replica crash test with VMAFX_REQUIRE_POSTGRES=1 (so none of them may skip), and
# stops the cluster whatever happened.
set -euo pipefail
cd "$(dirname "$0")/../.."

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin=$(pg_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "installing: postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
    bin=$(pg_bin)
fi

work=$(mktemp -d /tmp/vmafx-pg.XXXXXX)
# initdb refuses to run as root: the cluster belongs to the postgres user then.
if [ "$(id -u)" = 0 ]; then
    chown postgres "$work"
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi
port=$((20000 + RANDOM % 20000))
stop() {
    as_owner "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT

as_owner "$bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --no-sync >"$work/initdb.log" \
    || { cat "$work/initdb.log"; exit 1; }
# The data is thrown away afterwards: no fsync, to spare the CI machine's disk.
as_owner "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 60 \
    -o "-k $work -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start \
    || { cat "$work/server.log"; exit 1; }
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export VMAFX_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export VMAFX_REQUIRE_POSTGRES=1
echo "-- store contract tests (SQLite and PostgreSQL)"
cargo test --release -p vmafx-server --bin vmafx-server store::
echo "-- two servers on one database, one killed mid-job"
cargo test --release -p vmafx-server --test jobstore -- --nocapture
