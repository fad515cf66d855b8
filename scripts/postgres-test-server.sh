#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the evidence-store tests and prints its URL on stdout
# (diagnostics go to stderr). .ci/run does:
#   export ANNEXA_TEST_POSTGRES_URL="$(bash scripts/postgres-test-server.sh)"
# - ANNEXA_TEST_POSTGRES_URL already set and answering: printed again, nothing started.
# - PostgreSQL's server binaries absent: installed from Debian's packages (needs root).
# - initdb into a fresh temporary directory (as the postgres user when run as root), trust
#   authentication, listening on 127.0.0.1 and a unix socket in that directory, port 55432 or the
#   next free one. The server keeps running after this script; stop it with
#   pg_ctl -D <dir>/data stop (the directory is printed on stderr).
# Exits non-zero, printing nothing on stdout, when no server could be started; the tests then
# skip PostgreSQL with a message saying so.
set -uo pipefail

log() { printf 'postgres-test-server: %s\n' "$*" >&2; }

answers() { # URL
  command -v psql >/dev/null 2>&1 && psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1
}

if [[ -n "${ANNEXA_TEST_POSTGRES_URL:-}" ]] && answers "$ANNEXA_TEST_POSTGRES_URL"; then
  log "using the running server of ANNEXA_TEST_POSTGRES_URL"
  printf '%s\n' "$ANNEXA_TEST_POSTGRES_URL"
  exit 0
fi

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && { printf '%s\n' "$dir"; return 0; }
  done
  return 1
}

bindir="$(find_bindir)"
if [[ -z "$bindir" ]]; then
  if [[ "$(id -u)" != 0 ]]; then log "PostgreSQL is not installed and installing it needs root"; exit 1; fi
  log "installing PostgreSQL from Debian's packages"
  if ! { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2; }; then
    log "apt-get install postgresql failed"; exit 1
  fi
  bindir="$(find_bindir)" || { log "no initdb after installing postgresql"; exit 1; }
fi

as_owner() { # run a command as the cluster's owner (postgres when we are root; initdb refuses root)
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [[ "$(id -u)" == 0 ]] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres || { log "cannot create the postgres user"; exit 1; }
fi

base="$(mktemp -d /tmp/annexa-pg.XXXXXX)"
chmod 755 "$base"
[[ "$(id -u)" == 0 ]] && chown postgres "$base"
if ! as_owner "$bindir/initdb" -D "$base/data" -U postgres --auth=trust -E UTF8 --no-locale >"$base/initdb.log" 2>&1; then
  log "initdb failed:"; cat "$base/initdb.log" >&2; exit 1
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=55432
while ! port_free "$port"; do port=$((port + 1)); [[ $port -gt 55482 ]] && { log "no free port in 55432-55482"; exit 1; }; done

if ! as_owner "$bindir/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
  -o "-p $port -k $base -c listen_addresses=127.0.0.1 -c fsync=off" start >&2; then
  log "the server did not start:"; cat "$base/server.log" >&2; exit 1
fi
url="postgresql://postgres@127.0.0.1:$port/postgres"
log "started in $base (port $port); stop with: $bindir/pg_ctl -D $base/data stop"
printf '%s\n' "$url"
