#!/usr/bin/env bash
# test/t/tle_verify.t: the pg_tle flavor's verify() (SQL, tle/verify.plpgsql)
# gives the rows of the C one, row for row and in order.
#
# Both run on the same catalog, in the same transaction: tle/generate
# --verify-function prints the SQL verify() checking the C flavor's contract
# (its functions in C, the event trigger), created here in a schema of its
# own beside the installed C extension.  Compared: every revision installed
# clean (checked against itself and against every other revision), every
# drift below applied to the latest (in a transaction rolled back), and a
# table locked by another session (the SQL flavor must neither wait nor
# differ, except where the listed reason says).  A difference that is known
# and documented (docs/managed.md) is listed with its reason and reported
# as TODO; any other fails.
#
# Needs a C compiler and pg_config (tle/generate compiles tle/contract_dump.c):
# skips visibly without them.  Run by `prove test/t/*.t` inside pg_virtualenv.
source "$(dirname "$0")/../lib/tap_helpers.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
DB=flashcard_schema_test_tle_verify
PG_CONFIG=${PG_CONFIG:-pg_config}

if ! command -v cc >/dev/null || ! command -v "$PG_CONFIG" >/dev/null; then
    echo "1..0 # SKIP no C compiler or pg_config for tle/generate"
    exit 0
fi
if ! python3 "$TOP/tle/generate" --pg-config "$PG_CONFIG" --verify-function tle_check --contract c >"$WORK/verify.sql" 2>"$WORK/gen.err"; then
    ok 1 "tle/generate --verify-function"
    diag "$(cat "$WORK/gen.err")"
    done_testing; exit
fi
ok 0 "tle/generate writes the SQL verify()"

# The rows of both, numbered, that differ (empty when identical)
compare() {  # compare ARGS: the argument list for both verify() calls
    cat <<SQL
WITH c AS (SELECT pg_catalog.row_number() OVER () AS n, v::text AS t FROM public.flashcard_schema_verify($1) v),
     s AS (SELECT pg_catalog.row_number() OVER () AS n, v::text AS t FROM tle_check.flashcard_schema_verify($1) v)
SELECT pg_catalog.format('%s C: %s', COALESCE(c.n, s.n), COALESCE(c.t, '(none)')) || E'\n'
       || pg_catalog.format('%s SQL: %s', COALESCE(c.n, s.n), COALESCE(s.t, '(none)'))
  FROM c FULL JOIN s ON c.n = s.n WHERE c.t IS DISTINCT FROM s.t ORDER BY COALESCE(c.n, s.n);
SQL
}
rows() {  # rows ARGS: how many rows the C verify() gives
    echo "SELECT pg_catalog.count(*) FROM public.flashcard_schema_verify($1);"
}

newdb $DB
mapfile -t VERSIONS < <(sql $DB <<'SQL'
SELECT version FROM pg_catalog.pg_available_extension_versions
 WHERE name = 'flashcard_schema' AND version OPERATOR(pg_catalog.~) '^[0-9]+\.[0-9]+$'
 ORDER BY pg_catalog.string_to_array(version, '.')::int[];
SQL
)
LATEST=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TOP/flashcard_schema.control")

mkdir "$WORK/tle"
python3 "$TOP/tle/generate" --pg-config "$PG_CONFIG" --out "$WORK/tle" >/dev/null
is "$(cd "$WORK/tle" && ls | sort -V)" "$(printf 'flashcard_schema-tle--%s.sql\n' "${VERSIONS[@]}")" \
   "make tle writes one pg_tle migration per release"

# Seen passing on 15, 16, 17 and 18 (17 records the array and row types as
# members, 18 NOT NULL constraints as rows): any difference now fails.  A
# major version newer than this list reports its differences as TODO
# (prove says "TODO passed" when there is none) until someone has seen it pass.
MAJOR=$(sql $DB -c "SELECT current_setting('server_version_num')::int / 10000")
untested() { [ "$MAJOR" -ge 19 ] && todo "the SQL verify() has not been run on PostgreSQL $MAJOR yet"; }

# The SQL verify() as the flavors create it: names resolved in the extension's
# schema, pg_temp last (the C one's setting since 1.3)
install_sql_verify() {
    sql $DB <"$WORK/verify.sql" >/dev/null
    sql $DB -c "ALTER FUNCTION tle_check.flashcard_schema_verify(text) SET search_path = pg_catalog, public, pg_temp" >/dev/null
}

# Clean installs of every revision, each checked against every revision
for v in "${VERSIONS[@]}"; do
    newdb $DB
    sql $DB -c "CREATE EXTENSION flashcard_schema VERSION '$v'" -c "CREATE SCHEMA tle_check" >/dev/null
    install_sql_verify
    for against in NULL "${VERSIONS[@]}"; do
        [ "$against" = NULL ] || against="'$against'"
        diff=$(compare "$against" | sql $DB 2>&1)
        n=$(rows "$against" | sql $DB)
        untested
        is "$diff" "" "clean $v, verify($against): the same $n rows"
    done
done

# Drifts of the latest revision: NAME<TAB>SQL[<TAB>reason a difference is expected]
DRIFTS=$(cat <<'EOF'
index dropped	DROP INDEX ix_decks_name
index not unique	DROP INDEX ix_users_email; CREATE INDEX ix_users_email ON users (email)
index descending	DROP INDEX ix_decks_name; CREATE INDEX ix_decks_name ON decks (name DESC)
index nulls last	DROP INDEX ix_card_statistics_user_due_cards; CREATE INDEX ix_card_statistics_user_due_cards ON card_statistics (user_id, next_review_date DESC NULLS LAST, status)
index nulls first	DROP INDEX ix_decks_name; CREATE INDEX ix_decks_name ON decks (name NULLS FIRST)
index method	DROP INDEX ix_decks_name; CREATE INDEX ix_decks_name ON decks USING hash (name)
index extra	CREATE INDEX ix_decks_description ON decks (description)
index opclass	DROP INDEX ix_decks_name; CREATE INDEX ix_decks_name ON decks (name varchar_pattern_ops)
index collation	DROP INDEX ix_decks_name; CREATE INDEX ix_decks_name ON decks (name COLLATE "C")
index nulls not distinct	DROP INDEX ix_users_email; CREATE UNIQUE INDEX ix_users_email ON users (email) NULLS NOT DISTINCT
index partial	DROP INDEX ix_cards_difficulty; CREATE INDEX ix_cards_difficulty ON cards (difficulty) WHERE difficulty <> 'EASY'
index storage option	DROP INDEX ix_decks_name; CREATE INDEX ix_decks_name ON decks (name) WITH (fillfactor = 70)
index include	CREATE INDEX ix_cards_deck_order ON cards (deck_id) INCLUDE (order_index)
index on an expression	CREATE INDEX ix_users_lower_email ON users (lower(email))
index on an expression, parenthesized	CREATE INDEX ix_cards_next ON cards ((order_index + 1))
index invalid	UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_decks_level'::regclass
column type	ALTER TABLE cards ALTER COLUMN order_index TYPE bigint
column length	ALTER TABLE users ALTER COLUMN email TYPE varchar(300)
column collation	ALTER TABLE cards ALTER COLUMN front_text TYPE text COLLATE "C"
column drop not null	ALTER TABLE users ALTER COLUMN email DROP NOT NULL
column set not null	ALTER TABLE users ALTER COLUMN full_name SET NOT NULL
column default	ALTER TABLE user_settings ALTER COLUMN daily_goal SET DEFAULT 10
column enum default	ALTER TABLE cards ALTER COLUMN difficulty SET DEFAULT 'EASY'
column no default	ALTER TABLE users ALTER COLUMN is_active DROP DEFAULT
column text default	ALTER TABLE decks ALTER COLUMN description SET DEFAULT ''
column comment	COMMENT ON COLUMN users.created_at IS 'created'
column no comment	COMMENT ON COLUMN users.created_at IS NULL
column extra	ALTER TABLE decks ADD COLUMN color text
column extra not null	ALTER TABLE decks ADD COLUMN rank integer NOT NULL DEFAULT 0
column renamed	ALTER TABLE cards RENAME COLUMN back_text TO translation
column dropped	ALTER TABLE cards DROP COLUMN example_sentence
column identity	ALTER TABLE cards ADD COLUMN seq integer GENERATED BY DEFAULT AS IDENTITY
column generated	ALTER TABLE cards ADD COLUMN next_index integer GENERATED ALWAYS AS (order_index + 1) STORED
enum label added	ALTER TYPE cardstatus ADD VALUE 'SUSPENDED'
enum label first	ALTER TYPE decklevel ADD VALUE 'A0' BEFORE 'A1'
enum label renamed	ALTER TYPE reviewrating RENAME VALUE 'AGAIN' TO 'FAIL'
foreign key dropped	ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey
foreign key set null	ALTER TABLE reviews DROP CONSTRAINT reviews_card_id_fkey, ADD CONSTRAINT reviews_card_id_fkey FOREIGN KEY (card_id) REFERENCES cards (id) ON DELETE SET NULL
foreign key on update	ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey, ADD CONSTRAINT cards_deck_id_fkey FOREIGN KEY (deck_id) REFERENCES decks (id) ON DELETE CASCADE ON UPDATE CASCADE
foreign key deferrable	ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey, ADD CONSTRAINT cards_deck_id_fkey FOREIGN KEY (deck_id) REFERENCES decks (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
foreign key not valid	ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey, ADD CONSTRAINT cards_deck_id_fkey FOREIGN KEY (deck_id) REFERENCES decks (id) ON DELETE CASCADE NOT VALID
foreign key elsewhere	ALTER TABLE user_settings DROP CONSTRAINT user_settings_user_id_fkey, ADD CONSTRAINT user_settings_user_id_fkey FOREIGN KEY (user_id) REFERENCES decks (id) ON DELETE CASCADE
foreign key triggers disabled	ALTER TABLE cards DISABLE TRIGGER ALL
unique dropped	ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck
unique on other columns	ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck, ADD CONSTRAINT uq_user_deck UNIQUE (deck_id, user_id)
unique became primary	ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck, DROP CONSTRAINT user_deck_progress_pkey, ADD CONSTRAINT uq_user_deck PRIMARY KEY (user_id, deck_id)
constraint extra unique	ALTER TABLE decks ADD CONSTRAINT uq_deck_name UNIQUE (name)
constraint extra check	ALTER TABLE user_settings ADD CONSTRAINT daily_goal_positive CHECK (daily_goal > 0)
constraint extra check not valid	ALTER TABLE user_settings ADD CONSTRAINT daily_goal_positive CHECK (daily_goal > 0) NOT VALID
trigger extra	CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER cards_noop BEFORE INSERT OR UPDATE OF front_text ON cards FOR EACH ROW EXECUTE FUNCTION public.noop()
trigger with when	CREATE FUNCTION public.noop() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER cards_noop BEFORE UPDATE ON cards FOR EACH ROW WHEN (old.front_text IS DISTINCT FROM new.front_text) EXECUTE FUNCTION public.noop()
rule extra	CREATE RULE cards_keep AS ON DELETE TO cards DO INSTEAD NOTHING
row security	ALTER TABLE users ENABLE ROW LEVEL SECURITY
row security forced	ALTER TABLE users FORCE ROW LEVEL SECURITY
policy extra	CREATE POLICY own_rows ON users AS RESTRICTIVE FOR SELECT TO public USING (is_active) WITH CHECK (true)
privileges to public	GRANT SELECT ON users TO PUBLIC
privileges on a column	GRANT SELECT (email) ON users TO PUBLIC
privileges revoked	REVOKE DELETE ON reviews FROM pg_database_owner
inheritance	CREATE TABLE decks_archive () INHERITS (decks)
hidden by a temporary table	CREATE TEMPORARY TABLE users (id integer)
extension member dropped	ALTER EXTENSION flashcard_schema DROP TABLE reviews
extension member type dropped	ALTER EXTENSION flashcard_schema DROP TYPE reviewrating
extension member extra	SET LOCAL flashcard_schema.allow_data_loss = on; CREATE TABLE audit_log (id bigint PRIMARY KEY); ALTER EXTENSION flashcard_schema ADD TABLE audit_log
function security definer	ALTER FUNCTION flashcard_schema_revision() SECURITY DEFINER
function settings	ALTER FUNCTION flashcard_schema_verify(text) RESET search_path
function member dropped	ALTER EXTENSION flashcard_schema DROP FUNCTION flashcard_schema_assert()
event trigger disabled	ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE
event trigger always	ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE ALWAYS
table dropped	ALTER EXTENSION flashcard_schema DROP TABLE reviews; DROP TABLE reviews
EOF
)

newdb $DB
sql $DB -c "CREATE EXTENSION flashcard_schema" -c "CREATE SCHEMA tle_check" >/dev/null
install_sql_verify
while IFS=$'\t' read -r name drift reason; do
    out=$( (echo "BEGIN;"; echo "$drift;"; compare NULL; rows NULL; echo "ROLLBACK;") | sql $DB 2>&1)
    n=$(tail -1 <<<"$out")
    diff=$(sed '$d' <<<"$out")
    untested
    if [ -n "$reason" ] && [ -n "$diff" ]; then todo "$reason"; fi
    is "$diff" "" "drift: $name: the same $n rows"
done <<<"$DRIFTS"

# A drift must show in the rows compared, or the comparison proves nothing
failing=$( (echo "BEGIN;"; echo "DROP INDEX ix_decks_name;"
            echo "SELECT pg_catalog.count(*) FROM tle_check.flashcard_schema_verify() WHERE NOT ok;"; echo "ROLLBACK;") | sql $DB)
untested
is "$failing" "1" "control: the SQL verify() fails the one check a dropped index fails"

# A table locked by another session: neither verify() waits; the rows are
# the same but where the SQL flavor would need the server's deparser (none
# on a clean install: the comparison must then be exact)
sql $DB -c "BEGIN; LOCK TABLE decks IN ACCESS EXCLUSIVE MODE; SELECT pg_catalog.pg_sleep(30)" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
    held=$(sql $DB -c "SELECT pg_catalog.count(*) FROM pg_catalog.pg_locks WHERE relation = 'decks'::regclass AND mode = 'AccessExclusiveLock' AND granted")
    [ "$held" = 1 ] && break
    sleep 0.1
done
diff=$( (echo "SET lock_timeout = '2s';"; compare NULL) | sql $DB 2>&1)
untested
is "$diff" "" "decks locked by another session: the same rows, without waiting (lock_timeout 2s)"
kill $locker 2>/dev/null; wait $locker 2>/dev/null

done_testing
