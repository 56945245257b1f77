#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server with pgvector on a loopback port, as a normal user,
# for the tests that run the World suite on a real server. Installs what is missing first:
# Debian's postgresql, and pgvector built from Debian's own source package (bookworm ships no
# pgvector binary; trixie's source builds against PostgreSQL 15 in seconds).
# Prints the server's URL on its last line. `scripts/pg-test-server.sh stop` stops it.
set -euo pipefail

PORT="${DAM_PG_PORT:-54329}"
PGBIN="${DAM_PG_BIN:-/usr/lib/postgresql/15/bin}"
DATA="${DAM_PG_DATA:-${TMPDIR:-/tmp}/dam-pg-$PORT}"
RUN_AS="${DAM_PG_USER:-postgres}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

as_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  as_user "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi

if [ ! -x "$PGBIN/postgres" ]; then
  echo "PostgreSQL 15 not found; installing Debian's postgresql…" >&2
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

EXT_DIR="$("$PGBIN/pg_config" --sharedir 2>/dev/null || echo /usr/share/postgresql/15)/extension"
if [ ! -f "$EXT_DIR/vector.control" ]; then
  echo "pgvector not found; building it from Debian's source package…" >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-server-dev-15 dpkg-dev >&2
  WORK="$(mktemp -d)"
  # A private source list and list directory, so the machine's own apt setup is left as it was.
  printf 'deb-src http://deb.debian.org/debian trixie main\n' >"$WORK/sources.list"
  APT_OPTS=(-o "Dir::Etc::SourceList=$WORK/sources.list" -o "Dir::Etc::SourceParts=/dev/null" -o "Dir::State::Lists=$WORK/lists")
  mkdir -p "$WORK/lists/partial"
  $SUDO apt-get "${APT_OPTS[@]}" update -qq >&2
  (cd "$WORK" && $SUDO apt-get "${APT_OPTS[@]}" source -qq pgvector >&2)
  (cd "$WORK"/pgvector-*/ && $SUDO make -s PG_CONFIG="$PGBIN/pg_config" OPTFLAGS="" >&2 && $SUDO make -s PG_CONFIG="$PGBIN/pg_config" install >&2)
  $SUDO rm -rf "$WORK"
fi

if [ "$(id -u)" -eq 0 ]; then
  id "$RUN_AS" >/dev/null 2>&1 || useradd --system --no-create-home "$RUN_AS"
fi

if as_user "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  echo "postgres://$RUN_AS@127.0.0.1:$PORT/postgres"
  exit 0
fi

rm -rf "$DATA"
mkdir -p "$DATA"
[ "$(id -u)" -eq 0 ] && chown "$RUN_AS" "$DATA"
as_user "$PGBIN/initdb" -D "$DATA" -U "$RUN_AS" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
# A test server: durability traded for speed, and enough connections for parallel test files.
as_user "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
echo "postgres://$RUN_AS@127.0.0.1:$PORT/postgres"
