#!/usr/bin/env bash
# test/t/tle_routes.t: the pg_tle flavor installs and moves between every
# revision as the application's role, a non-superuser, as on a managed server.
#
# A superuser only creates the role (with pgtle_admin, as Supabase and RDS
# give their users), its database and CREATE EXTENSION pg_tle.  The role then
# runs the migration make tle writes for the latest release
# (flashcard_schema-tle--<default_version>.sql; twice: a second run
# changes nothing), installs every revision and takes it to every other one;
# after each step revision() names the target and assert() passes.  Then:
# downgrading loses data only when the session allows it, distribute() and
# the DROP guard refuse with 0A000, status() reports pending updates.
#
# Runs on a server of its own with pg_tle preloaded, started from a copy of
# the installation without the C package (test/lib/tle_server.bash): pg_tle
# refuses an extension whose control file is on disk, as on a managed server
# there is none.  Skips, saying why, where pg_tle is not installed for
# $PG_CONFIG (fails instead when FLASHCARD_SCHEMA_EXPECT_TLE=1, as
# test/bin/run.sh sets it).
source "$(dirname "$0")/../lib/tap_helpers.bash"
source "$TEST_DIR/tle_server.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
DB=flashcard_schema_test_tle_routes
APP=flashcard_tle_app
PW=tle_app_pw
LATEST=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TOP/flashcard_schema.control")
MIGRATION=$WORK/flashcard_schema-tle--$LATEST.sql

python3 "$TOP/tle/generate" --pg-config "${PG_CONFIG:-pg_config}" --out "$WORK" >/dev/null 2>"$WORK/gen.err" ||
    tle_skip "tle/generate failed (needs cc and pg_config): $(head -1 "$WORK/gen.err")"
tle_server --without-c

app() {  # app: psql as the application's role on DB, SQL on stdin
    PGUSER=$APP PGPASSWORD=$PW psql -X -A -t -q -v ON_ERROR_STOP=1 -d $DB "$@"
}
sqlstate() {  # sqlstate SQL: the SQLSTATE psql reports for SQL as the application's role
    app -v VERBOSITY=verbose -c "$1" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' | head -1
}

# (CREATE EXTENSION pg_tle, in any database, makes the role pgtle_admin)
psql -XAtq -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL || { echo "Bail out! setting up the role and database failed"; exit 1; }
CREATE EXTENSION pg_tle;
CREATE ROLE $APP LOGIN PASSWORD '$PW';
GRANT pgtle_admin TO $APP;
CREATE DATABASE $DB OWNER $APP;
SQL
psql -XAtq -d $DB -c "CREATE EXTENSION pg_tle" >/dev/null
is "$(psql -XAtq -d postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = '$APP'")" "f" "the application's role is no superuser"

app -f "$MIGRATION" >/dev/null 2>"$WORK/err"; ok $? "the migration of $LATEST registers the flavor (as the application's role)"
app -f "$MIGRATION" >/dev/null 2>>"$WORK/err"; ok $? "running it again changes nothing and fails nothing"
[ -s "$WORK/err" ] && diag "$(cat "$WORK/err")"
mapfile -t VERSIONS < <(app -c "SELECT version FROM pgtle.available_extension_versions() WHERE name = 'flashcard_schema' ORDER BY string_to_array(version, '.')::int[]")
mapfile -t PATHS < <(app -c "SELECT source || ' ' || target FROM pgtle.extension_update_paths('flashcard_schema') WHERE path IS NOT NULL ORDER BY 1")
diag "versions: ${VERSIONS[*]}; update paths: ${#PATHS[@]}"

# Every install, every update (each route from a fresh install of its source)
for v in "${VERSIONS[@]}"; do
    got=$(app -c "CREATE EXTENSION flashcard_schema VERSION '$v'" -c "SELECT flashcard_schema_assert()" \
              -c "SELECT flashcard_schema_revision() || ' ' || count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify()" 2>&1)
    is "$(tail -1 <<<"$got")" "$v 0" "CREATE EXTENSION VERSION '$v': assert() passes, verify() fails nothing"
    app -c "DROP EXTENSION flashcard_schema" >/dev/null
done
for p in "${PATHS[@]}"; do
    read -r from to <<<"$p"
    got=$(app -c "CREATE EXTENSION flashcard_schema VERSION '$from'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$to'" \
              -c "SELECT flashcard_schema_assert()" \
              -c "SELECT flashcard_schema_revision() || ' ' || count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify()" 2>&1)
    is "$(tail -1 <<<"$got")" "$to 0" "$from -> $to: assert() passes, verify() fails nothing"
    app -c "DROP EXTENSION flashcard_schema" >/dev/null
done

# Data: a downgrade that would lose some refuses unless the session allows it
# (1.3 -> 1.2: a review's quality 5 has no place in 1.2's enum)
app -c "CREATE EXTENSION flashcard_schema VERSION '1.3'" >/dev/null
app >/dev/null <<'SQL'
INSERT INTO users (email) VALUES ('a@example.com');
INSERT INTO decks (name, level) VALUES ('d', 'A1');
INSERT INTO cards (deck_id, front_text, back_text) SELECT id, 'f', 'b' FROM decks;
INSERT INTO reviews (user_id, card_id, quality, time_taken) SELECT u.id, c.id, 5, 1 FROM users u, cards c;
SQL
prev=1.2
pending=$(printf '%s\n' "${VERSIONS[@]}" | awk -v p=$prev 'found {printf "%s%s", sep, $0; sep=","} $0 == p {found=1}')
is "$(sqlstate "ALTER EXTENSION flashcard_schema UPDATE TO '$prev'")" "55000" "downgrade to $prev losing a review's quality 5 refuses (55000)"
is "$(app -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$prev'" -c "SELECT flashcard_schema_revision()" 2>/dev/null)" "$prev" \
   "with allow_data_loss on in the session it goes down to $prev"
is "$(app -c "SELECT installed_version || ' ' || array_to_string(pending, ',') || ' ' || up_to_date FROM flashcard_schema_status()")" \
   "$prev $pending false" "status() at $prev: $pending pending"
app -c "ALTER EXTENSION flashcard_schema UPDATE" >/dev/null
is "$(sqlstate "SELECT flashcard_schema_distribute()")" "0A000" "distribute() refuses: Citus needs the C flavor (0A000)"
is "$(app -c "SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'flashcard%'")" "0" "no event trigger (a non-superuser cannot make one)"
is "$(sqlstate "SELECT flashcard_schema_verify('9.9')")" "22023" "verify('9.9'): 22023, as the C flavor"
is "$(sqlstate "DROP EXTENSION flashcard_schema" | head -1)" "" "DROP EXTENSION is not guarded in this flavor"
done_testing
