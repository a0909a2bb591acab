#!/usr/bin/env bash
# test/t/temp_objects.t: no temporary object changes verify()'s answer.
#
# From 1.3 the functions run with search_path = pg_catalog, <schema>,
# pg_temp: a session's temporary types and tables named like every enum and
# table of the contract (with other labels and columns) leave verify()'s
# rows exactly as in a clean session, and assert() quiet; so do temporary
# functions named like the extension's (verify() finds its functions in the
# extension's schema, never by name across pg_temp).  The same objects
# at 1.2 (pg_temp implicitly first) do change verify()'s answer: that is
# the defect 1.3 fixes, and shows this test can fail.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
DB=flashcard_schema_test_temp

SHADOWS="
CREATE TYPE pg_temp.decklevel AS ENUM ('X1', 'X2');
CREATE TYPE pg_temp.carddifficulty AS ENUM ('TRIVIAL');
CREATE TYPE pg_temp.cardstatus AS ENUM ('GONE');
CREATE TYPE pg_temp.reviewrating AS ENUM ('MEH');
CREATE TEMP TABLE users (id int, email text);
CREATE TEMP TABLE user_settings (id int);
CREATE TEMP TABLE refresh_tokens (id int);
CREATE TEMP TABLE decks (id int, level pg_temp.decklevel);
CREATE TEMP TABLE cards (id int, difficulty pg_temp.carddifficulty DEFAULT 'TRIVIAL');
CREATE TEMP TABLE user_deck_progress (id int);
CREATE TEMP TABLE card_statistics (id int, status pg_temp.cardstatus);
CREATE TEMP TABLE reviews (id int, quality pg_temp.reviewrating);
CREATE INDEX ix_users_email ON users (id);
CREATE INDEX ix_decks_level ON decks (id);
CREATE TEMP VIEW flashcard_schema_verify AS SELECT 1 AS ok;
CREATE FUNCTION pg_temp.flashcard_schema_verify(version integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION pg_temp.flashcard_schema_status(verbose boolean DEFAULT false) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION pg_temp.flashcard_schema_assert(strict integer) RETURNS int LANGUAGE sql AS 'SELECT 1';"
VERIFY="SELECT object_type, object_name, check_name, ok, expected, actual FROM public.flashcard_schema_verify() ORDER BY 1, 2, 3, 5"

newdb $DB
sql $DB -c "CREATE EXTENSION flashcard_schema"
ok $? "installed at the default version"
clean=$(sql $DB -c "$VERIFY")
is "$(sql $DB -c "SELECT count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify()")" "0" "a clean session: every check passes"
shadowed=$(sql $DB -c "$SHADOWS" -c "$VERIFY")
is "$shadowed" "$clean" "temporary types and tables named like every contract object: verify() answers exactly as in a clean session"
sql $DB -c "$SHADOWS" -c "SELECT public.flashcard_schema_assert()" -c "SELECT public.flashcard_schema_revision()" >/dev/null 2>"$WORK/err"
is "$?:$(cat "$WORK/err")" "0:" "... and assert() stays quiet"
V12="SELECT object_type, object_name, check_name, ok, expected, actual FROM public.flashcard_schema_verify('1.2') ORDER BY 1, 2, 3, 5"
is "$(sql $DB -c "$SHADOWS" -c "$V12")" "$(sql $DB -c "$V12")" \
   "... and verify('1.2') of the $(version $DB) database too answers exactly as in a clean session"

sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
clean12=$(sql $DB -c "$VERIFY")
shadowed12=$(sql $DB -c "$SHADOWS" -c "$VERIFY")
[ "$shadowed12" != "$clean12" ]
ok $? "control: at 1.2 (pg_temp searched first) the same temporary objects do change verify()'s answer"
sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE"
is "$(sql $DB -c "$SHADOWS" -c "$VERIFY")" "$clean" "back at the default version: unaffected again"

done_testing
