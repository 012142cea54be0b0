#!/usr/bin/env bash
# The PostGIS test database: creates `mapa_test` with the PostGIS extension on the
# local server (PostgreSQL 15 on 127.0.0.1:5432, user postgres) if it is absent.
# Exits 0 with a note when no server answers: the PostGIS tests then skip.
set -euo pipefail
HOST=${PGHOST:-127.0.0.1}
PORT=${PGPORT:-5432}
USER_=${PGUSER:-postgres}
DB=${MAPA_TEST_DB:-mapa_test}
psql_() { PGOPTIONS=--client-min-messages=warning psql -h "$HOST" -p "$PORT" -U "$USER_" -v ON_ERROR_STOP=1 -qAt "$@"; }
answers() { command -v psql >/dev/null && psql_ -d postgres -c "SELECT 1" >/dev/null 2>&1; }
if ! answers && command -v pg_ctlcluster >/dev/null; then
  # A Debian cluster that is installed but stopped (e.g. after a reboot) is started.
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO pg_ctlcluster 15 main start 2>/dev/null || true
fi
if ! answers; then
  echo "test-db: no PostgreSQL server answers on $HOST:$PORT; PostGIS tests will skip" >&2
  exit 0
fi
if [ -z "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
  psql_ -d postgres -c "CREATE DATABASE \"$DB\""
fi
psql_ -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"
