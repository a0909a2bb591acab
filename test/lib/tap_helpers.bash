# test/lib/tap_helpers.bash: TAP output and database helpers for the bash tests
# (test/t/*.t, run by prove inside pg_virtualenv: the PG* variables point at
# the throwaway server).  Source it; call done_testing at the end.
#
#   ok STATUS DESC         "ok N - DESC" if STATUS is 0, else "not ok N - DESC"
#   is GOT WANT DESC       ok when the two strings are equal; else a diff
#   todo REASON            the next assertion is a TODO (a known bug)
#   diag TEXT              "# TEXT" lines
#   newdb NAME             (re)create database NAME, dropped again on exit
#   sql DB [psql args]     psql -XAtq -v ON_ERROR_STOP=1 -d DB, SQL on stdin
#   digests DB [COLS]      per-table row count and md5 (test/lib/data_helpers.psql)
#   facts DB               catalog_facts (test/lib/catalog_facts.psql), sorted
#   version DB             installed version of flashcard_schema
#   failed_checks DB       number of failing flashcard_schema_verify() checks
set -uo pipefail

TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d)
# Row text of timestamps depends on these: the same in every session.
export PGTZ=UTC PGDATESTYLE=ISO,YMD PGCLIENTENCODING=UTF8

_n=0
_failed=0
_todo=
_dbs=()

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

ok() {
    local status=$1 desc=$2 directive=
    _n=$((_n + 1))
    if [ -n "$_todo" ]; then directive=" # TODO $_todo"; fi
    if [ "$status" -eq 0 ]; then
        echo "ok $_n - $desc$directive"
    else
        echo "not ok $_n - $desc$directive"
        [ -n "$_todo" ] || _failed=$((_failed + 1))
    fi
    _todo=
    return "$status"
}

is() {
    local got=$1 want=$2 desc=$3
    if [ "$got" == "$want" ]; then
        ok 0 "$desc"
    else
        ok 1 "$desc"
        diag "differences (< got, > want):"
        diff <(printf '%s\n' "$got") <(printf '%s\n' "$want") | head -40 | sed 's/^/# /'
        return 1
    fi
}

todo() { _todo=$1; }

done_testing() {
    echo "1..$_n"
    [ "$_failed" -eq 0 ]
}

_cleanup() {
    local db
    for db in "${_dbs[@]}"; do
        dropdb --if-exists --force "$db" >/dev/null 2>&1
    done
    rm -rf "$WORK"
}
trap _cleanup EXIT

newdb() {
    dropdb --if-exists --force "$1" >/dev/null 2>&1
    createdb --template=template0 --encoding=UTF8 --lc-collate=C --lc-ctype=C "$1" || return 1
    _dbs+=("$1")
}

sql() {
    local db=$1; shift
    psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}

# digests DB [COLS-JSON]: "table: N rows, md5 ..." per table, in table order
digests() {
    local cols=${2:-}
    sql "$1" -v cols="$cols" <<SQL
\\i $TEST_DIR/data_helpers.psql
SELECT tbl || ': ' || digest FROM pg_temp.row_digests(NULLIF(:'cols', '')::jsonb) ORDER BY tbl COLLATE "C";
SQL
    [ $? -eq 0 ] || echo "(digests of $1 could not be computed)"
}

# live_columns DB: the JSON that digests takes as COLS
live_columns() {
    sql "$1" <<SQL
\\i $TEST_DIR/data_helpers.psql
SELECT pg_temp.live_columns();
SQL
}

facts() {
    sql "$1" <<SQL
\\i $TEST_DIR/catalog_facts.psql
SELECT line FROM (SELECT kind || ' | ' || object || ' | ' || fact AS line FROM catalog_facts) f
ORDER BY line COLLATE "C";
SQL
    [ $? -eq 0 ] || echo "(catalog facts of $1 could not be computed)"
}

version() {
    sql "$1" -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'"
}

failed_checks() {
    sql "$1" -c "SELECT count(*) FILTER (WHERE NOT ok) || ' of ' || count(*) FROM flashcard_schema_verify()"
}
