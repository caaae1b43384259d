#!/usr/bin/env bash
# Runs a command next to a throwaway PostgreSQL server:
#
#   bash scripts/pg-test.sh cargo test -p spotter-store-postgres
#
# starts PostgreSQL (the image's server programs, /usr/lib/postgresql/*/bin; Debian's package is
# installed if they are missing) in a new temporary folder, as an unprivileged user (initdb refuses
# root: the system user `spotter-pg` is made if missing), listening only on a Unix socket inside
# that folder (no TCP port at all), exports its URL as SPOTTER_TEST_PG_URL, runs the command, then
# stops the server and removes the folder, whether the command passed, failed or was interrupted
# (INT or TERM stop the command too). Exits with the command's status. Safe to run twice, or twice
# at once.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: bash scripts/pg-test.sh COMMAND [ARGS...]  (runs COMMAND with SPOTTER_TEST_PG_URL set)" >&2
    exit 2
fi

find_bin() {
    local d
    # The newest installed server whose programs are all there.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

if ! PG_BIN=$(find_bin); then
    if [ "$(id -u)" -ne 0 ]; then
        echo "pg-test: no PostgreSQL server programs under /usr/lib/postgresql/*/bin; install Debian's postgresql package (as root: apt-get install -y postgresql)" >&2
        exit 1
    fi
    echo "pg-test: installing Debian's PostgreSQL server" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(find_bin) || { echo "pg-test: PostgreSQL installed but its programs were not found" >&2; exit 1; }
fi

# The server's user: initdb and postgres refuse to run as root.
if [ "$(id -u)" -eq 0 ]; then
    PG_USER=spotter-pg
    if ! id -u "$PG_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER" 2>/dev/null || id -u "$PG_USER" >/dev/null
    fi
    as_pg() { runuser -u "$PG_USER" -- "$@"; }
else
    PG_USER=$(id -un)
    as_pg() { "$@"; }
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/spotter-pg.XXXXXX")
CHILD=
cleanup() {
    local status=$?
    if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then
        kill -TERM "$CHILD" 2>/dev/null || true
        wait "$CHILD" 2>/dev/null || true
    fi
    if [ -f "$DIR/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$DIR/socket"
if [ "$(id -u)" -eq 0 ]; then
    chown -R "$PG_USER" "$DIR"
fi
chmod 755 "$DIR"

# A cluster of its own: trust authentication is safe because the only way in is the socket in this
# private folder.
as_pg "$PG_BIN/initdb" -D "$DIR/data" -U spotter --auth=trust --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 || {
    cat "$DIR/initdb.log" >&2
    exit 1
}
as_pg "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories='$DIR/socket' -c port=5432 -c max_connections=100" \
    start >/dev/null || {
    cat "$DIR/server.log" >&2
    exit 1
}

export SPOTTER_TEST_PG_URL="postgres://spotter@localhost/postgres?host=$DIR/socket&port=5432"
echo "pg-test: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $SPOTTER_TEST_PG_URL" >&2

# In the background and waited for, so an interrupt or a TERM stops the command and the server at
# once (the command's standard input is /dev/null).
set +e
"$@" </dev/null &
CHILD=$!
wait "$CHILD"
status=$?
CHILD=
set -e
exit "$status"
