#!/usr/bin/env bash
# test/t/drop_blockers.t: a DROP of the whole extension that an object outside
# it blocks stops first, in the extension's words (issue 16, its last finding).
#
# The objects: an ordinary role's temporary table, in a session of its own,
# with a column of the row type reviews or of the enum decklevel; the app's
# view over reviews.  DROP EXTENSION flashcard_schema (and DROP SCHEMA
# public CASCADE, DROP OWNED BY its owner), once the drop would go ahead
# (tables empty, or allow_data_loss on), refuses with 2BP01 naming the
# object, its owner (and the process of a temporary one) and the way out:
# without CASCADE any object outside the extension that depends on it
# blocks; with CASCADE only what PostgreSQL would reach into another
# session's temporary schema does (it would drop that session's column, and
# its rows, from under it).  Controls: with the guard's event trigger
# disabled, PostgreSQL's generic error (no CASCADE), or the other session's
# column silently dropped (CASCADE), for the same objects; the session gone,
# the DROP runs; the view and CASCADE, tables empty: the view goes with it.
# On 1.3 the start trigger calls the same C function: the same refusal.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
DB=flashcard_schema_test_drop_blockers
ROLE=flashcard_drop_blocker_role
# The superuser the tests connect as (postgres as root; the user under pg_virtualenv otherwise)
ME=$(psql -X -A -t -d postgres -c "SELECT current_user")
# pg_virtualenv's server asks for passwords over TCP: the role gets one.
PW=drop_blocker_pw

# SQLSTATE, message, DETAIL, HINT and NOTICE lines of what SQL says ("ok" if no
# error); process ids and temporary schema numbers as <pid> and pg_temp_N
refusal() {
    psql -X -q -d "$DB" -v ON_ERROR_STOP=1 2>&1 >/dev/null <<SQL |
\\set VERBOSITY verbose
$1
SQL
        grep -E '^(ERROR|DETAIL|HINT|NOTICE|WARNING|[A-Z][a-z]+ [a-z]+ "|drop cascades)' |
        sed -E 's/process [0-9]+/process <pid>/g; s/pg_terminate_backend\([0-9]+\)/pg_terminate_backend(<pid>)/g;
                s/pg_temp_[0-9]+/pg_temp_N/g'
    [ "${PIPESTATUS[0]}" -eq 0 ] && echo ok
}

# A session of ROLE kept open on a fifo: hold NAME, then say NAME SQL
declare -A FD
hold() {
    local name=$1
    mkfifo "$WORK/$name"
    PGAPPNAME=$name PGPASSWORD=$PW psql -X -q -d "$DB" -U "$ROLE" -v ON_ERROR_STOP=1 <"$WORK/$name" >/dev/null 2>&1 &
    exec {fd}>"$WORK/$name"
    FD[$name]=$fd
}
say() {
    echo "$2" >&"${FD[$1]}"
    for _ in $(seq 100); do
        [ "$(sql "$DB" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1' AND state LIKE 'idle%'")" = 1 ] && return
        sleep 0.1
    done
}
release() {
    eval "exec ${FD[$1]}>&-"
    sql "$DB" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$1'" >/dev/null
    for _ in $(seq 100); do
        [ "$(sql "$DB" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1'")" = 0 ] && return
        sleep 0.1
    done
}
# Whether the other session's temporary table still has its column NAME (1) or not (0)
kept_column() {
    sql "$DB" -c "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  WHERE c.relname = 'kept' AND c.relpersistence = 't' AND a.attname = '$1' AND NOT a.attisdropped"
}
installed() { sql "$DB" -c "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'"; }
LATEST=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" "$TEST_DIR/../../flashcard_schema.control")

OWNER=flashcard_drop_blocker_owner
PGOPTIONS="-c client_min_messages=warning" psql -X -q -c "DROP ROLE IF EXISTS $ROLE" -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PW'" \
    -c "DROP ROLE IF EXISTS $OWNER" -c "CREATE ROLE $OWNER SUPERUSER NOLOGIN" >/dev/null
trap '_cleanup; psql -X -q -c "DROP ROLE IF EXISTS $ROLE" -c "DROP ROLE IF EXISTS $OWNER" >/dev/null 2>&1' EXIT
newdb $DB
sql $DB -c "CREATE EXTENSION flashcard_schema" -c "GRANT USAGE ON SCHEMA public TO $ROLE"
is "$(version $DB)" "$LATEST" "the extension is at the control file's default version"

# --- another role's temporary table of the row type reviews --------------------
hold drop_temp_reviews
say drop_temp_reviews "CREATE TEMP TABLE kept (r public.reviews);"
TEMP_REVIEWS="DETAIL:  Table column \"pg_temp_N.kept.r\", owned by role \"$ROLE\" and temporary to the session of process <pid>, depends on type \"public.reviews\", which DROP EXTENSION drops. Nothing was changed.
HINT:  The drop does not reach into another session's temporary objects: have that session drop it or end it (SELECT pg_terminate_backend(<pid>)), then run DROP EXTENSION again."
is "$(refusal "DROP EXTENSION flashcard_schema")" \
"ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column \"pg_temp_N.kept.r\" depends on type \"public.reviews\"
$TEMP_REVIEWS" \
   "DROP EXTENSION beside another role's temporary table of the row type reviews: 2BP01 naming it, its owner and its session"
is "$(refusal "DROP EXTENSION flashcard_schema CASCADE")" \
"ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column \"pg_temp_N.kept.r\" depends on type \"public.reviews\"
$TEMP_REVIEWS" \
   "... with CASCADE: the same refusal (the cascade would drop the other session's column)"
is "$(refusal "DROP SCHEMA public CASCADE" | head -1)" \
'ERROR:  2BP01: DROP SCHEMA cannot drop flashcard_schema while table column "pg_temp_N.kept.r" depends on type "public.reviews"' \
   "DROP SCHEMA public CASCADE: the same refusal"
is "$(refusal "DROP OWNED BY CURRENT_USER" | head -1)" \
'ERROR:  2BP01: DROP OWNED cannot drop flashcard_schema while table column "pg_temp_N.kept.r" depends on type "public.reviews"' \
   "DROP OWNED BY the extension's owner: the same refusal"
is "$(installed) $(kept_column r)" "1 1" "... nothing changed: the extension and the other session's column are still there"

# Controls: the guard's event trigger disabled, PostgreSQL alone
sql $DB -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE"
is "$(refusal "DROP EXTENSION flashcard_schema")" \
'ERROR:  2BP01: cannot drop extension flashcard_schema because other objects depend on it
DETAIL:  column r of table pg_temp_N.kept depends on type reviews
HINT:  Use DROP ... CASCADE to drop the dependent objects too.' \
   "control, the guard disabled: PostgreSQL's generic error, which names no owner, no session and no way out"
is "$(refusal "BEGIN; DROP EXTENSION flashcard_schema CASCADE; SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               WHERE c.relname = 'kept' AND a.attname = 'r' AND NOT a.attisdropped
               HAVING count(*) = 0; ROLLBACK;")" \
'NOTICE:  00000: drop cascades to column r of table pg_temp_N.kept
ok' \
   "control, the guard disabled, CASCADE: PostgreSQL drops the other session's column from under it"
sql $DB -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE"

# Rows in the tables: the data-loss refusal comes first; with allow_data_loss the blocker still stops the drop
sql $DB -c "INSERT INTO public.users (id, email) VALUES ('a0000000-0000-4000-8000-000000000001', 'eleni@example.gr')"
is "$(refusal "DROP EXTENSION flashcard_schema CASCADE" | head -1)" \
'ERROR:  55000: DROP EXTENSION would drop the tables of flashcard_schema with 1 row of data' \
   "with a row in users: the data-loss refusal first (the drop is not going ahead)"
is "$(refusal "SET flashcard_schema.allow_data_loss = on; DROP EXTENSION flashcard_schema CASCADE;")" \
"ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column \"pg_temp_N.kept.r\" depends on type \"public.reviews\"
$TEMP_REVIEWS" \
   "... with allow_data_loss on: the blocker refuses it, before any data-loss warning"
is "$(sql $DB -c "SELECT count(*) FROM public.users") $(kept_column r)" "1 1" "... the row and the other session's column are still there"
sql $DB -c "DELETE FROM public.users"

# The session ends: the DROP runs
release drop_temp_reviews
is "$(refusal "DROP EXTENSION flashcard_schema")|$(installed)" "ok|0" \
   "the other session ended: DROP EXTENSION runs"
sql $DB -c "CREATE EXTENSION flashcard_schema"

# --- another role's temporary table of the enum decklevel -----------------------
hold drop_temp_level
say drop_temp_level "CREATE TEMP TABLE kept (level public.decklevel);"
TEMP_LEVEL="DETAIL:  Table column \"pg_temp_N.kept.level\", owned by role \"$ROLE\" and temporary to the session of process <pid>, depends on type \"public.decklevel\", which DROP EXTENSION drops. Nothing was changed.
HINT:  The drop does not reach into another session's temporary objects: have that session drop it or end it (SELECT pg_terminate_backend(<pid>)), then run DROP EXTENSION again."
is "$(refusal "DROP EXTENSION flashcard_schema")" \
"ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column \"pg_temp_N.kept.level\" depends on type \"public.decklevel\"
$TEMP_LEVEL" \
   "DROP EXTENSION beside another role's temporary table of decklevel: 2BP01 naming it"
is "$(refusal "DROP EXTENSION flashcard_schema CASCADE")" \
"ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column \"pg_temp_N.kept.level\" depends on type \"public.decklevel\"
$TEMP_LEVEL" \
   "... with CASCADE: the same refusal"
say drop_temp_level "ALTER TABLE kept ALTER COLUMN level TYPE public.decklevel[] USING ARRAY[level];"
is "$(refusal "DROP EXTENSION flashcard_schema CASCADE" | head -1)" \
'ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column "pg_temp_N.kept.level" depends on type "public.decklevel"' \
   "... a column of decklevel[]: the same refusal, naming the element type"
release drop_temp_level
is "$(refusal "DROP EXTENSION flashcard_schema")|$(installed)" "ok|0" \
   "the other session ended: DROP EXTENSION runs"
sql $DB -c "CREATE EXTENSION flashcard_schema"

# --- the current session's own temporary table ------------------------------------
is "$(refusal "CREATE TEMP TABLE mine (r public.reviews); DROP EXTENSION flashcard_schema;" | head -1)" \
'ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column "pg_temp.mine.r" depends on type "public.reviews"' \
   "the session's own temporary table, no CASCADE: refused like any dependent"
is "$(refusal "CREATE TEMP TABLE mine (r public.reviews); BEGIN; DROP EXTENSION flashcard_schema CASCADE; ROLLBACK;" | head -1)" \
'NOTICE:  00000: drop cascades to column r of table mine' \
   "... with CASCADE: it goes with the extension (the session's own)"

# --- the app's view over reviews -----------------------------------------------------
sql $DB -c "CREATE VIEW public.v_reviews AS SELECT id, quality FROM public.reviews"
is "$(refusal "DROP EXTENSION flashcard_schema")" \
'ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while view "public.v_reviews" depends on table "public.reviews"
DETAIL:  View "public.v_reviews", owned by role "'"$ME"'", depends on table "public.reviews", which DROP EXTENSION drops. Nothing was changed.
HINT:  Drop view "public.v_reviews" (and each object listed) first, or add CASCADE to drop them with the extension.' \
   "DROP EXTENSION (no CASCADE) with the app's view over reviews: 2BP01 naming the view and the way out"
sql $DB -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE"
is "$(refusal "DROP EXTENSION flashcard_schema" | head -2)" \
'ERROR:  2BP01: cannot drop extension flashcard_schema because other objects depend on it
DETAIL:  view v_reviews depends on table reviews' \
   "control, the guard disabled: PostgreSQL's generic error for the same view"
sql $DB -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE"
is "$(refusal "DROP EXTENSION flashcard_schema CASCADE")|$(installed)|$(sql $DB -c "SELECT count(*) FROM pg_views WHERE viewname = 'v_reviews'")" \
'NOTICE:  00000: drop cascades to view v_reviews
ok|0|0' \
   "DROP EXTENSION ... CASCADE with the view, tables empty: goes ahead, the view dropped with it"

# --- the view a member of another extension dropped by the same statement -----
sql $DB -c "CREATE EXTENSION flashcard_schema" -c "CREATE VIEW public.v_reviews AS SELECT id, quality FROM public.reviews" \
    -c "CREATE EXTENSION pgtap" -c "ALTER EXTENSION pgtap ADD VIEW public.v_reviews"
is "$(refusal "DROP EXTENSION flashcard_schema" | head -1)" \
'ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while view "public.v_reviews" depends on table "public.reviews"' \
   "control: the view, a member of another extension (pgtap) that stays, blocks DROP EXTENSION flashcard_schema"
is "$(refusal "DROP EXTENSION pgtap, flashcard_schema")|$(installed)|$(sql $DB -c "SELECT count(*) FROM pg_views WHERE viewname = 'v_reviews'")" \
   "ok|0|0" \
   "DROP EXTENSION pgtap, flashcard_schema (no CASCADE): the view goes with pgtap, as PostgreSQL allows; nothing refused"

# --- 1.3: its start trigger calls the same C function ---------------------------
sql $DB -c "CREATE EXTENSION flashcard_schema VERSION '1.3'"
hold drop_temp_13
say drop_temp_13 "CREATE TEMP TABLE kept (r public.reviews);"
is "$(refusal "DROP EXTENSION flashcard_schema CASCADE")" \
"ERROR:  2BP01: DROP EXTENSION cannot drop flashcard_schema while table column \"pg_temp_N.kept.r\" depends on type \"public.reviews\"
$TEMP_REVIEWS" \
   "1.3 with the new library: the same refusal (its event trigger calls the same function)"
release drop_temp_13
is "$(refusal "DROP EXTENSION flashcard_schema")|$(installed)" "ok|0" "1.3, the session ended: DROP EXTENSION runs"

# --- DROP OWNED BY the role owning both the extension and a view over reviews -----
sql $DB -c "SET ROLE $OWNER" -c "CREATE EXTENSION flashcard_schema" -c "CREATE VIEW public.v_owned AS SELECT id FROM public.reviews"
is "$(refusal "BEGIN; DROP OWNED BY $OWNER; SELECT 1 FROM pg_extension WHERE extname = 'flashcard_schema' HAVING count(*) = 0; ROLLBACK;")" "ok" \
   "DROP OWNED BY the owner of both the extension and a view over reviews, tables empty: goes ahead (the view is the role's, dropped too)"
hold drop_temp_owned
say drop_temp_owned "CREATE TEMP TABLE kept (r public.reviews);"
is "$(refusal "DROP OWNED BY $OWNER" | head -1)" \
'ERROR:  2BP01: DROP OWNED cannot drop flashcard_schema while table column "pg_temp_N.kept.r" depends on type "public.reviews"' \
   "... with another role's temporary table of reviews: refused"
release drop_temp_owned
sql $DB -c "DROP OWNED BY $OWNER"
is "$(installed)" "0" "... the session ended: DROP OWNED runs"

done_testing
