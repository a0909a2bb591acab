#!/usr/bin/env bash
# test/t/drop_guard.t: one statement cannot drop every learner's data.
#
# At 1.3, DROP EXTENSION flashcard_schema, DROP SCHEMA <its schema> CASCADE,
# DROP EXTENSION plpgsql CASCADE (which it requires) and DROP OWNED BY the
# extension's owner each refuse (55000) while any of the eight tables has
# rows, naming the tables and their row counts, before anything is dropped;
# with flashcard_schema.allow_data_loss on in the session they go ahead with
# a WARNING naming what was dropped; with empty tables they go ahead
# silently.  A value stored with ALTER DATABASE does not disarm the guard.
# A role that may not run the DROP learns nothing (PostgreSQL's own 42501).
# The guard cannot be removed or disabled by the database owner, and
# pg_restore --clean over a populated database is refused unless the
# restoring session allows it.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
APP=flashcard_guard_app
OTHER=flashcard_guard_other
PW=guard_pw
DB=flashcard_schema_test_guard

run() {  # run psql (as PGUSER) on DB; sets OUT, ERR, RC; SQLSTATEs shown
    psql -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -v SHOW_CONTEXT=never -d $DB "$@" \
        >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(grep -v '^LOCATION:' "$WORK/err")
}
as() { local role=$1; shift; PGUSER=$role PGPASSWORD=$PW "$@"; }
intact() {  # intact DESC: the extension and every row are still there
    is "$(version $DB) $(digests $DB | md5sum)" "$INSTALLED $(md5sum <<<"$ROWS")" "$1: nothing was dropped (still $INSTALLED, every row intact)"
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
DROP ROLE IF EXISTS $APP;
DROP ROLE IF EXISTS $OTHER;
CREATE ROLE $APP LOGIN PASSWORD '$PW';
CREATE ROLE $OTHER LOGIN PASSWORD '$PW';
SQL
createdb -O $APP -T template0 -E UTF8 $DB
ok $? "a database owned by the application's role, and another ordinary role"
trap 'dropdb --if-exists --force $DB >/dev/null 2>&1; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $APP" -c "DROP ROLE IF EXISTS $OTHER" >/dev/null 2>&1; _cleanup' EXIT

POPULATE="
INSERT INTO users (id, email) VALUES ('a0000000-0000-4000-8000-000000000001', 'eleni@example.gr'),
                                     ('a0000000-0000-4000-8000-000000000002', 'nikos@example.com');
INSERT INTO user_settings (user_id) VALUES ('a0000000-0000-4000-8000-000000000001');
INSERT INTO decks (id, name, level) VALUES ('d0000000-0000-4000-8000-000000000001', 'Χαιρετισμοί', 'A1');
INSERT INTO cards (id, deck_id, front_text, back_text) VALUES
  ('e0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'Γεια', 'Hi'),
  ('e0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', 'Ναι', 'Yes'),
  ('e0000000-0000-4000-8000-000000000003', 'd0000000-0000-4000-8000-000000000001', 'Όχι', 'No');
INSERT INTO reviews (user_id, card_id, quality, time_taken) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 4, 3);"
# 1.4, not the default: the rows below are 1.4's (a later revision may lack decks.name)
as $APP run -c "CREATE EXTENSION flashcard_schema VERSION '1.4'" -c "$POPULATE"
ok $RC "the owner installs the default version and writes 2 users, 1 setting, 1 deck, 3 cards, 1 review"
ROWS=$(digests $DB)
INSTALLED=$(version $DB)

REFUSAL="would drop the tables of flashcard_schema with 8 rows of data
DETAIL:  Rows that would be lost: users: 2 rows, user_settings: 1 row, decks: 1 row, cards: 3 rows, reviews: 1 row.
HINT:  Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them (for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on')."

as $APP run -c "DROP EXTENSION flashcard_schema"
is "$RC:$ERR" "1:ERROR:  55000: DROP EXTENSION $REFUSAL" \
   "DROP EXTENSION by its owner: refused (55000), naming each table with rows and how many, and the way out"
intact "DROP EXTENSION"
as $APP run -c "DROP EXTENSION flashcard_schema CASCADE"
is "$RC:$(head -1 <<<"$ERR")" "1:ERROR:  55000: DROP EXTENSION would drop the tables of flashcard_schema with 8 rows of data" \
   "DROP EXTENSION ... CASCADE: refused"
as $APP run -c "DROP SCHEMA public CASCADE"
is "$RC:$ERR" "1:ERROR:  55000: DROP SCHEMA $REFUSAL" "DROP SCHEMA public CASCADE by the database owner: refused"
intact "DROP SCHEMA public CASCADE"
as $APP run -c "DROP SCHEMA public"
is "$RC:$(head -1 <<<"$ERR")" "1:ERROR:  2BP01: cannot drop schema public because other objects depend on it" \
   "DROP SCHEMA public without CASCADE: PostgreSQL's own refusal, the guard stays out of it"
as $APP run -c "DROP OWNED BY $APP"
is "$RC:$ERR" "1:ERROR:  55000: DROP OWNED $REFUSAL" "DROP OWNED BY the extension's owner: refused"
as $APP run -c "DROP OWNED BY CURRENT_USER CASCADE"
is "$RC:$(head -1 <<<"$ERR")" "1:ERROR:  55000: DROP OWNED would drop the tables of flashcard_schema with 8 rows of data" \
   "DROP OWNED BY CURRENT_USER CASCADE: refused"
run -c "DROP EXTENSION plpgsql CASCADE"
is "$RC:$(head -1 <<<"$ERR")" "1:ERROR:  55000: DROP EXTENSION would drop the tables of flashcard_schema with 8 rows of data" \
   "a superuser's DROP EXTENSION plpgsql CASCADE (flashcard_schema requires it): refused too"
run -c "DROP SCHEMA public, pg_temp CASCADE"
is "$RC:$(head -1 <<<"$ERR")" "1:ERROR:  55000: DROP SCHEMA would drop the tables of flashcard_schema with 8 rows of data" \
   "DROP SCHEMA naming the schema among others: refused"
intact "every refused DROP"

as $OTHER run -c "DROP EXTENSION flashcard_schema"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of extension flashcard_schema" \
   "a role that may not drop it gets PostgreSQL's own 42501 and no row counts"
as $OTHER run -c "DROP SCHEMA public CASCADE"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of schema public" "... likewise for DROP SCHEMA public CASCADE"
as $APP run -c "DROP EXTENSION plpgsql CASCADE"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of extension plpgsql" \
   "... and for DROP EXTENSION plpgsql CASCADE by the database owner (it does not own plpgsql)"

as $APP run -c "CREATE SCHEMA scratch" -c "CREATE TABLE scratch.t (x int)" -c "INSERT INTO scratch.t VALUES (1)" \
    -c "DROP SCHEMA scratch CASCADE"
is "$RC:$ERR" "0:NOTICE:  00000: drop cascades to table scratch.t" "an unrelated DROP SCHEMA ... CASCADE runs as usual"
run -c "DROP OWNED BY $OTHER"
is "$RC:$ERR" "0:" "... and so does an unrelated DROP OWNED"

# --- the guard stays in place ---------------------------------------------
as $APP run -c "DROP EVENT TRIGGER flashcard_schema_drop_guard"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of event trigger flashcard_schema_drop_guard" \
   "the database owner cannot drop the guard"
as $APP run -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of event trigger flashcard_schema_drop_guard" "... nor disable it"
as $APP run -c "ALTER EXTENSION flashcard_schema DROP EVENT TRIGGER flashcard_schema_drop_guard"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of event trigger flashcard_schema_drop_guard" "... nor take it out of the extension"
as $APP run -c "ALTER EXTENSION flashcard_schema DROP TABLE users"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of table users" "... nor take a table out of the extension to drop it alone"
run -c "DROP EVENT TRIGGER flashcard_schema_drop_guard"
is "$RC:$(head -1 <<<"$ERR")" "1:ERROR:  2BP01: cannot drop event trigger flashcard_schema_drop_guard because extension flashcard_schema requires it" \
   "a superuser cannot drop it alone either (an extension member)"

# --- stored settings do not disarm it; the session's own setting does -----
run -c "ALTER DATABASE $DB SET flashcard_schema.allow_data_loss = on"
as $APP run -c "DROP EXTENSION flashcard_schema"
is "$RC:$(grep '^ERROR' <<<"$ERR")" "1:ERROR:  55000: DROP EXTENSION would drop the tables of flashcard_schema with 8 rows of data" \
   "ALTER DATABASE ... SET allow_data_loss = on (stored by a superuser) does not disarm the guard"
grep -q '^WARNING:  55P02: flashcard_schema.allow_data_loss can be turned on only by the session' <<<"$ERR"
ok $? "... and the stored value is reported as ignored"
run -c "ALTER DATABASE $DB RESET flashcard_schema.allow_data_loss"

as $APP run -c "SET flashcard_schema.allow_data_loss = on" -c "BEGIN" -c "DROP SCHEMA public CASCADE" \
    -c "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'" -c "ROLLBACK"
is "$RC:$OUT" "0:0" "SET allow_data_loss = on in the session: DROP SCHEMA public CASCADE goes ahead (rolled back here)"
is "$(grep -v '^NOTICE\|^DETAIL:  drop cascades\|^[a-z]' <<<"$ERR" | head -2)" \
   "WARNING:  01000: flashcard_schema.allow_data_loss is on: DROP SCHEMA drops the tables of flashcard_schema with 8 rows of data
DETAIL:  Rows dropped: users: 2 rows, user_settings: 1 row, decks: 1 row, cards: 3 rows, reviews: 1 row." \
   "... with a WARNING naming what it drops"

# --- pg_restore --clean ---------------------------------------------------
as $APP pg_dump -Fc -f "$WORK/guard.dump" $DB
as $APP pg_restore --clean --if-exists --exit-on-error --single-transaction -d $DB "$WORK/guard.dump" 2>"$WORK/err"
is "$?:$(grep -o 'ERROR:.*' "$WORK/err" | head -1)" "1:ERROR:  DROP EXTENSION would drop the tables of flashcard_schema with 8 rows of data" \
   "pg_restore --clean over the populated database: refused"
intact "the refused pg_restore --clean"
PGOPTIONS="-c flashcard_schema.allow_data_loss=on" as $APP \
    pg_restore --clean --if-exists --exit-on-error --single-transaction -d $DB "$WORK/guard.dump" 2>"$WORK/err"
ok $? "pg_restore --clean with PGOPTIONS='-c flashcard_schema.allow_data_loss=on': restores"
intact "the deliberate pg_restore --clean"

# --- empty tables: nothing to lose ----------------------------------------
as $APP run -c "DELETE FROM reviews" -c "DELETE FROM users" -c "DELETE FROM decks" -c "DROP EXTENSION flashcard_schema"
is "$RC:$ERR" "0:" "with every table empty, DROP EXTENSION goes ahead without a word"
is "$(version $DB)" "" "the extension is gone"

done_testing
