#!/usr/bin/env bash
# test/t/guard_1_4.t: issue 16's findings, each shown open on 1.3 and closed
# on the latest revision (1.4 and later).
#
#  1. A planted member drops everything.  The owner adds an object of its
#     own to the extension and drops that object's schema with CASCADE: the
#     whole extension goes with its rows (1.3).  Later it refuses the ADD
#     (42501), and a member planted before the update cannot be used either:
#     DROP SCHEMA ... CASCADE by the owner or a superuser, and a superuser's
#     later DROP TABLE own CASCADE (the time bomb), are refused (55000) by
#     the guard that sees what was actually dropped, in any
#     session_replication_role.
#  2. The owner drops the indexes.  As the owner of public it may DROP INDEX
#     any index of the extension and then insert duplicates (1.3).  Later
#     DROP INDEX and ALTER INDEX on them, and ALTER TABLE ... DROP CONSTRAINT
#     on their keys, are refused while the tables hold rows, for the owner
#     and a superuser alike.
#  3. SET session_replication_role = replica switches the 1.3 guard off while
#     verify() says it is enabled; later it fires "always", and verify()
#     says when it does not.
#  4. A refused DROP tells a role that may not read the tables their row
#     counts (1.3); later only the number of such tables.
#  5. A trusted install or update creates superuser-owned objects in a schema
#     or tablespace where the installing role may not create anything (1.3);
#     later refused (42501).  A SQL_ASCII database reaches 1.3 through the
#     updates from 1.0; the latest revision refuses it on every route (0A000).
#  6. What stays possible: allow_data_loss lets a session do each of these
#     (with a WARNING), TRUNCATE (granted in 1.4) is no drop, empty tables are
#     nothing to lose, and a superuser can still switch the guard off, which
#     verify() reports.
#
# Run by `prove test/t/*.t` inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
APP=flashcard_guard14_app
OTHER=flashcard_guard14_other
PW=guard14_pw
DB=flashcard_schema_test_guard14
ASCII=flashcard_schema_test_guard14_ascii
TS=flashcard_guard14_ts
TSDIR=$(mktemp -u /tmp/flashcard_guard14_ts.XXXXXX)
OLD=1.3
LATEST=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TEST_DIR/../../flashcard_schema.control")

run() {  # run psql (as PGUSER) on DB; sets OUT, ERR, RC; SQLSTATEs shown
    psql -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -v SHOW_CONTEXT=never -d ${ON_DB:-$DB} "$@" \
        >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(grep -v '^LOCATION:' "$WORK/err")
}
as() { local role=$1; shift; PGUSER=$role PGPASSWORD=$PW "$@"; }
first_error() { grep -m1 '^ERROR' <<<"$ERR"; }
COUNTS="users 2, user_settings 1, refresh_tokens 0, decks 1, cards 3, user_deck_progress 0, card_statistics 0, reviews 1"
counts() {
    sql $DB -c "SELECT string_agg(t || ' ' || n, ', ') FROM (VALUES
        ('users', (SELECT count(*) FROM users)), ('user_settings', (SELECT count(*) FROM user_settings)),
        ('refresh_tokens', (SELECT count(*) FROM refresh_tokens)), ('decks', (SELECT count(*) FROM decks)),
        ('cards', (SELECT count(*) FROM cards)), ('user_deck_progress', (SELECT count(*) FROM user_deck_progress)),
        ('card_statistics', (SELECT count(*) FROM card_statistics)), ('reviews', (SELECT count(*) FROM reviews))) v(t, n)" 2>/dev/null
}
intact() {  # intact DESC: the extension is at LATEST with every row
    is "$(version $DB) | $(counts)" "$LATEST | $COUNTS" "$1: nothing was dropped ($LATEST, every row there)"
}

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

fresh() {  # fresh VERSION: a database owned by APP, which installs VERSION and writes 8 rows
    dropdb --if-exists --force $DB 2>/dev/null; createdb -O $APP -T template0 -E UTF8 $DB
    as $APP run -c "CREATE EXTENSION flashcard_schema VERSION '$1'" -c "$POPULATE"
    [ "$RC" = 0 ] || diag "could not set up $DB at $1: $ERR"
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SET client_min_messages = warning;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
DROP DATABASE IF EXISTS $ASCII WITH (FORCE);
DROP TABLESPACE IF EXISTS $TS;
DROP ROLE IF EXISTS $APP;
DROP ROLE IF EXISTS $OTHER;
CREATE ROLE $APP LOGIN PASSWORD '$PW';
CREATE ROLE $OTHER LOGIN PASSWORD '$PW';
SQL
ok $? "two ordinary login roles: the application's (it will own the databases) and another"
trap 'for d in $DB $ASCII; do dropdb --if-exists --force $d >/dev/null 2>&1; done
      psql -X -q -d postgres -c "DROP TABLESPACE IF EXISTS $TS" -c "DROP ROLE IF EXISTS $APP" -c "DROP ROLE IF EXISTS $OTHER" >/dev/null 2>&1
      _cleanup' EXIT

REFUSAL="would drop the tables of flashcard_schema with 8 rows of data
DETAIL:  Rows that would be lost: users: 2 rows, user_settings: 1 row, decks: 1 row, cards: 3 rows, reviews: 1 row.
HINT:  Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them (for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on')."
ROWS_DETAIL="DETAIL:  Rows in its tables: users: 2 rows, user_settings: 1 row, decks: 1 row, cards: 3 rows, reviews: 1 row."
KEYS_HINT="HINT:  The application relies on the keys and indexes of flashcard_schema to refuse duplicates and orphans, and only its scripts change them. Run SET flashcard_schema.allow_data_loss = on in this session to do it anyway."
NO_ADD="ERROR:  42501: cannot add objects to extension \"flashcard_schema\"
DETAIL:  A member added from outside its scripts would be dropped with it, and dropping that member (or what it depends on) with CASCADE would drop the extension and its tables.
HINT:  Its scripts alone decide its members; a session that must add one anyway can run SET flashcard_schema.allow_data_loss = on first."

# --- 1. a planted member ---------------------------------------------------
PLANT='DO $$ BEGIN CREATE SCHEMA s; CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS '"'select 1'"';
ALTER EXTENSION flashcard_schema ADD FUNCTION s.f(); DROP SCHEMA s CASCADE; END $$'
fresh $OLD
as $APP run -c "$PLANT"
is "$RC:$ERR" "0:NOTICE:  00000: drop cascades to extension flashcard_schema" \
   "$OLD: the owner plants a function in the extension and drops its schema: only a NOTICE..."
is "$(version $DB)" "" "... and the extension is gone with its 8 rows"

fresh $LATEST
as $APP run -c "$PLANT"
is "$RC:$ERR" "1:$NO_ADD" "$LATEST: the owner's ALTER EXTENSION ... ADD is refused (42501)"
intact "the owner's planting"
run -c "$PLANT"
is "$RC:$ERR" "1:$NO_ADD" "... and so is a superuser's"
intact "the superuser's planting"

# A member planted at 1.3 survives the update: the guard that sees what was
# dropped refuses what it would cascade to.
MEMBERS=(-c "CREATE SCHEMA s" -c "CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'select 1'"
         -c "ALTER EXTENSION flashcard_schema ADD FUNCTION s.f()"
         -c "CREATE TABLE own (x int)" -c "CREATE VIEW own_v AS SELECT x FROM own"
         -c "ALTER EXTENSION flashcard_schema ADD VIEW own_v")
fresh $OLD
as $APP run "${MEMBERS[@]}"
run -c "DROP TABLE own CASCADE"
is "$RC:$(version $DB)" "0:" \
   "$OLD: the time bomb: the owner plants a view of its own table; a superuser's DROP TABLE own CASCADE drops the extension"

fresh $OLD
as $APP run "${MEMBERS[@]}" -c "ALTER EXTENSION flashcard_schema UPDATE"
is "$RC:$(version $DB)" "0:$LATEST" "the owner plants the same two members at $OLD, then updates to $LATEST"
as $APP run -c "DROP SCHEMA s CASCADE"
is "$RC:$ERR" "1:NOTICE:  00000: drop cascades to extension flashcard_schema
ERROR:  55000: DROP SCHEMA $REFUSAL" \
   "$LATEST: the owner's DROP SCHEMA s CASCADE reaches the extension: refused (55000), naming the rows"
intact "the owner's DROP SCHEMA s CASCADE"
run -c "DROP SCHEMA s CASCADE"
is "$RC:$(first_error)" "1:ERROR:  55000: DROP SCHEMA would drop the tables of flashcard_schema with 8 rows of data" \
   "... and a superuser's"
run -c "DROP TABLE own CASCADE"
is "$RC:$(first_error)" "1:ERROR:  55000: DROP TABLE would drop the tables of flashcard_schema with 8 rows of data" \
   "... and the time bomb: a superuser's DROP TABLE own CASCADE"
run -c "SET session_replication_role = replica" -c "DROP TABLE own CASCADE"
is "$RC:$(first_error)" "1:ERROR:  55000: DROP TABLE would drop the tables of flashcard_schema with 8 rows of data" \
   "... also with session_replication_role = replica"
intact "the superuser's DROP SCHEMA s CASCADE and DROP TABLE own CASCADE"
run -c "SET flashcard_schema.allow_data_loss = on" -c "BEGIN" -c "DROP TABLE own CASCADE" \
    -c "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'" -c "ROLLBACK"
is "$RC:$OUT:$(grep -A1 '^WARNING' <<<"$ERR")" "0:0:WARNING:  01000: flashcard_schema.allow_data_loss is on: DROP TABLE drops the tables of flashcard_schema with 8 rows of data
DETAIL:  Rows dropped: users: 2 rows, user_settings: 1 row, decks: 1 row, cards: 3 rows, reviews: 1 row." \
   "with allow_data_loss on in the session it goes ahead (rolled back here), with a WARNING naming the rows"

# --- 2. the indexes and keys ----------------------------------------------
PLAIN_INDEXES="SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid JOIN pg_depend d ON d.objid = t.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'flashcard_schema'
  WHERE NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY 1"
dropped_by_owner() {  # how many of the extension's plain indexes the owner drops (each rolled back)
    local n=0 ix
    for ix in $(sql $DB -c "$PLAIN_INDEXES"); do
        as $APP run -c "BEGIN" -c "DROP INDEX $ix" -c "ROLLBACK"
        [ "$RC:$ERR" = "0:" ] && n=$((n + 1))
    done
    echo "$n of $(sql $DB -c "SELECT count(*) FROM ($PLAIN_INDEXES) i")"
}
fresh $OLD
N13=$(dropped_by_owner)
is "${N13%% of *}" "${N13##* of }" "$OLD: the owner (through pg_database_owner, owner of public) can drop every plain index: $N13"
as $APP run -c "DROP INDEX ix_users_email" -c "INSERT INTO users (email) VALUES ('eleni@example.gr')"
is "$RC:$ERR" "0:" "$OLD: ... and, without ix_users_email, insert a second eleni@example.gr"

fresh $LATEST
N14=$(dropped_by_owner)
is "${N14%% of *}" "0" "$LATEST: the owner drops none of the plain indexes (${N14##* of } tried)"
as $APP run -c "DROP INDEX ix_users_email"
is "$RC:$ERR" "1:ERROR:  55000: DROP INDEX would drop index \"ix_users_email\" of table \"users\" of flashcard_schema while its tables hold rows
$ROWS_DETAIL
$KEYS_HINT" "the owner's DROP INDEX ix_users_email: refused (55000), naming the index and the rows"
as $APP run -c "INSERT INTO users (email) VALUES ('eleni@example.gr')"
is "$RC:$(first_error)" "1:ERROR:  23505: duplicate key value violates unique constraint \"ix_users_email\"" \
   "... and a duplicate email is still refused"
run -c "DROP INDEX ix_users_email"
is "$RC:$(first_error)" "1:ERROR:  55000: DROP INDEX would drop index \"ix_users_email\" of table \"users\" of flashcard_schema while its tables hold rows" \
   "a superuser's DROP INDEX: refused too"
run -c "SET session_replication_role = replica" -c "DROP INDEX CONCURRENTLY ix_reviews_user_id"
is "$RC:$(first_error)" "1:ERROR:  55000: DROP INDEX would drop index \"ix_reviews_user_id\" of table \"reviews\" of flashcard_schema while its tables hold rows" \
   "... also CONCURRENTLY, with session_replication_role = replica"
run -c "ALTER INDEX ix_users_email DEPENDS ON EXTENSION plpgsql"
is "$RC:$(first_error)" "1:ERROR:  55000: ALTER INDEX would change index \"ix_users_email\" of table \"users\" of flashcard_schema while its tables hold rows" \
   "a superuser's ALTER INDEX (here DEPENDS ON EXTENSION, which DROP EXTENSION plpgsql would follow): refused"
run -c "ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey"
is "$RC:$ERR" "1:ERROR:  55000: ALTER TABLE would drop constraint \"cards_deck_id_fkey\" of table \"cards\" of flashcard_schema while its tables hold rows
$ROWS_DETAIL
$KEYS_HINT" "a superuser's ALTER TABLE ... DROP CONSTRAINT on a key: refused by the guard that sees what was dropped"
run -c "ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE"
is "$RC:$(first_error | sed 's/, among them .*, while/, among them ..., while/')" \
   "1:ERROR:  55000: ALTER TABLE would drop $(sql $DB -c "SELECT count(*) + 1 FROM pg_constraint WHERE confrelid = 'users'::regclass") objects of flashcard_schema, among them ..., while its tables hold rows" \
   "... and users_pkey with CASCADE: every foreign key into users counted"
is "$(sql $DB -c "SELECT count(*) FROM pg_constraint WHERE conrelid IN ('users'::regclass, 'cards'::regclass) AND contype IN ('p', 'f')")
$(failed_checks $DB)" "$(sql $DB -c "SELECT count(*) FROM pg_constraint WHERE conrelid IN ('users'::regclass, 'cards'::regclass) AND contype IN ('p', 'f')")
0 of $(sql $DB -c "SELECT count(*) FROM flashcard_schema_verify()")" "every key and index is still there: verify() is clean"
run -c "BEGIN" -c "ALTER EXTENSION flashcard_schema DROP TABLE reviews" -c "DROP TABLE reviews"
is "$RC:$ERR" "1:ERROR:  55000: DROP TABLE would drop the tables of flashcard_schema with 1 row of data
DETAIL:  Rows that would be lost: reviews: 1 row.
HINT:  Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them (for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on')." \
   "a superuser who takes reviews out of the extension still cannot drop it with its row: the guard knows the tables by name"
as $APP run -c "SET session_replication_role = replica"
is "$RC:$ERR" "1:ERROR:  42501: permission denied to set parameter \"session_replication_role\"" \
   "the owner cannot set session_replication_role (PostgreSQL's own rule)"
as $OTHER run -c "SELECT count(*) FROM users"
is "$RC:$ERR" "1:ERROR:  42501: permission denied for table users" "another role may not read a row"
run -c "CREATE INDEX ix_dba_full_name ON users (full_name)" -c "DROP INDEX ix_dba_full_name" \
    -c "ALTER TABLE decks ADD CONSTRAINT uq_dba_name UNIQUE (name)" -c "ALTER TABLE decks DROP CONSTRAINT uq_dba_name"
is "$RC:$ERR" "0:" "an index or key a superuser added is not the extension's: it drops as usual"
run -c "SET flashcard_schema.allow_data_loss = on" -c "BEGIN" -c "DROP INDEX ix_users_email" -c "ROLLBACK"
is "$RC:$(grep '^WARNING' <<<"$ERR")" "0:WARNING:  01000: flashcard_schema.allow_data_loss is on: DROP INDEX drops index \"ix_users_email\" of table \"users\" of flashcard_schema while its tables hold rows" \
   "with allow_data_loss on in the session: DROP INDEX goes ahead (rolled back here) with a WARNING"
as $APP run -c "BEGIN" -c "TRUNCATE users, user_settings, refresh_tokens, decks, cards, user_deck_progress, card_statistics, reviews" \
    -c "DROP INDEX ix_users_email" -c "ROLLBACK"
is "$RC:$ERR" "0:" "TRUNCATE (granted to the owner in $LATEST) is no drop; once every table is empty the owner may drop an index: nothing to lose"

# --- 3. session_replication_role ------------------------------------------
ENABLED="SELECT string_agg(object_name || ' ' || ok || ' ' || actual, ', ' ORDER BY object_name)
         FROM flashcard_schema_verify() WHERE object_type = 'event trigger' AND check_name = 'enabled'"
fresh $OLD
run -c "SET session_replication_role = replica" -c "BEGIN" -c "DROP EXTENSION flashcard_schema" \
    -c "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'" -c "ROLLBACK"
is "$RC:$OUT:$ERR" "0:0:" "$OLD: with session_replication_role = replica a superuser's DROP EXTENSION drops the 8 rows silently (rolled back here)"
is "$(sql $DB -c "$ENABLED")" "flashcard_schema_drop_guard true enabled" "$OLD: ... while verify() says the guard is enabled"

fresh $LATEST
run -c "SET session_replication_role = replica" -c "DROP EXTENSION flashcard_schema"
is "$RC:$ERR" "1:ERROR:  55000: DROP EXTENSION $REFUSAL" "$LATEST: refused in replica mode too"
is "$(sql $DB -c "$ENABLED")" "flashcard_schema_drop_backstop true enabled always, flashcard_schema_drop_guard true enabled always" \
   "verify(): both triggers fire always, as $LATEST expects"
run -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE"
is "$(sql $DB -c "SELECT expected || ' / ' || actual FROM flashcard_schema_verify() WHERE NOT ok")" "enabled always / enabled" \
   "a superuser's ALTER EVENT TRIGGER ... ENABLE (origin only): verify() reports it"
run -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE" -c "ALTER EVENT TRIGGER flashcard_schema_drop_backstop DISABLE" \
    -c "BEGIN" -c "DROP EXTENSION flashcard_schema" -c "ROLLBACK" \
    -c "ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE ALWAYS" -c "ALTER EVENT TRIGGER flashcard_schema_drop_backstop ENABLE ALWAYS"
is "$RC:$ERR" "0:" "a superuser can still disable both triggers and drop everything (rolled back here): the threat model says so"
as $APP run -c "ALTER EVENT TRIGGER flashcard_schema_drop_backstop DISABLE"
is "$RC:$ERR" "1:ERROR:  42501: must be owner of event trigger flashcard_schema_drop_backstop" "the owner cannot disable the new trigger"
intact "the attempts on the triggers"

# --- 4. row counts only for a role that may read them ----------------------
NO_COUNTS_HINT="HINT:  Delete those rows first, or run SET flashcard_schema.allow_data_loss = on in this session to drop them (for pg_restore --clean, connect with PGOPTIONS='-c flashcard_schema.allow_data_loss=on')."
for V in $OLD $LATEST; do
    fresh $V
    run -c "ALTER DATABASE $DB OWNER TO $OTHER"
    as $APP run -c "SELECT count(*) FROM users"
    is "$RC:$ERR" "1:ERROR:  42501: permission denied for table users" \
       "$V: the database now belongs to another role: the application's role owns the extension but may not read its tables"
    as $APP run -c "DROP EXTENSION flashcard_schema"
    if [ $V = $OLD ]; then
        is "$RC:$ERR" "1:ERROR:  55000: DROP EXTENSION $REFUSAL" "$OLD: its refused DROP EXTENSION tells it every table's row count"
    else
        is "$RC:$ERR" "1:ERROR:  55000: DROP EXTENSION would drop the tables of flashcard_schema, which hold rows of data
DETAIL:  Rows that would be lost: 5 tables hold rows; the current role may not read them, so their rows are not counted here.
$NO_COUNTS_HINT" "$LATEST: refused, saying how many tables hold rows, not which or how many rows"
        run -c "GRANT SELECT ON users TO $APP"
        as $APP run -c "DROP EXTENSION flashcard_schema"
        is "$RC:$ERR" "1:ERROR:  55000: DROP EXTENSION would drop the tables of flashcard_schema, which hold rows of data
DETAIL:  Rows that would be lost: users: 2 rows, and 4 more tables the current role may not read.
$NO_COUNTS_HINT" "... and with SELECT on users only, the rows of users and the number of the other tables"
    fi
done

# --- 5. where a trusted install may put its objects, and the encoding ------
NO_SCHEMA="ERROR:  42501: permission denied for schema admin_tools
DETAIL:  Role \"$APP\" may not create objects in schema \"admin_tools\"; the trusted install would create them there as a superuser.
HINT:  Install the extension into a schema the role may create objects in."
fresh_empty() { dropdb --if-exists --force $DB; createdb -O $APP -T template0 -E UTF8 $DB; run -c "CREATE SCHEMA admin_tools"; }
fresh_empty
as $APP run -c "CREATE TABLE admin_tools.t (x int)"
is "$RC:$(first_error)" "1:ERROR:  42501: permission denied for schema admin_tools" "the owner may not create a table in a superuser's schema admin_tools..."
as $APP run -c "CREATE EXTENSION flashcard_schema VERSION '$OLD' SCHEMA admin_tools" \
    -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'admin_tools'::regnamespace AND relkind = 'r'"
is "$RC:$OUT" "0:8" "$OLD: ... but its trusted CREATE EXTENSION ... SCHEMA admin_tools puts 8 superuser-owned tables there"
as $APP run -c "ALTER EXTENSION flashcard_schema UPDATE"
is "$RC:$ERR:$(version $DB)" "1:$NO_SCHEMA:$OLD" "$LATEST: the update into it is refused (42501), the extension stays at $OLD"
fresh_empty
as $APP run -c "CREATE EXTENSION flashcard_schema SCHEMA admin_tools"
is "$RC:$ERR:$(version $DB)" "1:$NO_SCHEMA:" "$LATEST: and so is the install"
run -c "CREATE EXTENSION flashcard_schema SCHEMA admin_tools" -c "DROP EXTENSION flashcard_schema"
is "$RC:$ERR" "0:" "a superuser may still install it there"

# The tablespace's directory is made by the server itself (owned by its user).
run -c "COPY (SELECT) TO PROGRAM 'mkdir -m 700 $TSDIR'" -c "CREATE TABLESPACE $TS LOCATION '$TSDIR'"
ok $RC "a superuser's tablespace $TS (in $TSDIR, made by the server) $ERR"
fresh_empty
as $APP run -c "SET default_tablespace = $TS" -c "CREATE TABLE t (x int)"
is "$RC:$ERR" "1:ERROR:  42501: permission denied for tablespace $TS" "the owner may not create a table in it..."
as $APP run -c "SET default_tablespace = $TS" -c "CREATE EXTENSION flashcard_schema VERSION '$OLD'" \
    -c "SELECT count(*) FROM pg_class WHERE reltablespace = (SELECT oid FROM pg_tablespace WHERE spcname = '$TS') AND relkind = 'r'"
is "$RC:$OUT" "0:8" "$OLD: ... but SET default_tablespace and its trusted CREATE EXTENSION put 8 superuser-owned tables there"
NO_TS="ERROR:  42501: permission denied for tablespace $TS
DETAIL:  Role \"$APP\" may not create objects in tablespace \"$TS\" (the session's default_tablespace); the trusted install would create them there as a superuser.
HINT:  RESET default_tablespace, or set it to a tablespace the role may create objects in."
as $APP run -c "SET default_tablespace = $TS" -c "ALTER EXTENSION flashcard_schema UPDATE"
is "$RC:$ERR:$(version $DB)" "1:$NO_TS:$OLD" "$LATEST: the update with that default_tablespace is refused (42501)"
dropdb --force $DB; createdb -O $APP -T template0 -E UTF8 $DB
as $APP run -c "SET default_tablespace = $TS" -c "CREATE EXTENSION flashcard_schema"
is "$RC:$ERR:$(version $DB)" "1:$NO_TS:" "$LATEST: and so is the install"
as $APP run -c "CREATE EXTENSION flashcard_schema"
is "$RC:$(version $DB)" "0:$LATEST" "in its own schema and tablespace the owner installs $LATEST as before"
dropdb --force $DB
fresh $LATEST
as $APP dropdb $DB
is "$?:$(psql -XAtc "SELECT count(*) FROM pg_database WHERE datname = '$DB'" -d postgres)" "0:0" \
   "the owner can still drop the whole database with its rows (no event trigger fires for DROP DATABASE)"
ON_DB=postgres run -c "DROP TABLESPACE $TS" -c "COPY (SELECT) TO PROGRAM 'rmdir $TSDIR'"
ok $RC "the tablespace and its directory are removed $ERR"

NOT_UTF8="ERROR:  0A000: flashcard_schema requires a database with encoding UTF8, not SQL_ASCII
DETAIL:  The schema stores Greek text; a non-UTF8 database cannot hold it faithfully.
HINT:  Create the database with UTF8 encoding, e.g. createdb -E UTF8 -T template0 <name>, and install the extension there."
createdb -O $APP -T template0 -E SQL_ASCII --lc-collate=C --lc-ctype=C $ASCII
ON_DB=$ASCII as $APP run -c "CREATE EXTENSION flashcard_schema VERSION '1.0'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$OLD'"
is "$RC:$(version $ASCII)" "0:$OLD" "$OLD: a SQL_ASCII database reaches $OLD through the updates from 1.0"
ON_DB=$ASCII as $APP run -c "ALTER EXTENSION flashcard_schema UPDATE"
is "$RC:$ERR:$(version $ASCII)" "1:$NOT_UTF8:$OLD" "$LATEST: the update from $OLD is refused (0A000)"
ON_DB=$ASCII as $APP run -c "DROP EXTENSION flashcard_schema" -c "CREATE EXTENSION flashcard_schema VERSION '1.0'" \
    -c "ALTER EXTENSION flashcard_schema UPDATE"
is "$RC:$ERR:$(version $ASCII)" "1:$NOT_UTF8:1.0" "... and from 1.0 to $LATEST in one statement (it stays at 1.0)"
ON_DB=$ASCII as $APP run -c "DROP EXTENSION flashcard_schema" -c "CREATE EXTENSION flashcard_schema"
is "$RC:$ERR:$(version $ASCII)" "1:$NOT_UTF8:" "... and the install of $LATEST"

done_testing
