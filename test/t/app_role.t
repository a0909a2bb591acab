#!/usr/bin/env bash
# test/t/app_role.t: the application's role works without a superuser.
#
# The database's owner, a non-superuser (the role the application connects
# as, which owned the tables under Alembic), installs the extension itself,
# reads and writes every row of the eight tables, uses every function, moves
# the extension down to 1.0 and back up, dumps the database and restores it
# into a new database it owns: no superuser takes part in any of it (one
# creates the role and the two empty databases, as an administrator would).
# From 1.4 it also keys its own tables into them (REFERENCES), uses the
# enum types in its own columns, and TRUNCATEs them, as the application's
# own schema and seed-and-reset code do.  It cannot change the schema any
# other way: ALTER, indexes, triggers, rules, policies, row security,
# comments, enum labels, dropping a table or taking it out of the extension
# all fail with 42501 (or, for DROP of a member, 2BP01: it owns the schema,
# but the extension holds its members).  The table privileges are
# the same whoever installs or updates.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
APP=flashcard_app
PW=app_role_pw
DB=flashcard_schema_test_app
DB2=flashcard_schema_test_app_restored
REF=flashcard_schema_test_app_ref

app() {  # app DB: psql as the application's role, SQL on stdin
    local db=$1; shift
    PGUSER=$APP PGPASSWORD=$PW psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
state() {  # state SQL: SQLSTATE of SQL run by the application's role in DB ('00000': it worked)
    app $DB -v sql="$1" <<SQL
\\i $TEST_DIR/data_helpers.psql
SELECT state FROM pg_temp.error_of(:'sql');
SQL
}
acls() {  # acls DB: each table's privileges, the role that installed shown as OWNER
    sql "$1" <<'SQL'
SELECT c.relname || ': ' || pg_catalog.replace(
           pg_catalog.array_to_string(COALESCE(c.relacl, pg_catalog.acldefault('r', c.relowner)), ' '),
           c.relowner::pg_catalog.regrole::pg_catalog.text, 'OWNER')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_extension e ON e.extname = 'flashcard_schema' AND c.relnamespace = e.extnamespace
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
     AND d.refobjid = e.oid AND d.deptype = 'e'
WHERE c.relkind = 'r' ORDER BY c.relname COLLATE "C";
SQL
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
DROP DATABASE IF EXISTS $DB2 WITH (FORCE);
DROP ROLE IF EXISTS $APP;
CREATE ROLE $APP LOGIN PASSWORD '$PW';
SQL
ok $? "administrator: a login role for the application (not superuser, no CREATEDB, no CREATEROLE)"
createdb -O $APP -T template0 -E UTF8 $DB && createdb -O $APP -T template0 -E UTF8 $DB2
ok $? "administrator: two empty UTF-8 databases owned by it"
_dbs+=("$DB" "$DB2")
trap 'for d in $DB $DB2; do dropdb --if-exists --force $d >/dev/null 2>&1; done; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $APP" >/dev/null 2>&1; _cleanup' EXIT

# --- install and use ---------------------------------------------------------
# The revision the app's models and rows below are of (test/lib/models.py), not
# the default, which a later revision moves on (test/bin/next_revision.sh)
REV=$(sed -n 's/^REVISION = "\(.*\)"$/\1/p' "$TEST_DIR/../lib/models.py")
app $DB -c "CREATE EXTENSION flashcard_schema VERSION '$REV'"
ok $? "the application's role runs CREATE EXTENSION flashcard_schema VERSION '$REV'"
is "$(app $DB -c "SELECT extversion || ' owned by ' || extowner::regrole FROM pg_extension WHERE extname = 'flashcard_schema'")" \
   "$REV owned by $APP" \
   "the extension is at $REV and owned by the application's role"
is "$(app $DB -c "SELECT DISTINCT r.rolsuper FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'")" "t" \
   "its tables are owned by a superuser (the bootstrap superuser ran the script), not by the application's role"

app $DB <<'SQL' >"$WORK/use.out" 2>&1
INSERT INTO users (id, email, full_name) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'eleni@example.gr', 'Ελένη'),
  ('a0000000-0000-4000-8000-000000000002', 'nikos@example.com', 'Νίκος');
INSERT INTO user_settings (user_id, daily_goal) VALUES ('a0000000-0000-4000-8000-000000000001', 30);
INSERT INTO refresh_tokens (user_id, token, expires_at)
VALUES ('a0000000-0000-4000-8000-000000000001', 'tok-1', now() + interval '7 days');
INSERT INTO decks (id, name, level) VALUES
  ('d0000000-0000-4000-8000-000000000001', 'Χαιρετισμοί', 'A1'),
  ('d0000000-0000-4000-8000-000000000002', 'Ποίηση', 'B2');
INSERT INTO cards (id, deck_id, front_text, back_text) VALUES
  ('e0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'Γεια σου', 'Hello'),
  ('e0000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', 'Ευχαριστώ', 'Thank you');
INSERT INTO user_deck_progress (user_id, deck_id, cards_studied)
VALUES ('a0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 2);
INSERT INTO card_statistics (user_id, card_id, status)
VALUES ('a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 'LEARNING');
INSERT INTO reviews (user_id, card_id, quality, time_taken) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', 4, 3),
  ('a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000002', 1, 9),
  ('a0000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000002', 3, 5);
UPDATE users SET last_login_at = now(), last_login_ip = '192.0.2.1' WHERE email = 'nikos@example.com';
UPDATE users SET last_login_at = NULL, last_login_ip = NULL;
UPDATE card_statistics SET repetitions = repetitions + 1, status = 'REVIEW';
UPDATE decks SET level = 'A2' WHERE name = 'Ποίηση';
DELETE FROM refresh_tokens WHERE token = 'tok-1';
INSERT INTO refresh_tokens (user_id, token, expires_at)
VALUES ('a0000000-0000-4000-8000-000000000002', 'tok-2', now() + interval '7 days');
SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM user_settings) || ' ' ||
       (SELECT count(*) FROM refresh_tokens) || ' ' || (SELECT count(*) FROM decks) || ' ' ||
       (SELECT count(*) FROM cards) || ' ' || (SELECT count(*) FROM user_deck_progress) || ' ' ||
       (SELECT count(*) FROM card_statistics) || ' ' || (SELECT count(*) FROM reviews);
SQL
ok $? "it inserts, updates, deletes and selects rows of all eight tables"
is "$(tail -1 "$WORK/use.out")" "2 1 1 2 2 1 1 3" "... and reads back every table's rows"
is "$(app $DB -c "SELECT count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify()" \
              -c "SELECT flashcard_schema_assert()" -c "SELECT flashcard_schema_revision()" \
              -c "SELECT up_to_date FROM flashcard_schema_status()")" "0

$(version $DB)
t" "it runs verify() (no failed check), assert(), revision() and status()"
is "$(app $DB -c "SELECT 'C1'::decklevel < 'C2'::decklevel, 'MEDIUM'::carddifficulty, 'NEW'::cardstatus, 'EASY'::reviewrating")" \
   "t|MEDIUM|NEW|EASY" "it uses the four enum types"

# --- its own tables around the core (1.4) -------------------------------------
app $DB <<'SQL' >"$WORK/own.out" 2>&1
CREATE TABLE app_stats (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deck_id uuid REFERENCES decks (id) ON DELETE SET NULL,
    status cardstatus NOT NULL DEFAULT 'NEW',
    level decklevel);
INSERT INTO app_stats (user_id, deck_id, level)
VALUES ('a0000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'C1');
BEGIN;
TRUNCATE TABLE reviews RESTART IDENTITY CASCADE;
SELECT count(*) FROM reviews;
ROLLBACK;
DROP TABLE app_stats;
SQL
ok $? "it creates its own table keyed into users and decks, with columns of the enum types, and TRUNCATEs reviews (RESTART IDENTITY CASCADE, rolled back)"

# --- but not change the schema ------------------------------------------------
app $DB -c "CREATE FUNCTION app_trigger_fn() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'" \
        -c "CREATE TABLE app_own (id uuid PRIMARY KEY)"
ok $? "(its own trigger function and table, for the attempts below)"
while IFS='|' read -r want stmt; do
    is "$(state "$stmt")" "$want" "refused ($want): $stmt"
done <<'EOF_STMTS'
42501|ALTER TABLE users ADD COLUMN nickname text
42501|ALTER TABLE users ALTER COLUMN email TYPE text
42501|ALTER TABLE reviews DROP CONSTRAINT reviews_user_id_fkey
42501|ALTER TABLE decks RENAME TO decks_old
42501|CREATE INDEX app_ix ON users (full_name)
42501|CREATE TRIGGER app_trg BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION app_trigger_fn()
42501|CREATE RULE app_rule AS ON INSERT TO users DO INSTEAD NOTHING
42501|CREATE POLICY app_policy ON users USING (true)
42501|ALTER TABLE users ENABLE ROW LEVEL SECURITY
42501|COMMENT ON TABLE users IS 'mine'
42501|ALTER TYPE decklevel ADD VALUE 'D1'
42501|ALTER EXTENSION flashcard_schema DROP TABLE users
42501|ALTER TABLE users OWNER TO flashcard_app
2BP01|DROP TABLE users
2BP01|DROP TYPE reviewrating
2BP01|DROP FUNCTION flashcard_schema_verify(text)
EOF_STMTS
app $DB -c "GRANT ALL ON users TO $APP" >/dev/null 2>"$WORK/grant.err"
is "$(app $DB -c "SELECT string_agg(p, ',') FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
                  WHERE has_table_privilege('$APP', 'users', p)")" "SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES" \
   "GRANT ALL to itself gives it nothing more (it holds no grant option): still SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, no TRIGGER"
is "$(state "SELECT flashcard_schema_assert()")" "00000" "after all these attempts the schema still matches (assert() is quiet)"

# --- a separate login role, member of the owner -------------------------------
psql -X -q -d postgres -c "DROP ROLE IF EXISTS ${APP}_login" -c "CREATE ROLE ${APP}_login LOGIN PASSWORD '$PW' IN ROLE $APP" 2>/dev/null
is "$(PGUSER=${APP}_login PGPASSWORD=$PW psql -X -A -t -q -d $DB -c "SELECT count(*) FROM users" -c "SELECT has_table_privilege('users', 'TRIGGER')" 2>&1)" "2
f" "a login role made a member of the database owner reads the rows too (and gets no TRIGGER)"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS ${APP}_login"

# --- the same privileges whoever installs or updates ------------------------
acls $DB >"$WORK/acl.app"
# A table owner's privileges as \dp prints them: arwdDxt, from PostgreSQL 17 on arwdDxtm (MAINTAIN).
all_privs=$(sql $DB -c "SELECT regexp_replace(acldefault('r', current_user::regrole)::text, '^\{[^=]*=([a-zA-Z]*)/.*\$', '\1')")
is "$(cat "$WORK/acl.app" | head -1)" "card_statistics: OWNER=$all_privs/OWNER pg_database_owner=arwdDx/OWNER" \
   "a table's privileges: its owner's, and SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES for the database owner (pg_database_owner)"
newdb $REF
sql $REF -c "CREATE EXTENSION flashcard_schema VERSION '$REV'"
is "$(acls $REF)" "$(cat "$WORK/acl.app")" "a superuser's CREATE EXTENSION gives the same privileges"
sql $REF -c "DROP EXTENSION flashcard_schema" -c "CREATE EXTENSION flashcard_schema VERSION '1.2'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$REV'"
is "$(acls $REF)" "$(cat "$WORK/acl.app")" "... and so does a superuser's update from 1.2 to $REV"
sql $REF -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
acl12=$(acls $REF)
sql $REF -c "DROP EXTENSION flashcard_schema" -c "CREATE EXTENSION flashcard_schema VERSION '1.2'"
is "$acl12" "$(acls $REF)" "a downgrade to 1.2 leaves the privileges of a fresh 1.2 (its owner's only)"

# --- updates and downgrades, run by the application's role -------------------
before=$(digests $DB)
cols=$(live_columns $DB)
latest=$(version $DB)
app $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
ok $? "the application's role downgrades $latest -> 1.2 (no data at stake)"
is "$(state "SELECT count(*) FROM users")" "42501" "at 1.2 the tables are the superuser's alone again (as 1.2 always had them)"
app $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'" && app $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '$latest'"
ok $? "it downgrades 1.2 -> 1.0 and updates 1.0 -> $latest"
is "$(digests $DB "$cols")" "$before" "every row is back, unchanged"
app $DB -c "INSERT INTO reviews (user_id, card_id, quality, time_taken)
            VALUES ('a0000000-0000-4000-8000-000000000002', 'e0000000-0000-4000-8000-000000000001', 5, 2)"
is "$(state "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'")" "55000" \
   "with a quality of 5 at stake, its downgrade is refused like anyone's (55000)"
app $DB -c "DELETE FROM reviews WHERE quality = 5"
is "$(version $DB)" "$latest" "still at $latest"

# --- dump and restore, as the application's role ------------------------------
before=$(digests $DB)
PGUSER=$APP PGPASSWORD=$PW pg_dump -Fc -f "$WORK/app.dump" $DB
ok $? "pg_dump -Fc as the application's role"
PGUSER=$APP PGPASSWORD=$PW pg_restore --exit-on-error --single-transaction -d $DB2 "$WORK/app.dump" 2>"$WORK/restore.err"
ok $? "pg_restore --exit-on-error --single-transaction into its new database, as the application's role"
[ -s "$WORK/restore.err" ] && diag "$(cat "$WORK/restore.err")"
is "$(digests $DB2)" "$before" "every row of every table is back"
is "$(app $DB2 -c "SELECT extowner::regrole FROM pg_extension WHERE extname = 'flashcard_schema'")" "$APP" \
   "the restored extension is owned by the application's role"
is "$(failed_checks $DB2)" "0 of $(sql $DB -c "SELECT count(*) FROM flashcard_schema_verify()")" "verify() is clean in the restored database"
is "$(acls $DB2)" "$(cat "$WORK/acl.app")" "the restored tables have the same privileges"

done_testing
