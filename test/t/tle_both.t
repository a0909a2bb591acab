#!/usr/bin/env bash
# test/t/tle_both.t: one cluster holds one flavor.  On a server with the C
# package installed and pg_tle preloaded, the pg_tle flavor's migration
# refuses at its first statement, with 42710 and a message naming the C
# flavor, and registers nothing; CREATE EXTENSION then takes the C flavor.
# Skips visibly on a server without pg_tle or without the C package (the
# opposite case, a pg_tle database meeting a C package installed later, is
# in docs/managed.md: the server then takes the C flavor's scripts).
source "$(dirname "$0")/../lib/tap_helpers.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
DB=flashcard_schema_test_tle_both
LATEST=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TOP/flashcard_schema.control")

have=$(psql -XAtq -d postgres -c "SELECT (SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_tle')::text
                                       || (SELECT count(*) FROM pg_available_extensions WHERE name = 'flashcard_schema')::text
                                       || (current_setting('shared_preload_libraries') ~ 'pg_tle')::int::text")
if [ "$have" != 111 ]; then
    echo "1..0 # SKIP needs pg_tle preloaded beside the C package of flashcard_schema"
    exit 0
fi
python3 "$TOP/tle/generate" --pg-config "${PG_CONFIG:-pg_config}" --out "$WORK" >/dev/null 2>"$WORK/gen.err" ||
    { echo "1..0 # SKIP tle/generate failed (needs cc and pg_config): $(head -1 "$WORK/gen.err")"; exit 0; }
newdb $DB
sql $DB -c "CREATE EXTENSION pg_tle" >/dev/null
out=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d $DB -f "$WORK/flashcard_schema-tle--$LATEST.sql" 2>&1)
is "$(sed -n 's/^psql:[^ ]* ERROR:  //p' <<<"$out")" "42710: the C flavor of flashcard_schema is installed on this server" \
   "the pg_tle migration refuses: 42710, naming the C flavor"
is "$(sql $DB -c "SELECT count(*) FROM pgtle.available_extensions() WHERE name = 'flashcard_schema'")" "0" "nothing registered with pg_tle"
is "$(sql $DB -c "CREATE EXTENSION flashcard_schema" -c "SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'flashcard_schema_verify'")" \
   "c" "CREATE EXTENSION takes the C flavor"
done_testing
