#!/usr/bin/env bash
# test/t/allow_data_loss_source.t: flashcard_schema.allow_data_loss counts
# only when the session running the downgrade sets it.
#
# A value stored with ALTER DATABASE / ALTER ROLE [IN DATABASE] / ALTER ROLE
# ALL, or in the server's configuration, would disarm every later refusal for
# everyone (the database owner can store one for its database).  So:
#   - storing "on" is refused (55P02) when the library is loaded in the
#     storing session (and PostgreSQL itself refuses a non-superuser who
#     stores it while the setting is still an unknown placeholder);
#   - a value stored anyway (a superuser's placeholder) is ignored, with a
#     WARNING, when the library loads, and every downgrade still refuses;
#   - SET, SET LOCAL and the connection's options (PGOPTIONS) count.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
DB=flashcard_schema_test_guc_source
OWNER=flashcard_guc_owner
ADMIN=flashcard_guc_admin
PW=guc_source_pw

run() {  # run psql on DB (extra args first); sets OUT, ERR, RC
    psql -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -v SHOW_CONTEXT=never -d $DB "$@" \
        >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(grep -v '^LOCATION:' "$WORK/err")
}
as() {  # as ROLE run ...: run as another role (password login)
    local role=$1; shift
    PGUSER=$role PGPASSWORD=$PW "$@"
}

IGNORED="WARNING:  55P02: flashcard_schema.allow_data_loss can be turned on only by the session that drops or downgrades"
REFUSED="ERROR:  55P02: flashcard_schema.allow_data_loss can be turned on only by the session that drops or downgrades"

newdb $DB
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SET client_min_messages = warning;
DROP ROLE IF EXISTS $OWNER;
DROP ROLE IF EXISTS $ADMIN;
CREATE ROLE $OWNER LOGIN PASSWORD '$PW';
CREATE ROLE $ADMIN LOGIN SUPERUSER PASSWORD '$PW';
ALTER DATABASE $DB OWNER TO $OWNER;
SQL
ok $? "a database owned by a non-superuser, and a second superuser"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP ROLE IF EXISTS $OWNER" -c "DROP ROLE IF EXISTS $ADMIN" >/dev/null 2>&1; _cleanup' EXIT

sql $DB <<SQL
CREATE EXTENSION flashcard_schema VERSION '1.0';
\i $TEST_DIR/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
UPDATE users SET last_login_at = now() WHERE email = 'eleni@example.gr';
INSERT INTO decks (id, name, level) VALUES ('d0000000-0000-4000-8000-0000000000c1', 'Καβάφης', 'C1');
INSERT INTO reviews (user_id, card_id, quality, time_taken)
SELECT user_id, card_id, 5, 1 FROM reviews LIMIT 1;
SQL
ok $? "at 1.3 with data at stake on every way down (a quality of 5, a deck at C1, a last login)"

# --- stored by the database owner, with the library loaded: refused --------
run -c "SELECT flashcard_schema_revision()" -c "ALTER DATABASE $DB SET flashcard_schema.allow_data_loss = on"
as $OWNER run -c "SELECT flashcard_schema_revision()" -c "ALTER DATABASE $DB SET flashcard_schema.allow_data_loss = on"
is "$RC" 1 "the database owner's ALTER DATABASE ... SET allow_data_loss = on fails (library loaded)"
is "$(head -3 <<<"$ERR")" "$REFUSED
DETAIL:  A value stored by ALTER DATABASE, ALTER ROLE or a function's SET clause would disarm the refusal of every later downgrade and DROP EXTENSION, whoever runs them, so it cannot be stored.
HINT:  Run SET flashcard_schema.allow_data_loss = on (or SET LOCAL) in that session, or connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on'." \
    "... with SQLSTATE 55P02, the reason and how to turn it on instead"
as $OWNER run -c "SELECT flashcard_schema_revision()" -c "ALTER ROLE $OWNER SET flashcard_schema.allow_data_loss = on"
is "$RC:$(head -1 <<<"$ERR")" "1:$REFUSED" "the owner's ALTER ROLE (itself) SET ... = on is refused too"
as $OWNER run -c "SELECT flashcard_schema_revision()" -c "ALTER ROLE $OWNER IN DATABASE $DB SET flashcard_schema.allow_data_loss = on"
is "$RC:$(head -1 <<<"$ERR")" "1:$REFUSED" "... and ALTER ROLE ... IN DATABASE ... SET"
run -c "SELECT flashcard_schema_revision()" -c "ALTER SYSTEM SET flashcard_schema.allow_data_loss = on"
is "$RC:$(head -1 <<<"$ERR")" "1:$REFUSED" "a superuser's ALTER SYSTEM SET ... = on is refused (library loaded)"
run -c "SELECT flashcard_schema_revision()" -c "ALTER DATABASE $DB SET flashcard_schema.allow_data_loss = off" \
    -c "ALTER DATABASE $DB RESET flashcard_schema.allow_data_loss"
is "$RC" 0 "storing off is accepted"

# --- stored by the owner before the library is loaded: PostgreSQL refuses ---
as $OWNER run -c "ALTER DATABASE $DB SET flashcard_schema.allow_data_loss = on"
is "$RC:$(head -1 <<<"$ERR")" '1:ERROR:  42501: permission denied to set parameter "flashcard_schema.allow_data_loss"' \
    "the owner cannot store it as an unknown placeholder either (42501)"

# --- stored anyway (by a superuser, as a placeholder): ignored --------------
run -c "ALTER DATABASE $DB SET flashcard_schema.allow_data_loss = on"
is "$RC" 0 "a superuser can store it while the library is not loaded (an unchecked placeholder)"
run -c "SHOW flashcard_schema.allow_data_loss" -c "SELECT flashcard_schema_revision()" -c "SHOW flashcard_schema.allow_data_loss"
is "$OUT" "on
1.3
off" "a new session sees on until the library loads, then off"
is "$(head -3 <<<"$ERR")" "$IGNORED
DETAIL:  The value from ALTER DATABASE ... SET would disarm the refusal of every later downgrade and DROP EXTENSION, whoever runs them, so it does not count.
HINT:  Run SET flashcard_schema.allow_data_loss = on (or SET LOCAL) in that session, or connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on'." \
    "the library's load warns that the database's value does not count, and says how to set it"

refuses() {  # refuses TARGET WHAT [psql args run first]: the downgrade to TARGET is refused
    local target=$1 what=$2; shift 2
    $RUNAS run "$@" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$target'" -c "SELECT 'not reached'"
    is "$RC:$(grep '^ERROR:' <<<"$ERR")" "1:ERROR:  55000: downgrading flashcard_schema to $target would discard $what" \
        "$DESC: the downgrade to $target still refuses"
}
RUNAS=
DESC="database-level on"
refuses 1.2 "the quality of 1 review(s) outside 1 to 4"
grep -qF "$IGNORED" <<<"$ERR"
ok $? "$DESC: ... and warns that the stored value was ignored"
DESC="database-level on, library loaded first"
refuses 1.2 "the quality of 1 review(s) outside 1 to 4" -c "SELECT count(*) FROM flashcard_schema_verify()"

run -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
is "$RC:$(grep -c '^WARNING:  01000: flashcard_schema.allow_data_loss is on' <<<"$ERR")" "0:1" \
    "SET in the session counts (beside the ignored database value): 1.3 -> 1.2 with the loss accepted"
DESC="database-level on"
refuses 1.1 "the level of 1 deck(s) at C1 or C2"
run -c "BEGIN" -c "SET LOCAL flashcard_schema.allow_data_loss = on" \
    -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'" -c "COMMIT"
is "$RC:$(grep -c '^WARNING:  01000: flashcard_schema.allow_data_loss is on' <<<"$ERR")" "0:1" \
    "SET LOCAL counts: 1.2 -> 1.1 with the loss accepted"
refuses 1.0 "the last login of 1 user(s)"

run -c "ALTER DATABASE $DB RESET flashcard_schema.allow_data_loss" \
    -c "ALTER ROLE $ADMIN SET flashcard_schema.allow_data_loss = on"
is "$RC" 0 "the database value removed; a role-level value stored for another superuser"
DESC="role-level on (ALTER ROLE ... SET)"
RUNAS="as $ADMIN" refuses 1.0 "the last login of 1 user(s)"
grep -qF "DETAIL:  The value from ALTER ROLE ... SET would" <<<"$ERR"
ok $? "$DESC: the warning names ALTER ROLE ... SET"
run -c "ALTER ROLE $ADMIN RESET flashcard_schema.allow_data_loss" \
    -c "ALTER ROLE $ADMIN IN DATABASE $DB SET flashcard_schema.allow_data_loss = on"
DESC="role-in-database on (ALTER ROLE ... IN DATABASE ... SET)"
RUNAS="as $ADMIN" refuses 1.0 "the last login of 1 user(s)"
grep -qF "DETAIL:  The value from ALTER ROLE ... IN DATABASE ... SET would" <<<"$ERR"
ok $? "$DESC: the warning names ALTER ROLE ... IN DATABASE ... SET"
run -c "ALTER ROLE $ADMIN IN DATABASE $DB RESET flashcard_schema.allow_data_loss" \
    -c "ALTER ROLE ALL IN DATABASE $DB SET flashcard_schema.allow_data_loss = on"
DESC="on for every role in the database (ALTER ROLE ALL IN DATABASE)"
refuses 1.0 "the last login of 1 user(s)"
run -c "ALTER ROLE ALL IN DATABASE $DB RESET flashcard_schema.allow_data_loss"

PGOPTIONS="-c flashcard_schema.allow_data_loss=on" run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'"
is "$RC:$ERR" "0:WARNING:  01000: flashcard_schema.allow_data_loss is on: discarding the last login of 1 user(s)" \
    "the connection's own options count: 1.1 -> 1.0 with the loss accepted, no other message"
run -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'"
is "$OUT" "1.0" "now at 1.0"

done_testing
