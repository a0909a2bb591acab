# test/lib/tle_server.bash: a server of the test's own with pg_tle in
# shared_preload_libraries, for the tests of the pg_tle flavor (test/t/tle_*.t).
# Source it after tap_helpers.bash.
#
#   tle_server [--without-c]
#       starts the server (initdb, pg_ctl; as the postgres user when run as
#       root: initdb refuses root) and points PGHOST/PGPORT/PGUSER at it; it is
#       stopped and removed on exit.  --without-c: from a copy of the
#       installation without the C package of flashcard_schema (its control
#       file and scripts), as on a managed server: pg_tle refuses to register
#       an extension whose control file is on disk.  The copy holds the server's
#       executables and links to everything else (postgres finds its share and
#       lib directories relative to its own path), so it takes about a second.
#   tle_skip REASON
#       skips the test, saying why; fails instead when FLASHCARD_SCHEMA_EXPECT_TLE=1.
#   tle_add_c_package
#       links the C package's control file and scripts into that copy: the C
#       package "installed later" on a server whose databases use pg_tle.
#
# Without pg_tle installed for $PG_CONFIG (test/bin/tle.sh builds it) the test
# skips, saying so; when FLASHCARD_SCHEMA_EXPECT_TLE=1 (test/bin/run.sh sets it
# when tle.sh installed pg_tle) it fails instead.

TLE_PG_CONFIG=${PG_CONFIG:-pg_config}

# tle_skip REASON: skip the test, saying why (or fail, when pg_tle is expected)
tle_skip() {
    if [ "${FLASHCARD_SCHEMA_EXPECT_TLE:-}" = 1 ]; then
        echo "Bail out! $1, and FLASHCARD_SCHEMA_EXPECT_TLE=1 says the pg_tle tests must run"
        exit 1
    fi
    echo "1..0 # SKIP $1"
    exit 0
}

TLE_DIR=
TLE_SHARE=
TLE_AS=()

_tle_stop() {
    if [ -n "$TLE_DIR" ] && [ -f "$TLE_DIR/data/postmaster.pid" ]; then
        "${TLE_AS[@]}" "$TLE_BIN/pg_ctl" -D "$TLE_DIR/data" -m immediate stop >/dev/null 2>&1
    fi
    [ -n "$TLE_DIR" ] && rm -rf "$TLE_DIR"
    _cleanup
}

tle_server() {
    local without_c= bindir sharedir pkglibdir root f name
    [ "${1:-}" = --without-c ] && without_c=1
    bindir=$("$TLE_PG_CONFIG" --bindir) sharedir=$("$TLE_PG_CONFIG" --sharedir) pkglibdir=$("$TLE_PG_CONFIG" --pkglibdir)
    if [ ! -f "$pkglibdir/pg_tle.so" ] || [ ! -f "$sharedir/extension/pg_tle.control" ]; then
        tle_skip "pg_tle is not installed for $TLE_PG_CONFIG (test/bin/tle.sh builds it)"
    fi
    TLE_DIR=$(mktemp -d)
    trap _tle_stop EXIT
    TLE_BIN=$bindir
    if [ -n "$without_c" ]; then
        root=$TLE_DIR/install
        TLE_BIN=$root$bindir
        TLE_SHARE=$root$sharedir
        mkdir -p "$TLE_BIN" "$TLE_SHARE/extension" "$(dirname "$root$pkglibdir")"
        cp "$bindir/postgres" "$bindir/initdb" "$bindir/pg_ctl" "$TLE_BIN/"
        [ -e "$root$pkglibdir" ] || ln -s "$pkglibdir" "$root$pkglibdir"
        for f in "$sharedir"/*; do
            [ "${f##*/}" = extension ] || ln -s "$f" "$TLE_SHARE/"
        done
        for f in "$sharedir"/extension/*; do
            name=${f##*/}
            case $name in flashcard_schema.control | flashcard_schema--*) continue ;; esac
            ln -s "$f" "$TLE_SHARE/extension/"
        done
    fi
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres "$TLE_DIR"
        TLE_AS=(runuser -u postgres --)
    fi
    "${TLE_AS[@]}" "$TLE_BIN/initdb" -D "$TLE_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$TLE_DIR/initdb.log" 2>&1 ||
        { echo "Bail out! initdb failed: $(tail -3 "$TLE_DIR/initdb.log")"; exit 1; }
    cat >>"$TLE_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$TLE_DIR'
port = 5432
fsync = off
shared_preload_libraries = 'pg_tle'
CONF
    "${TLE_AS[@]}" "$TLE_BIN/pg_ctl" -D "$TLE_DIR/data" -l "$TLE_DIR/server.log" -w start >/dev/null ||
        { echo "Bail out! the pg_tle server did not start: $(tail -3 "$TLE_DIR/server.log")"; exit 1; }
    export PGHOST=$TLE_DIR PGPORT=5432 PGUSER=postgres
    unset PGDATABASE PGPASSWORD
}

tle_add_c_package() {
    local f
    for f in "$("$TLE_PG_CONFIG" --sharedir)"/extension/flashcard_schema{.control,--*}; do
        ln -s "$f" "$TLE_SHARE/extension/"
    done
}
