#!/usr/bin/env bash
# test/t/tle_both.t: one database holds one flavor, in both orders
# (docs/managed.md).  On a server of its own with pg_tle preloaded
# (test/lib/tle_server.bash), first without the C package, as on a managed
# server: one database registers the pg_tle flavor and installs it (at 1.3,
# so that an update is pending), another only registers it, a third has
# pg_tle alone.  Then the C package is "installed" (its control file and
# scripts linked into the server's extension directory), and:
#
#   * where the pg_tle flavor is registered, CREATE EXTENSION and ALTER
#     EXTENSION ... UPDATE of the C flavor refuse (42710, naming the pg_tle
#     registration and the way out: src/tle_check.c) and change nothing; once
#     the registration goes (pgtle.uninstall_extension), the C flavor installs
#     (the control: the refusal comes from the registration);
#   * where it is not, the pg_tle migration refuses at its first statement
#     (42710, naming the C flavor) and registers nothing; pg_tle itself
#     refuses a registration past that check (55000); CREATE EXTENSION takes
#     the C flavor.
#
# Skips, saying why, where pg_tle is not installed for $PG_CONFIG (fails
# instead when FLASHCARD_SCHEMA_EXPECT_TLE=1, as test/bin/run.sh sets it).
source "$(dirname "$0")/../lib/tap_helpers.bash"
source "$TEST_DIR/tle_server.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
LATEST=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TOP/flashcard_schema.control")
MIGRATION=$WORK/flashcard_schema-tle--$LATEST.sql

python3 "$TOP/tle/generate" --pg-config "${PG_CONFIG:-pg_config}" --out "$WORK" >/dev/null 2>"$WORK/gen.err" ||
    tle_skip "tle/generate failed (needs cc and pg_config): $(head -1 "$WORK/gen.err")"
tle_server --without-c

# error DB SQL...: "SQLSTATE: message" of the first error, then its DETAIL and HINT lines
error() {
    local db=$1; shift
    psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$db" "$@" 2>&1 |
        sed -n -e 's/^\(psql:[^ ]* \)\{0,1\}ERROR:  //p' -e 's/^\(DETAIL\|HINT\):  /\1: /p'
}
flavor() {  # flavor DB: the language of verify() and the installed version, or "none"
    sql "$1" -c "SELECT coalesce((SELECT DISTINCT l.lanname || ' ' || e.extversion FROM pg_extension e, pg_proc p JOIN pg_language l ON l.oid = p.prolang
                                   WHERE e.extname = 'flashcard_schema' AND p.proname = 'flashcard_schema_verify'), 'none')"
}
registered() {  # registered DB: how many versions pg_tle has registered
    sql "$1" -c "SELECT count(*) FROM pgtle.available_extension_versions() WHERE name = 'flashcard_schema'"
}

for db in tle_installed tle_registered tle_none; do
    createdb -E UTF8 -T template0 $db && sql $db -c "CREATE EXTENSION pg_tle" >/dev/null
done
sql tle_installed -f "$MIGRATION" >/dev/null && sql tle_installed -c "CREATE EXTENSION flashcard_schema VERSION '1.3'" >/dev/null
sql tle_registered -f "$MIGRATION" >/dev/null
is "$(flavor tle_installed) / $(flavor tle_registered)" "plpgsql 1.3 / none" "before the C package: the pg_tle flavor at 1.3 in one database, registered only in another"

tle_add_c_package

# The C package met by a database that holds the pg_tle flavor
REFUSAL="42710: the pg_tle flavor of flashcard_schema is registered in this database
DETAIL: pg_tle holds the scripts of flashcard_schema here (function pgtle.\"flashcard_schema.control\"()); the C flavor's scripts must not run over them.
HINT: Keep using the pg_tle flavor in this database, or run DROP EXTENSION flashcard_schema and SELECT pgtle.uninstall_extension('flashcard_schema') before installing the C flavor."
is "$(error tle_registered -c "CREATE EXTENSION flashcard_schema")" "$REFUSAL" \
    "CREATE EXTENSION of the C flavor where the pg_tle flavor is registered: 42710, naming the registration and the way out"
is "$(flavor tle_registered)" "none" "... and nothing is installed"
is "$(error tle_installed -c "ALTER EXTENSION flashcard_schema UPDATE TO '$LATEST'")" "$REFUSAL" \
    "ALTER EXTENSION UPDATE TO '$LATEST' by the C flavor's scripts where the pg_tle flavor is installed: the same refusal"
is "$(flavor tle_installed)" "plpgsql 1.3" "... and the pg_tle flavor stays at 1.3"
sql tle_registered -c "SELECT pgtle.uninstall_extension('flashcard_schema')" >/dev/null
sql tle_registered -c "CREATE EXTENSION flashcard_schema" >/dev/null 2>&1
is "$(flavor tle_registered)" "c $LATEST" "once the registration is gone (the hint's way out), CREATE EXTENSION takes the C flavor"

# The pg_tle flavor met by a server with the C package
is "$(error tle_none -f "$MIGRATION")" "42710: the C flavor of flashcard_schema is installed on this server
DETAIL: Its control file flashcard_schema.control is in the server's extension directory; pg_tle registers no extension that has one, and one cluster holds one flavor.
HINT: Use the C flavor on this server (CREATE EXTENSION flashcard_schema), or remove its package before registering the pg_tle flavor." \
    "the pg_tle migration refuses at its first statement: 42710, naming the C flavor"
is "$(registered tle_none)" "0" "... and registers nothing"
is "$(error tle_none -c "SELECT pgtle.install_extension('flashcard_schema', '$LATEST', '', 'SELECT 1')")" \
    "55000: control file already exists for the flashcard_schema extension" \
    "past that check, pg_tle itself refuses the registration: 55000"
sql tle_none -c "CREATE EXTENSION flashcard_schema" >/dev/null 2>&1
is "$(flavor tle_none)" "c $LATEST" "CREATE EXTENSION takes the C flavor"
done_testing
