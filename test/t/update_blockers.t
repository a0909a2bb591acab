#!/usr/bin/env bash
# test/t/update_blockers.t: an update or downgrade that another role's object
# blocks stops first, in the extension's words (issue 16 item 3, issue 17).
#
# The objects: a view over reviews.quality (its type changes between 1.2 and
# 1.3), a view calling flashcard_schema_status() (dropped and re-created
# between 1.2 and 1.3), a function whose SQL body reads reviews.quality, an
# ordinary role's temporary table with a column of the row type reviews or
# of the enum decklevel (rebuilt from 1.2 to 1.1), an app's function taking
# decklevel, and an open transaction holding a lock on a table the route
# alters.  Each route that passes a hook (the DROP guard's event trigger on
# ALTER EXTENSION from 1.3, the update script to 1.3) refuses before
# anything changes with 2BP01, 55P03 or (an overload of the extension's
# functions whose arguments all have defaults, which makes the scripts' own
# calls ambiguous) 42725, naming the object, its owner (and
# the process of a temporary one) and the way out; the version and the
# object stay.  Controls: from 1.2 down to 1.1 no released script has a
# hook, and PostgreSQL's generic error stands (the same object, so the
# object does block); objects the routes do not touch (a view over
# reviews.id, a function taking the row type) block nothing.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
DB=flashcard_schema_test_blockers
ROLE=flashcard_blocker_role
# The superuser the tests connect as (postgres as root; the user under pg_virtualenv otherwise)
ME=$(psql -X -A -t -d postgres -c "SELECT current_user")
# pg_virtualenv's server asks for passwords over TCP: the role gets one.
PW=blocker_pw

# SQLSTATE, message, DETAIL and HINT of the error SQL raises ("ok" if none);
# process ids and temporary schema numbers as <pid> and pg_temp_N
refusal() {
    psql -X -q -d "$DB" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose 2>&1 >/dev/null <<SQL |
\\set VERBOSITY verbose
$1
SQL
        grep -E '^(ERROR|DETAIL|HINT|[A-Z][a-z]+ [a-z]+ ")' |
        sed -E 's/process [0-9]+/process <pid>/g; s/Process [0-9]+/Process <pid>/g;
                s/pg_terminate_backend\([0-9]+\)/pg_terminate_backend(<pid>)/g;
                s/pg_temp_[0-9]+/pg_temp_N/g; s/transaction started [^)]*\)/transaction started <time>)/g'
    [ "${PIPESTATUS[0]}" -eq 0 ] && echo ok
}

# A session of ROLE (or the superuser) kept open on a fifo: hold NAME ROLE, then say NAME SQL
declare -A FD
hold() {
    local name=$1 role=$2
    mkfifo "$WORK/$name"
    local pw=${PGPASSWORD:-}
    [ "$role" = "$ROLE" ] && pw=$PW
    PGAPPNAME=$name PGPASSWORD=$pw psql -X -q -d "$DB" -U "$role" -v ON_ERROR_STOP=1 <"$WORK/$name" >/dev/null 2>&1 &
    exec {fd}>"$WORK/$name"
    FD[$name]=$fd
}
say() {
    echo "$2" >&"${FD[$1]}"
    # wait until the session has run it (idle or idle in transaction)
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

PGOPTIONS="-c client_min_messages=warning" psql -X -q -c "DROP ROLE IF EXISTS $ROLE" -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PW'" >/dev/null
trap '_cleanup; psql -X -q -c "DROP ROLE IF EXISTS $ROLE" >/dev/null 2>&1' EXIT
newdb $DB
sql $DB -c "CREATE EXTENSION flashcard_schema VERSION '1.3'" -c "GRANT USAGE ON SCHEMA public TO $ROLE"

# --- a view over the column 1.2 <-> 1.3 retypes ------------------------------
sql $DB -c "CREATE VIEW public.v_quality AS SELECT id, quality FROM public.reviews"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.2 while view "public.v_quality" depends on table column "public.reviews.quality"
DETAIL:  View "public.v_quality", owned by role "'"$ME"'", depends on table column "public.reviews.quality", which the downgrade changes the type of. Nothing was changed.
HINT:  Drop view "public.v_quality" (and each object listed), run the downgrade, then create it again.' \
   "1.3 -> 1.2 with a view over reviews.quality: 2BP01 naming the view, its owner and the way out"
is "$(version $DB) $(sql $DB -c "SELECT count(*) FROM pg_views WHERE viewname = 'v_quality'")" "1.3 1" \
   "... nothing changed: still 1.3, the view still there"
sql $DB -c "DROP VIEW public.v_quality" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" \
    -c "CREATE VIEW public.v_quality AS SELECT id, quality FROM public.reviews"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")" \
'ERROR:  2BP01: cannot update flashcard_schema to 1.3 while view "public.v_quality" depends on table column "public.reviews.quality"
DETAIL:  View "public.v_quality", owned by role "'"$ME"'", depends on table column "public.reviews.quality", which the update changes the type of. Nothing was changed.
HINT:  Drop view "public.v_quality" (and each object listed), run the update, then create it again.' \
   "1.2 -> 1.3 (the update script's hook) with the same view: the same refusal"
sql $DB -c "DROP VIEW public.v_quality" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"

# --- a view calling status(), dropped and re-created between 1.2 and 1.3 -----
sql $DB -c "CREATE VIEW public.v_status AS SELECT installed_version FROM public.flashcard_schema_status()"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.2 while view "public.v_status" depends on function "public.flashcard_schema_status()"
DETAIL:  View "public.v_status", owned by role "'"$ME"'", depends on function "public.flashcard_schema_status()", which the downgrade drops and re-creates. Nothing was changed.
HINT:  Drop view "public.v_status" (and each object listed), run the downgrade, then create it again.' \
   "1.3 -> 1.2 with a view calling flashcard_schema_status(): 2BP01 naming the view"
sql $DB -c "DROP VIEW public.v_status" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" \
    -c "CREATE VIEW public.v_status AS SELECT installed_version FROM public.flashcard_schema_status()"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")" \
'ERROR:  2BP01: cannot update flashcard_schema to 1.3 while view "public.v_status" depends on function "public.flashcard_schema_status()"
DETAIL:  View "public.v_status", owned by role "'"$ME"'", depends on function "public.flashcard_schema_status()", which the update drops and re-creates. Nothing was changed.
HINT:  Drop view "public.v_status" (and each object listed), run the update, then create it again.' \
   "1.2 -> 1.3 with a view calling flashcard_schema_status(): the same refusal"
sql $DB -c "DROP VIEW public.v_status" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"

# --- a function whose SQL body reads reviews.quality -------------------------
sql $DB -c "CREATE FUNCTION public.mean_quality() RETURNS numeric LANGUAGE sql
            BEGIN ATOMIC SELECT avg(quality::text::int) FROM public.reviews; END"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.2 while function "public.mean_quality()" depends on table column "public.reviews.quality"
DETAIL:  Function "public.mean_quality()", owned by role "'"$ME"'", depends on table column "public.reviews.quality", which the downgrade changes the type of. Nothing was changed.
HINT:  Drop function "public.mean_quality()" (and each object listed), run the downgrade, then create it again.' \
   "1.3 -> 1.2 with a function whose body reads reviews.quality: 2BP01 naming it"
sql $DB -c "DROP FUNCTION public.mean_quality()"

# --- objects the routes do not touch block nothing ---------------------------
sql $DB -c "CREATE VIEW public.v_ids AS SELECT id FROM public.reviews" \
        -c "CREATE FUNCTION public.takes_review(r public.reviews) RETURNS uuid LANGUAGE sql AS 'SELECT r.id'"
is "$(refusal "BEGIN; ALTER EXTENSION flashcard_schema UPDATE TO '1.2'; ROLLBACK;")" "ok" \
   "a view over reviews.id and a function taking the row type reviews block nothing"
sql $DB -c "DROP VIEW public.v_ids" -c "DROP FUNCTION public.takes_review(public.reviews)"

# --- an ordinary role's temporary table of the row type reviews --------------
hold blk_temp_reviews $ROLE
say blk_temp_reviews "CREATE TEMP TABLE kept (r public.reviews);"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")" \
"ERROR:  2BP01: cannot downgrade flashcard_schema to 1.2 while table column \"pg_temp_N.kept.r\" depends on type \"public.reviews\"
DETAIL:  Table column \"pg_temp_N.kept.r\", owned by role \"$ROLE\" and temporary to the session of process <pid>, depends on type \"public.reviews\", which the downgrade changes the row type of. Nothing was changed.
HINT:  A temporary object goes when its session ends: have that session drop it or end it (SELECT pg_terminate_backend(<pid>)), then run the downgrade again." \
   "1.3 -> 1.2 with another role's temporary table of the row type reviews: 2BP01 naming it, its owner and its session"
release blk_temp_reviews

# --- an ordinary role's temporary table of decklevel (rebuilt 1.2 -> 1.1) ----
hold blk_temp_level $ROLE
say blk_temp_level "CREATE TEMP TABLE kept (level public.decklevel);"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'")" \
"ERROR:  2BP01: cannot downgrade flashcard_schema to 1.1 while table column \"pg_temp_N.kept.level\" depends on type \"public.decklevel\"
DETAIL:  Table column \"pg_temp_N.kept.level\", owned by role \"$ROLE\" and temporary to the session of process <pid>, depends on type \"public.decklevel\", which the downgrade re-creates. Nothing was changed.
HINT:  A temporary object goes when its session ends: have that session drop it or end it (SELECT pg_terminate_backend(<pid>)), then run the downgrade again." \
   "1.3 -> 1.1 (checked whole at its start) with another role's temporary table of decklevel: 2BP01 naming it"
sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'" | head -2)" \
'ERROR:  2BP01: cannot drop type decklevel_before_1_1 because other objects depend on it
DETAIL:  column level of table pg_temp_N.kept depends on type decklevel_before_1_1' \
   "control: 1.2 -> 1.1 has no hook in the released scripts, and PostgreSQL's generic error stands"
release blk_temp_level
sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"

# --- an app's function taking decklevel ----------------------------------------
sql $DB -c "CREATE FUNCTION public.level_rank(l public.decklevel) RETURNS int LANGUAGE sql AS 'SELECT 1'"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.1 while function "public.level_rank(public.decklevel)" depends on type "public.decklevel"
DETAIL:  Function "public.level_rank(public.decklevel)", owned by role "'"$ME"'", depends on type "public.decklevel", which the downgrade re-creates. Nothing was changed.
HINT:  Drop function "public.level_rank(public.decklevel)" (and each object listed), run the downgrade, then create it again.' \
   "1.3 -> 1.1 with an app's function taking decklevel: 2BP01 naming it"
sql $DB -c "DROP FUNCTION public.level_rank(public.decklevel)"

# --- the app's own table with a column of decklevel (issue 17) ---------------
sql $DB -c "CREATE TABLE public.app_goals (id int PRIMARY KEY, target public.decklevel)"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.1 while table column "public.app_goals.target" depends on type "public.decklevel"
DETAIL:  Table column "public.app_goals.target", owned by role "'"$ME"'", depends on type "public.decklevel", which the downgrade re-creates. Nothing was changed.
HINT:  Drop table column "public.app_goals.target" (and each object listed), run the downgrade, then create it again.' \
   "1.3 -> 1.1 with the app's table column of decklevel: 2BP01 naming it"
sql $DB -c "DROP TABLE public.app_goals"

# --- an overload with defaults in the extension's schema ----------------------
sql $DB -c "CREATE FUNCTION public.flashcard_schema_revision(verbose boolean DEFAULT false) RETURNS text LANGUAGE sql AS 'SELECT 1'"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")" \
'ERROR:  42725: cannot downgrade flashcard_schema to 1.2 while function "public.flashcard_schema_revision(boolean)" makes calls of flashcard_schema_revision() ambiguous
DETAIL:  It is not the extension'"'"'s, it is owned by role "'"$ME"'", and all its arguments have defaults: a call of flashcard_schema_revision() without arguments, as the extension'"'"'s scripts and its documentation make, matches it as well as the extension'"'"'s own. Nothing was changed.
HINT:  Drop or rename function "public.flashcard_schema_revision(boolean)", run the downgrade again, and keep others from creating functions in schema "public" (REVOKE CREATE ON SCHEMA ... FROM PUBLIC).' \
   "1.3 -> 1.2 with an overload of revision() whose arguments all have defaults: 42725 in our words, before the script's call"
sql $DB -c "DROP FUNCTION public.flashcard_schema_revision(boolean)" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" \
    -c "CREATE FUNCTION public.flashcard_schema_revision(verbose boolean DEFAULT false) RETURNS text LANGUAGE sql AS 'SELECT 1'"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'" | head -1)" \
'ERROR:  42725: function public.flashcard_schema_revision() is not unique' \
   "control: 1.2 -> 1.1 (no hook) breaks in the released script's own call"
sql $DB -c "DROP FUNCTION public.flashcard_schema_revision(boolean)" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"

# --- an open transaction holding a lock on the table the route alters --------
hold blk_locker $ROLE
sql $DB -c "GRANT SELECT ON public.reviews TO $ROLE"
say blk_locker "BEGIN; SELECT count(*) FROM public.reviews;"
is "$(refusal "SET lock_timeout = '1s'; ALTER EXTENSION flashcard_schema UPDATE TO '1.2';")" \
"ERROR:  55P03: could not lock table reviews to downgrade flashcard_schema to 1.2
DETAIL:  Process <pid> (role \"$ROLE\", idle in transaction, transaction started <time>) holds AccessShareLock. Its lock was held for longer than lock_timeout (1s). Nothing was changed.
HINT:  Retry the downgrade when that transaction has finished (SELECT pg_terminate_backend(<pid>) ends its session), or raise lock_timeout for this session." \
   "1.3 -> 1.2 while an idle transaction holds a lock on reviews: 55P03 naming its process, role and state"
release blk_locker
sql $DB -c "REVOKE SELECT ON public.reviews FROM $ROLE"

# --- a lock let go within the bound: the route waits, then runs, quietly ------
sql $DB -c "BEGIN" -c "LOCK TABLE public.reviews IN ACCESS SHARE MODE" -c "SELECT pg_sleep(1)" -c "COMMIT" >/dev/null &
for _ in $(seq 50); do
    [ "$(sql $DB -c "SELECT count(*) FROM pg_locks WHERE relation = 'public.reviews'::regclass AND pid <> pg_backend_pid()
                               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" != 0 ] && break
    sleep 0.1
done
out=$(psql -X -q -d $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" 2>&1)
wait
is "$out|$(version $DB)" "|1.2" \
   "1.3 -> 1.2 behind a lock held for a second: waits, then runs, with no warning (the probe lets its lock go cleanly)"
sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"

# --- with every blocker gone, the routes run ------------------------------------
sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"
is "$(version $DB) $(failed_checks $DB | cut -d' ' -f1)" "1.3 0" "with the blockers gone: 1.3 -> 1.1 -> 1.3 runs, every check passes"

# --- 1.4 -> 1.3 drops 1.4's columns: a view over one blocks it -------------------
sql $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'" \
        -c "CREATE VIEW public.v_login AS SELECT id, auth0_id FROM public.users"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.3 while view "public.v_login" depends on table column "public.users.auth0_id"
DETAIL:  View "public.v_login", owned by role "'"$ME"'", depends on table column "public.users.auth0_id", which the downgrade drops. Nothing was changed.
HINT:  Drop view "public.v_login" (and each object listed), run the downgrade, then create it again.' \
   "1.4 -> 1.3 with a view over users.auth0_id (a 1.4 column): 2BP01 naming the view (the contract says what goes)"
sql $DB -c "DROP VIEW public.v_login"

# --- the app's foreign keys into the tables (1.4 grants REFERENCES) ------------
sql $DB -c "CREATE TABLE public.app_login (auth0_id varchar(255) REFERENCES public.users (auth0_id))"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")" \
'ERROR:  2BP01: cannot downgrade flashcard_schema to 1.3 while table constraint "app_login_auth0_id_fkey on public.app_login" depends on table column "public.users.auth0_id"
DETAIL:  Table constraint "app_login_auth0_id_fkey on public.app_login", owned by role "'"$ME"'", depends on table column "public.users.auth0_id", which the downgrade drops. Nothing was changed.
HINT:  Drop table constraint "app_login_auth0_id_fkey on public.app_login" (and each object listed), run the downgrade, then create it again.' \
   "1.4 -> 1.3 with the app's foreign key into users.auth0_id (a 1.4 column): 2BP01 naming the constraint"
sql $DB -c "DROP TABLE public.app_login" -c "CREATE TABLE public.app_notes (user_id uuid REFERENCES public.users (id))"
is "$(refusal "BEGIN; ALTER EXTENSION flashcard_schema UPDATE TO '1.0'; ROLLBACK;")" "ok" \
   "the app's foreign key into users.id blocks no route (1.4 -> 1.0)"
sql $DB -c "DROP TABLE public.app_notes"

# --- 1.4's downgrade script itself never calls a function by name --------------
# (with the DROP guard disabled, no precheck runs: the script must still work
# beside an overload of revision() whose arguments all have defaults)
sql $DB -c "CREATE FUNCTION public.flashcard_schema_revision(verbose boolean DEFAULT false) RETURNS text LANGUAGE sql AS 'SELECT 1'" \
        -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE"
is "$(refusal "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'")" "ok" \
   "1.4 -> 1.3 beside an ambiguous overload of revision(), without the precheck: the script loads the library, calls nothing by name"
sql $DB -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE" -c "DROP FUNCTION public.flashcard_schema_revision(boolean)"
is "$(version $DB)" "1.3" "... and the database is at 1.3"

done_testing
