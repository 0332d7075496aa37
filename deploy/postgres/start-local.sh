#!/usr/bin/env bash
# Starts the machine's Debian PostgreSQL (installing it when allowed) and makes sure a `rapport`
# role exists that may create databases, for the PostgreSQL test cases.
# Prints the admin URL for RAPPORT_TEST_POSTGRES_URL on stdout; progress goes to stderr.
set -euo pipefail

PG_USER=rapport
PG_PASSWORD=${RAPPORT_PG_PASSWORD:-rapport}
PG_PORT=${RAPPORT_PG_PORT:-5432}

say() { echo "postgres: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && [ "${RAPPORT_INSTALL_POSTGRES:-1}" = 1 ]; then
    say "installing PostgreSQL from Debian (once)"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  else
    say "PostgreSQL is not installed (apt-get install postgresql); PostgreSQL tests will skip"
    exit 3
  fi
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  say "creating cluster $version/main"
  pg_createcluster "$version" main -p "$PG_PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  say "starting cluster $version/main"
  pg_ctlcluster "$version" main start >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
for _ in $(seq 1 50); do
  as_postgres psql -p "$port" -tAc "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.2
done
as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -q >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE rapport OWNER $PG_USER'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'rapport')\gexec
-- The tests drop their databases WITH (FORCE); a background worker (autovacuum on a database
-- just written) may still be connected, and ending it needs this role. (Quietly: granting it
-- again on the next start is a notice, not news.)
SET client_min_messages TO warning;
GRANT pg_signal_backend TO $PG_USER;
SQL
say "ready on 127.0.0.1:$port"
echo "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/rapport"
