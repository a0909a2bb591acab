#!/usr/bin/env bash
# test/t/adopt.t: a database the application's own Alembic made is taken under
# the extension in place, and can leave it again (docs/adoption.md).
#
# For each Alembic head the extension adopts (a flashcard_schema--alembic-<rev>.sql
# script), the application's migrations (test/lib/app_alembic, a stand-in for
# its Alembic project) make a database as its role, a non-superuser owning
# the database; it gets thousands of rows, its own tables keyed into users
# (one using the core enum cardstatus) and a view.  Then:
#   * each refusal (a changed column type, an extra index, a missing enum
#     label, a foreign table named like ours, a table another role owns), on
#     a copy: 42P15 naming the difference, and nothing changed (no extension,
#     the same schema dump, the same rows);
#   * adoption as the app's role: every row and id identical (digests), no
#     relation rewritten (file nodes), its own tables, keys, view and
#     alembic_version untouched, verify() clean against the pseudo-revision;
#   * ALTER EXTENSION UPDATE to the revision of the app's models (1.4, test/lib/models.py): the same, verify()
#     clean, the catalog facts, owners and grants of a fresh install;
#   * its own foreign keys keep working (insert, cascade), pg_dump and
#     pg_restore as the app's role, the app's data-layer test (app_orm.t) on
#     an adopted database, every downgrade and update step from there;
#   * the way out: UPDATE TO 'detached' and DROP EXTENSION as the app's role
#     leave every row, with the tables and types owned by the app's role
#     again, and its Alembic carries on migrating them.
#
# Run by `prove test/t/adopt.t` inside pg_virtualenv (PG* variables set, as a
# superuser, which only creates the role and the databases).  Needs Debian's
# python3-alembic and python3-psycopg2 (/usr/bin/python3).
source "$(dirname "$0")/../lib/tap_helpers.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
APP=flashcard_adopt_app
PW=flashcard_adopt_pw
PY=/usr/bin/python3
# Adopted databases are taken to the revision the app's models of 2026-01-20
# describe (test/lib/models.py's REVISION), which is what Alembic head
# 037928b86d1e made; a later default (test/bin/next_revision.sh) may refuse
# their rows.
LATEST=$(sed -n 's/^REVISION = "\(.*\)"$/\1/p' "$TOP/test/lib/models.py")
TABLES="users user_settings refresh_tokens decks cards user_deck_progress card_statistics reviews"
APP_TABLES="feedback user_xp culture_question_stats alembic_version"

app() {  # app DB [psql args]: psql as the application's role, SQL on stdin
    local db=$1; shift
    PGUSER=$APP PGPASSWORD=$PW psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
alembic() {  # alembic DB args...: the app's Alembic, as the app's role
    local db=$1; shift
    ADOPT_DB=$db ADOPT_ROLE=$APP PGPASSWORD=$PW $PY -m alembic -c "$TEST_DIR/app_alembic/alembic.ini" "$@"
}
error_of() {  # error_of DB SQL: "SQLSTATE: message" and the DETAIL lines of SQL run by the app's role
    app "$1" -v sql="$2" <<SQL
\\i $TEST_DIR/data_helpers.psql
SELECT state || ': ' || message || E'\n' || COALESCE(detail, '') FROM pg_temp.error_of(:'sql');
SQL
}
# Every row of the eight tables and of the app's own, by content: identical
# rows and ids give identical digests.  With WIDTHS (widths DB, taken
# earlier), only the columns each table had then: an update adds columns.
rows() {
    sql "$1" -v widths="${2:-}" <<SQL
SELECT pg_catalog.format('SELECT %L || '': '' || count(*) || '' rows, md5 '' || COALESCE(md5(string_agg(x::text, E''\n'' ORDER BY x::text)), ''-'') FROM (SELECT %s FROM public.%I) x',
                         t, (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                             FROM pg_attribute a
                             WHERE a.attrelid = ('public.' || quote_ident(t))::regclass AND a.attnum > 0 AND NOT a.attisdropped
                               AND a.attnum <= COALESCE((NULLIF(:'widths', '')::jsonb ->> t)::int, 1000)), t)
FROM unnest(string_to_array('$TABLES $APP_TABLES', ' ')) t
\gexec
SQL
}
widths() {  # widths DB: {table: its highest column number}
    sql "$1" -c "SELECT jsonb_object_agg(c.relname, c.relnatts) FROM pg_class c
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY (string_to_array('$TABLES $APP_TABLES', ' '))"
}

# The file node of every table, index and TOAST relation in the schema: a rewrite changes one.
filenodes() {
    sql "$1" <<'SQL'
SELECT c.relname || ' ' || c.relfilenode || COALESCE(' toast ' || t.relfilenode || ' ' || ti.relfilenode, '')
FROM pg_class c
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN pg_index i ON i.indrelid = t.oid
LEFT JOIN pg_class ti ON ti.oid = i.indexrelid
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 'v')
ORDER BY c.relname COLLATE "C";
SQL
}
# The whole schema as pg_dump writes it (without its random \restrict key)
schema() {
    pg_dump -s "$1" | grep -v -E '^\\(un)?restrict '
}
# The app's own objects as pg_dump writes them (their keys into ours included)
app_schema() {
    pg_dump -s --no-comments $(printf -- '-t %s ' $APP_TABLES learner_totals) "$1" | grep -v -E '^(--|\\(un)?restrict )'
}
owners() {  # owners DB: the owner of each table and type of ours
    sql "$1" <<SQL
SELECT line FROM (
    SELECT c.relname || ' ' || c.relowner::regrole AS line FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY (string_to_array('$TABLES', ' '))
    UNION ALL
    SELECT t.typname || ' ' || t.typowner::regrole FROM pg_type t
    WHERE t.typnamespace = 'public'::regnamespace
      AND t.typname IN ('decklevel', 'carddifficulty', 'cardstatus', 'reviewrating')) o
ORDER BY line COLLATE "C";
SQL
}
# The initial privileges pg_dump compares with (pg_init_privs) of our objects
initprivs() {
    sql "$1" <<'SQL'
SELECT line FROM (
    SELECT CASE WHEN classoid = 'pg_class'::regclass THEN objoid::regclass::text
                WHEN classoid = 'pg_type'::regclass THEN objoid::regtype::text
                WHEN classoid = 'pg_proc'::regclass THEN objoid::regprocedure::text
                ELSE classoid::regclass::text END
           || ' ' || objsubid || ' ' || privtype::text || ' ' || initprivs::text AS line
    FROM pg_init_privs
    WHERE privtype = 'e' AND (classoid, objoid) IN (
        SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
        WHERE e.extname = 'flashcard_schema' AND d.deptype = 'e')) l
ORDER BY line COLLATE "C";
SQL
}
# catalog_facts without the app's own objects, which share the schema
core_facts() {
    facts "$1" | grep -v -E "^[^|]*\| (feedback|user_xp|culture_question_stats|alembic_version|learner_totals)"
}
no_extension() {
    sql "$1" -c "SELECT count(*) FROM pg_extension WHERE extname = 'flashcard_schema'"
}

# The app's database at an Alembic head, as its migrations make it: uuid-ossp
# first (the app's own step), then `alembic upgrade`; then its rows and its own tables.
make_app_db() {
    local db=$1 rev=$2
    # The server's locale (not newdb's C): the app's Greek ILIKE needs a Unicode ctype
    dropdb --if-exists --force "$db" && createdb -E UTF8 -T template0 -O $APP "$db" && _dbs+=("$db") &&
    app "$db" -c 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"' &&
    alembic "$db" upgrade "$rev" >"$WORK/alembic.log" 2>&1 || { cat "$WORK/alembic.log"; return 1; }
    app "$db" <<'SQL'
INSERT INTO users (email, full_name, is_active, is_superuser, last_login_at, last_login_ip)
SELECT 'learner' || g || '@example.gr', 'Μαθητής ' || g, g % 7 <> 0, g % 500 = 0,
       timestamptz '2026-01-01 00:00+00' + g * interval '1 minute', '10.0.' || g / 250 || '.' || g % 250
FROM generate_series(1, 2000) g;
INSERT INTO user_settings (user_id, daily_goal, email_notifications)
SELECT id, 10 + (hashtext(id::text) & 15), true FROM users;
INSERT INTO refresh_tokens (user_id, token, expires_at)
SELECT id, md5(id::text), timestamptz '2026-02-01 00:00+00' FROM users;
INSERT INTO decks (name, description, level, is_active)
SELECT 'Deck ' || g, 'Λεξιλόγιο ' || g, (ARRAY['A1','A2','B1','B2','C1','C2'])[1 + g % 6]::decklevel, true
FROM generate_series(1, 24) g;
INSERT INTO cards (deck_id, front_text, back_text, difficulty, order_index)
SELECT d.id, 'λέξη ' || g, 'word ' || g, (ARRAY['EASY','MEDIUM','HARD'])[1 + g % 3]::carddifficulty, g
FROM decks d, generate_series(1, 50) g;
INSERT INTO user_deck_progress (user_id, deck_id, cards_studied, cards_mastered)
SELECT u.id, d.id, 5, 1 FROM (SELECT id FROM users ORDER BY id LIMIT 500) u, (SELECT id FROM decks ORDER BY id LIMIT 4) d;
INSERT INTO card_statistics (user_id, card_id, easiness_factor, "interval", repetitions, status)
SELECT u.id, c.id, 2.5, 1, 1, (ARRAY['NEW','LEARNING','REVIEW','MASTERED'])[1 + (hashtext(u.id::text || c.id::text) & 3)]::cardstatus
FROM (SELECT id FROM users ORDER BY id LIMIT 100) u, (SELECT id FROM cards ORDER BY id LIMIT 50) c;
INSERT INTO reviews (user_id, card_id, quality, time_taken)
SELECT user_id, card_id, g % 6, 5 + g FROM card_statistics, generate_series(0, 1) g;

-- The app's own tables, keyed into ours, one using our enum; and a view over ours
CREATE TYPE feedbackcategory AS ENUM ('BUG', 'IDEA');
CREATE TABLE feedback (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category feedbackcategory NOT NULL,
    body text NOT NULL);
CREATE TABLE user_xp (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id uuid NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    xp integer NOT NULL);
CREATE TABLE culture_question_stats (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status cardstatus NOT NULL DEFAULT 'NEW');
CREATE VIEW learner_totals AS
    SELECT u.id, u.email, count(r.id) AS reviews FROM users u LEFT JOIN reviews r ON r.user_id = u.id GROUP BY u.id;
INSERT INTO feedback (user_id, category, body) SELECT id, 'IDEA', 'Περισσότερες κάρτες' FROM users ORDER BY id LIMIT 300;
INSERT INTO user_xp (user_id, xp) SELECT id, 100 FROM users;
INSERT INTO culture_question_stats (user_id, status) SELECT id, 'LEARNING' FROM users ORDER BY id LIMIT 700;

-- The January columns, where the head has them (037928b86d1e)
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'avatar_url') THEN
        UPDATE users SET auth0_id = 'auth0|' || id, avatar_url = 'avatars/' || id || '/a.jpg' WHERE email LIKE '%0@%';
        UPDATE user_settings SET preferred_language = 'el', theme = 'dark' WHERE daily_goal > 15;
        UPDATE decks SET is_premium = true, owner_id = (SELECT min(id::text)::uuid FROM users) WHERE level = 'C2';
    END IF;
END
$$;
SQL
}

psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
SET client_min_messages = warning;
DROP ROLE IF EXISTS $APP;
CREATE ROLE $APP LOGIN PASSWORD '$PW';
SQL
ok $? "administrator: a login role for the application (not superuser)"
trap 'for d in "${_dbs[@]}"; do dropdb --if-exists --force "$d" >/dev/null 2>&1; done; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $APP" >/dev/null 2>&1; _cleanup' EXIT

# A fresh install by the same role: what an adopted database must end up as
newdb flashcard_schema_test_adopt_fresh && sql postgres -c "ALTER DATABASE flashcard_schema_test_adopt_fresh OWNER TO $APP" &&
    app flashcard_schema_test_adopt_fresh -c "CREATE EXTENSION flashcard_schema VERSION '$LATEST'"
ok $? "a fresh install of $LATEST by the app's role, to compare with"
FRESH_FACTS=$(core_facts flashcard_schema_test_adopt_fresh)
FRESH_OWNERS=$(owners flashcard_schema_test_adopt_fresh)
FRESH_INITPRIVS=$(initprivs flashcard_schema_test_adopt_fresh)
[ "$(grep -c . <<<"$FRESH_INITPRIVS")" -ge 8 ]
ok $? "the fresh install has initial privileges to compare with ($(grep -c . <<<"$FRESH_INITPRIVS") objects)"

cd "$TOP" || exit 1
REVS=$(ls "$TOP"/flashcard_schema--alembic-*.sql | sed -n 's/.*--alembic-\([0-9a-f]*\)\.sql$/\1/p')
[ -n "$REVS" ]
ok $? "the extension adopts these Alembic heads: $(echo $REVS)"

for REV in $REVS; do
    DB=flashcard_schema_test_adopt_$REV
    make_app_db $DB $REV
    ok $? "$REV: the app's Alembic made the database as the app's role, filled, with its own tables"
    is "$(app $DB -c 'SELECT version_num FROM alembic_version')" "$REV" "$REV: alembic_version says so"
    WIDTHS=$(widths $DB)
    ROWS=$(rows $DB)
    NODES=$(filenodes $DB)
    APPSCHEMA=$(app_schema $DB)
    diag "$(echo "$ROWS" | head -8)"

    # --- Refusals, each on a copy of the database: a difference, then nothing changed
    refuse() {  # refuse NAME "difference SQL (as superuser)" "expected DETAIL line"
        local name=$1 change=$2 want=$3 copy=flashcard_schema_test_adopt_refuse
        newdb $copy && sql postgres -c "DROP DATABASE $copy" && _dbs+=($copy) &&
            createdb -O $APP -T $DB $copy && sql $copy -c "$change"
        ok $? "$REV, $name: the difference made in a copy"
        local before_schema before_rows out
        before_schema=$(schema $copy)
        before_rows=$(rows $copy 2>/dev/null)  # (a foreign table without a handler has no rows to read)
        out=$(error_of $copy "CREATE EXTENSION flashcard_schema VERSION 'alembic-$REV'")
        is "$(echo "$out" | head -1)" "42P15: the existing tables are not those the application's Alembic revision $REV makes" \
            "$REV, $name: CREATE EXTENSION refuses (42P15)"
        grep -qxF "$want" <<<"$out"
        ok $? "$REV, $name: the refusal names it: $want" || diag "$out"
        is "$(no_extension $copy)|$(md5sum <<<"$(schema $copy)")|$(md5sum <<<"$(rows $copy 2>/dev/null)")" \
            "0|$(md5sum <<<"$before_schema")|$(md5sum <<<"$before_rows")" \
            "$REV, $name: nothing changed (no extension, the same schema, the same rows)"
        dropdb --force $copy
    }
    refuse "a changed column type" "ALTER TABLE decks ALTER COLUMN name TYPE varchar(300)" \
        "column decks.name: type: expected character varying(255), found character varying(300)"
    refuse "an extra index" "CREATE INDEX ix_reviews_quality ON reviews (quality)" \
        "index ix_reviews_quality: extra: expected none, found CREATE INDEX ix_reviews_quality ON reviews USING btree (quality)"
    # The app's migration of 2026-03-24 took C1 and C2 out of decklevel so
    refuse "a missing label" "ALTER TYPE decklevel RENAME TO decklevel_old;
        CREATE TYPE decklevel AS ENUM ('A1', 'A2', 'B1', 'B2'); ALTER TYPE decklevel OWNER TO $APP;
        DELETE FROM decks WHERE level IN ('C1', 'C2');
        ALTER TABLE decks ALTER COLUMN level TYPE decklevel USING level::text::decklevel;
        DROP TYPE decklevel_old" \
        "type decklevel: labels: expected A1, A2, B1, B2, C1, C2, found A1, A2, B1, B2"
    refuse "a foreign table named like ours" "CREATE FOREIGN DATA WRAPPER adopt_fdw;
        CREATE SERVER adopt_remote FOREIGN DATA WRAPPER adopt_fdw;
        ALTER TABLE refresh_tokens RENAME TO refresh_tokens_local;
        CREATE FOREIGN TABLE refresh_tokens (id uuid, user_id uuid, token varchar(500), expires_at timestamptz,
            created_at timestamptz, updated_at timestamptz) SERVER adopt_remote;
        ALTER FOREIGN TABLE refresh_tokens OWNER TO $APP" \
        "table refresh_tokens: exists: expected table, found foreign table"
    # An id default that only looks like the app's: another uuid_generate_v4()
    refuse "an id default from another uuid_generate_v4()" "CREATE SCHEMA ossp; ALTER EXTENSION \"uuid-ossp\" SET SCHEMA ossp;
        CREATE FUNCTION public.uuid_generate_v4() RETURNS uuid LANGUAGE sql AS 'SELECT gen_random_uuid()';
        ALTER FUNCTION public.uuid_generate_v4() OWNER TO $APP;
        ALTER TABLE users ALTER COLUMN id SET DEFAULT public.uuid_generate_v4()" \
        "column users.id: default function: expected uuid_generate_v4() of extension uuid-ossp, found uuid_generate_v4()"
    # Adoption must not give the app's role tables it could not alter before
    refuse "a table another role owns" "ALTER TABLE refresh_tokens OWNER TO CURRENT_USER" \
        "table refresh_tokens: owner: expected a role whose rights $APP has, found $(sql postgres -c 'SELECT current_user')"

    # --- Adoption, as the app's role
    app $DB -c "CREATE EXTENSION flashcard_schema VERSION 'alembic-$REV'"
    ok $? "$REV: CREATE EXTENSION flashcard_schema VERSION 'alembic-$REV' as the app's role"
    is "$(version $DB)" "alembic-$REV" "$REV: the extension is at the pseudo-revision"
    is "$(failed_checks $DB)" "0 of $(sql $DB -c "SELECT count(*) FROM flashcard_schema_verify()")" \
        "$REV: verify() is clean against the pseudo-revision"
    is "$(rows $DB)" "$ROWS" "$REV, adopted: every row and id identical"
    is "$(filenodes $DB)" "$NODES" "$REV, adopted: no relation rewritten (file nodes)"
    is "$(app_schema $DB)" "$APPSCHEMA" "$REV, adopted: the app's own tables, keys, view and alembic_version untouched"
    is "$(sql $DB -c "SELECT count(*) FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid AND e.extname = 'flashcard_schema'
                      WHERE d.deptype = 'e' AND d.classid = 'pg_class'::regclass")" "8" "$REV: the eight tables are members"
    is "$(error_of $DB "DROP EXTENSION flashcard_schema" | head -1 | cut -d: -f1)" "55000" \
        "$REV, adopted: the DROP guard is on (DROP EXTENSION refused while the tables hold rows)"
    is "$(error_of $DB "SELECT flashcard_schema_distribute()" | head -1)" \
        "55000: flashcard_schema alembic-$REV is an adopted database not yet updated" \
        "$REV: distribute() refuses before the update (55000)"
    is "$(error_of $DB "SELECT * FROM flashcard_schema_verify('alembic-0000')" | head -1)" \
        "22023: unknown flashcard_schema version \"alembic-0000\"" "$REV: verify() of an unknown head: 22023"

    # A route from the pseudo-revision is checked for blockers from its base
    # on: a view of the app's over reviews.quality blocks 1.3 -> 1.2 (2BP01)
    app $DB -c "CREATE VIEW quality_view AS SELECT id, quality FROM reviews"
    is "$(error_of $DB "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" | head -1)" \
        "2BP01: cannot downgrade flashcard_schema to 1.2 while view \"public.quality_view\" depends on table column \"public.reviews.quality\"" \
        "$REV, adopted: a downgrade through the base, blocked by the app's view, refuses in our words (2BP01)"
    is "$(version $DB)" "alembic-$REV" "$REV, adopted: ... and changed nothing"
    app $DB -c "DROP VIEW quality_view"

    # --- Update to the revision of the app's models
    app $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO '$LATEST'"
    ok $? "$REV: ALTER EXTENSION flashcard_schema UPDATE TO '$LATEST' as the app's role"
    is "$(version $DB)" "$LATEST" "$REV: at $LATEST"
    is "$(failed_checks $DB)" "0 of $(sql $DB -c "SELECT count(*) FROM flashcard_schema_verify()")" "$REV, updated: verify() is clean"
    is "$(rows $DB "$WIDTHS")" "$ROWS" "$REV, updated: every row and id identical (in the columns it had)"
    is "$(filenodes $DB | awk 'NR == FNR { had[$1] = 1; next } ($1 in had)' <(echo "$NODES") -)" "$NODES" \
        "$REV, updated: no relation rewritten (file nodes of every relation it had)"
    NODES_UPDATED=$(filenodes $DB)
    is "$(app_schema $DB)" "$APPSCHEMA" "$REV, updated: the app's own tables, keys and view untouched"
    is "$(core_facts $DB)" "$FRESH_FACTS" "$REV, updated: the catalog facts of a fresh install (members, columns, defaults, indexes, grants, functions)"
    is "$(owners $DB)" "$FRESH_OWNERS" "$REV, updated: tables and types owned as a fresh install's (not by the app's role)"
    is "$(initprivs $DB)" "$FRESH_INITPRIVS" "$REV, updated: the initial privileges pg_dump compares with are a fresh install's"
    is "$(app $DB -c "SELECT pg_has_role('$APP', relowner, 'USAGE') FROM pg_class WHERE relname = 'users'")" "f" \
        "$REV, updated: the app's role no longer owns users"

    # The app's own keys into ours keep working: checked on insert, cascaded on delete
    out=$(app $DB 2>&1 <<'SQL'
INSERT INTO feedback (user_id, category, body) SELECT id, 'BUG', 'x' FROM users ORDER BY id DESC LIMIT 1;
INSERT INTO culture_question_stats (user_id) SELECT id FROM users ORDER BY id DESC LIMIT 1;
SELECT count(*) FROM feedback WHERE body = 'x';
DELETE FROM users WHERE id = (SELECT user_id FROM feedback WHERE body = 'x');
SELECT count(*) FROM feedback WHERE body = 'x';
SELECT count(*) FROM user_xp;
SQL
    )
    is "$out" "1
0
1999" "$REV: the app's own foreign keys into users still check and cascade"
    out=$(error_of $DB "INSERT INTO feedback (user_id, category, body) VALUES (gen_random_uuid(), 'BUG', 'y')")
    is "$(echo "$out" | head -1 | cut -d: -f1)" "23503" "$REV: and still refuse a row with no user (23503)"

    # The app's Alembic with the helper (python/flashcard_schema_alembic): it
    # reads the adopted tables and types as the extension's, and its
    # comparison of metadata that declares none of the eight tables proposes
    # nothing about them (only the app's own objects, which that metadata
    # lacks too); then the app's next migration keys a table of its own into
    # users, as the database owner (REFERENCES, from 1.4).
    out=$(ADOPT_DB=$DB PGUSER=$APP PGPASSWORD=$PW PYTHONPATH="$TOP/python/flashcard_schema_alembic" $PY - 2>&1 <<'PY'
import os
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import flashcard_schema_alembic as fsa
engine = sa.create_engine("postgresql+psycopg2://", poolclass=sa.pool.NullPool,
                          connect_args={"dbname": os.environ["ADOPT_DB"]})
with engine.connect() as conn:
    objs = fsa.read_extension_objects(conn)
    print(" ".join(sorted(name for _, name in objs.tables)))
    print(" ".join(sorted(name for _, name in objs.types)))
    ctx = MigrationContext.configure(conn, opts=dict(compare_type=True, compare_server_default=True,
                                                     **fsa.alembic_filters(conn)))
    diffs = compare_metadata(ctx, sa.MetaData())
    named = set()
    for d in diffs:
        for x in (d if isinstance(d, list) else [d]):
            obj = x[1] if len(x) > 1 else None
            table = getattr(obj, "table", None)
            named.add(getattr(table, "name", None) or getattr(obj, "name", "?"))
    print(" ".join(sorted(n for n in named if n is not None)))
PY
)
    is "$out" "$(echo $TABLES | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
carddifficulty cardstatus decklevel reviewrating
$(echo $APP_TABLES | tr ' ' '\n' | grep -v alembic_version | sort | tr '\n' ' ' | sed 's/ $//')" \
        "$REV, updated: with the Alembic helper, Alembic sees the eight tables and four types as the extension's and proposes nothing about them"
    app $DB -c "CREATE TABLE app_next (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                                       user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                                       deck_id uuid REFERENCES decks (id) ON DELETE SET NULL)" \
               -c "DROP TABLE app_next"
    ok $? "$REV, updated: the app's next migration keys a new table of its own into users and decks"
    ROWS=$(rows $DB)

    # pg_dump and pg_restore, as the app's role.  Restoring the app's own keys
    # into ours needs REFERENCES, which the database owner has from 1.4 on.
    REFERENCES=$(sql flashcard_schema_test_adopt_fresh -c "SELECT has_table_privilege('$APP', 'users', 'REFERENCES')")
    restore_todo() { [ "$REFERENCES" = t ] || todo "$LATEST grants the database owner no REFERENCES (1.4 does)"; }
    newdb ${DB}_restored && sql postgres -c "ALTER DATABASE ${DB}_restored OWNER TO $APP" &&
        PGUSER=$APP PGPASSWORD=$PW pg_dump -Fc -f "$WORK/$REV.dump" $DB &&
        PGUSER=$APP PGPASSWORD=$PW pg_restore --exit-on-error --single-transaction -d ${DB}_restored "$WORK/$REV.dump" 2>"$WORK/restore.err"
    st=$?; restore_todo
    ok $st "$REV: pg_dump and pg_restore as the app's role" || diag "$(cat "$WORK/restore.err")"
    restore_todo
    is "$(rows ${DB}_restored 2>/dev/null)" "$ROWS" "$REV, restored: every row identical"
    restore_todo
    is "$(failed_checks ${DB}_restored 2>/dev/null)" "0 of $(sql $DB -c "SELECT count(*) FROM flashcard_schema_verify()")" "$REV, restored: verify() is clean"

    # Every step down and back up, on a copy (the downgrades with allow_data_loss: quality 0 and 5 are there)
    newdb ${DB}_routes && sql postgres -c "DROP DATABASE ${DB}_routes" && createdb -O $APP -T $DB ${DB}_routes
    ok $? "$REV: a copy for the routes"
    VERSIONS=$(sql ${DB}_routes -c "SELECT version FROM pg_available_extension_versions
                                    WHERE name = 'flashcard_schema' AND version ~ '^[0-9]+\.[0-9]+$'
                                    ORDER BY string_to_array(version, '.')::int[]")
    route_ok=0 route=
    for v in $(echo "$VERSIONS" | tac | tail -n +2) $(echo "$VERSIONS" | tail -n +2); do
        out=$(PGOPTIONS='-c flashcard_schema.allow_data_loss=on' app ${DB}_routes -c "SET client_min_messages = error" \
              -c "ALTER EXTENSION flashcard_schema UPDATE TO '$v'" \
              -c "SELECT count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify()" 2>&1)
        route="$route $v"
        [ "$out" = 0 ] || { route_ok=1; diag "to $v: $out"; }
    done
    ok $route_ok "$REV: every step down to 1.0 and back, verify() clean at each:$route"
    is "$(core_facts ${DB}_routes)" "$FRESH_FACTS" "$REV, down and up again: the catalog facts of a fresh install"

    # The way out: the tables stay, owned by the app's role; the extension goes
    app $DB -c "ALTER EXTENSION flashcard_schema UPDATE TO 'detached'" -c "DROP EXTENSION flashcard_schema"
    ok $? "$REV: UPDATE TO 'detached' and DROP EXTENSION as the app's role"
    is "$(no_extension $DB)" "0" "$REV, left: the extension is gone"
    is "$(rows $DB)" "$ROWS" "$REV, left: every row and id identical"
    is "$(filenodes $DB)" "$NODES_UPDATED" "$REV, left: no relation rewritten (file nodes)"
    is "$(owners $DB | awk '{print $2}' | sort -u)" "$APP" "$REV, left: the app's role owns the tables and the four types again"
    is "$(sql $DB -c "SELECT string_agg(DISTINCT array_to_string(relacl, ','), ' ') FROM pg_class
                      WHERE relname = ANY (string_to_array('$TABLES', ' '))")" \
       "$(sql $DB -c "SELECT array_to_string(acldefault('r', oid), ',') FROM pg_roles WHERE rolname = '$APP'")" \
        "$REV, left: with the owner's privileges and no other grant"
    is "$(app_schema $DB)" "$APPSCHEMA" "$REV, left: the app's own tables, keys and view untouched"
    # The app's Alembic takes over again: the tables are at the revision the
    # extension was at ($LATEST: the columns of Alembic head 037928b86d1e), so
    # stamp that head, and migrate them as their owner (down a step and up)
    is "$(alembic $DB current 2>/dev/null | awk '{print $1}')" "$REV" "$REV, left: alembic current still says $REV"
    { alembic $DB stamp 037928b86d1e && alembic $DB downgrade 2cb115953b2a && alembic $DB upgrade 037928b86d1e; } >"$WORK/alembic.log" 2>&1
    ok $? "$REV, left: the app's Alembic migrates the tables again (stamp 037928b86d1e, downgrade a step, upgrade)" ||
        diag "$(cat "$WORK/alembic.log")"
done

# The app's data-layer test on an adopted, updated database (it needs empty tables)
make_app_db flashcard_schema_test_adopt_orm d606f59197e7 && app flashcard_schema_test_adopt_orm -c "DELETE FROM users; DELETE FROM decks" &&
    app flashcard_schema_test_adopt_orm -c "CREATE EXTENSION flashcard_schema VERSION 'alembic-d606f59197e7'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$LATEST'"
ok $? "an empty adopted database, updated to $LATEST"
out=$(APP_ORM_DATABASE=flashcard_schema_test_adopt_orm $PY "$TOP/test/t/app_orm.t" 2>&1)
ok $? "the app's data-layer test (test/t/app_orm.t) passes on it: $(echo "$out" | grep -c '^ok') assertions" ||
    diag "$(echo "$out" | grep -v '^ok' | head -40)"

done_testing
