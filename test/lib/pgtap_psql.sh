#!/usr/bin/env bash
# test/lib/pgtap_psql.sh: the psql that `make pgtap` gives pg_prove
# (--psql-bin), so that pgTAP files can run side by side (PGTAP_FLAGS=-jN):
# each file runs in a database of its own, a copy of the one pg_prove names
# (which has pgTAP and nothing else), made before the file; `make pgtap` drops
# the copies once every file has run (DROP DATABASE waits until every backend
# of the server has taken note, which a busy file's backend can delay for
# seconds).  In one shared database, a file's CREATE EXTENSION
# flashcard_schema would wait for every other file's open transaction that
# created it too.
# Takes pg_prove's psql arguments; PGTAP_PSQL is the real psql (default: psql
# on PATH); the copies are made from the database "postgres".
set -uo pipefail
psql=${PGTAP_PSQL:-psql}
args=() template= file=
while [ $# -gt 0 ]; do
    case $1 in
    --dbname) template=$2; shift 2 ;;
    --file) file=$2; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
    esac
done
if [ -z "$template" ] || [ -z "$file" ]; then
    echo "pgtap_psql.sh: expected pg_prove's --dbname and --file" >&2
    exit 2
fi
name=${file##*/}
db="${template}_${name%.sql}"
admin() { "$psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "$1" >/dev/null; }
admin "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" &&
    admin "CREATE DATABASE \"$db\" TEMPLATE \"$template\"" || exit 1
exec "$psql" "${args[@]}" --dbname "$db"
