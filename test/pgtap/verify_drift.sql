-- test/pgtap/verify_drift.sql: flashcard_schema_verify() and flashcard_schema_assert()
-- against a freshly installed schema and against one drift at a time.
--
-- Run by pg_prove against a database that has pgtap but not flashcard_schema.
-- Everything happens in one transaction that is rolled back; every drift case
-- runs in a savepoint and is rolled back before the next one, so the cases do
-- not interact (and the exact failing rows of each case prove it: a leftover
-- drift would show up as an extra row in the next case).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
-- The drift below is made by hand, as a superuser; from 1.4 the DROP guard
-- refuses planting members and dropping keys or indexes while the tables hold
-- rows (test/t/guard_1_4.t), unless the session allows it.
SET LOCAL flashcard_schema.allow_data_loss = on;
SET LOCAL client_min_messages = error;
SELECT no_plan();  -- finish() prints the plan: the count of what ran

-- 1.4, not the default: the checks below name 1.4's objects, which a later
-- revision may not have (test/bin/next_revision.sh runs this suite at a 1.5)
CREATE EXTENSION flashcard_schema VERSION '1.4';
\set installed 1.4
-- The latest version, from the control file (through the server), never a copy.
SELECT default_version AS latest FROM pg_available_extensions WHERE name = 'flashcard_schema' \gset

-- The failing checks, as every drift case compares them.
\set failing 'SELECT object_type, object_name, check_name, expected, actual FROM flashcard_schema_verify() WHERE NOT ok'
-- What assert() raises when the schema has drifted.
SELECT format('flashcard_schema %s does not match its expected schema', :'installed') AS drifted \gset

-- The DETAIL of the error assert() raises, or NULL if it returns quietly.
CREATE FUNCTION pg_temp.assert_detail() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    PERFORM flashcard_schema_assert();
    RETURN NULL;
EXCEPTION WHEN invalid_schema_definition THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN detail;
END
$$;

-- The DETAIL assert() should raise: "<n> of <checks> checks failed:" and one
-- line per failure.  The number of checks is verify()'s row count, so the two
-- functions must agree on it.
CREATE FUNCTION pg_temp.expected_detail(VARIADIC lines text[]) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s of %s checks failed:', cardinality(lines),
                  (SELECT count(*) FROM flashcard_schema_verify()))
           || (SELECT string_agg(E'\n' || line, '' ORDER BY n)
               FROM unnest(lines) WITH ORDINALITY AS u(line, n))
$$;

-- SQLSTATE, message, detail and hint of the error a statement raises (no row if none).
CREATE FUNCTION pg_temp.caught(sql text)
RETURNS TABLE(err_code text, err_message text, err_detail text, err_hint text) LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS err_code = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
    RETURN NEXT;
END
$$;

------------------------------------------------------------------------------
-- A fresh install (of 1.4) passes every check.
------------------------------------------------------------------------------
SELECT is(flashcard_schema_revision(), :'installed', 'fresh install: revision() is the version installed');
SELECT is_empty(:'failing', 'fresh install: every verify() row is ok');
SELECT lives_ok('SELECT flashcard_schema_assert()', 'fresh install: assert() is quiet');
SELECT is(pg_temp.assert_detail(), NULL, 'fresh install: assert() raises nothing at all');

-- verify() covers every object of the extension: the database, each enum type,
-- table, column, constraint and (non-constraint) index that the install made.
SELECT set_eq(
    'SELECT DISTINCT object_type, object_name FROM flashcard_schema_verify()',
    $$SELECT 'database', current_database()::text
      UNION ALL
      SELECT 'type', t.typname::text FROM pg_type t
       WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'
      UNION ALL
      SELECT 'table', c.relname::text FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
      UNION ALL
      SELECT 'column', c.relname || '.' || a.attname FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
      UNION ALL
      SELECT 'constraint', n.conname::text FROM pg_constraint n
       WHERE n.connamespace = 'public'::regnamespace
         AND n.contype <> 'n'  -- PostgreSQL 18's NOT NULL: checked as the column's nullable
      UNION ALL
      SELECT 'index', i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE i.relnamespace = 'public'::regnamespace
         AND NOT EXISTS (SELECT FROM pg_constraint n WHERE n.conindid = x.indexrelid)
      UNION ALL
      SELECT 'function', p.proname::text FROM pg_proc p
       WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'flashcard\_schema\_%'
      UNION ALL
      SELECT 'event trigger', e.evtname::text FROM pg_event_trigger e
       WHERE e.evtname LIKE 'flashcard\_schema\_%'$$,
    'fresh install: verify() checks every enum, table, column, constraint, index and function');

-- ... with these checks for each kind of object.  (The rows for what the
-- contract does not have, check 'extra', appear only on a drifted schema.)
SELECT set_eq(
    'SELECT DISTINCT object_type, check_name FROM flashcard_schema_verify()',
    $$VALUES ('database', 'encoding'),
             ('type', 'exists'), ('type', 'labels'), ('type', 'extension member'),
             ('table', 'exists'), ('table', 'extension member'), ('table', 'dumped by pg_dump'),
             ('table', 'persistence'), ('table', 'access method'), ('table', 'inheritance'),
             ('table', 'row security'), ('table', 'privileges'),
             ('column', 'exists'), ('column', 'position'), ('column', 'type'),
             ('column', 'collation'), ('column', 'nullable'), ('column', 'default'),
             ('column', 'comment'),
             ('constraint', 'exists'), ('constraint', 'columns'),
             ('constraint', 'references'), ('constraint', 'on delete'),
             ('constraint', 'definition'), ('constraint', 'triggers'),
             ('index', 'exists'), ('index', 'unique'), ('index', 'method'),
             ('index', 'columns'), ('index', 'definition'),
             ('function', 'exists'), ('function', 'extension member'), ('function', 'signature'),
             ('function', 'implementation'), ('function', 'security'), ('function', 'settings'),
             ('event trigger', 'exists'), ('event trigger', 'extension member'), ('event trigger', 'enabled')$$,
    'fresh install: verify() runs the expected kinds of check');

-- verify() with no argument and with NULL check the installed version.
SELECT results_eq('SELECT * FROM flashcard_schema_verify(NULL)',
                  format('SELECT * FROM flashcard_schema_verify(%L)', :'installed'),
                  'verify(NULL) checks the installed version');
SELECT results_eq('SELECT * FROM flashcard_schema_verify()',
                  'SELECT * FROM flashcard_schema_verify(NULL)',
                  'verify() with no argument is verify(NULL)');

------------------------------------------------------------------------------
-- Drift, one change at a time: verify() names exactly what changed, and
-- assert() raises 42P15 listing the same failures.
------------------------------------------------------------------------------

-- an index dropped
SAVEPOINT drift;
DROP INDEX ix_decks_name;
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_name', 'exists', 'index', NULL::text)$$,
    'dropped index: verify() reports it missing');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'dropped index: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'index ix_decks_name: exists: expected index, found none'),
    'dropped index: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a unique index re-created non-unique
SAVEPOINT drift;
DROP INDEX ix_users_email;
CREATE INDEX ix_users_email ON users (email);
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_users_email', 'unique', 'UNIQUE', 'not unique'),
             ('index', 'ix_users_email', 'definition',
              'CREATE UNIQUE INDEX ix_users_email ON users USING btree (email)',
              'CREATE INDEX ix_users_email ON users USING btree (email)')$$,
    'index re-created non-unique: verify() reports it, and the definition differs');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'index re-created non-unique: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'index ix_users_email: unique: expected UNIQUE, found not unique',
    'index ix_users_email: definition: expected CREATE UNIQUE INDEX ix_users_email ON users USING btree (email), found CREATE INDEX ix_users_email ON users USING btree (email)'),
    'index re-created non-unique: assert() lists both failures');
ROLLBACK TO SAVEPOINT drift;

-- an index re-created with another sort order
SAVEPOINT drift;
DROP INDEX ix_decks_name;
CREATE INDEX ix_decks_name ON decks (name DESC);
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_name', 'columns', '(name)', '(name DESC)'),
             ('index', 'ix_decks_name', 'definition',
              'CREATE INDEX ix_decks_name ON decks USING btree (name)',
              'CREATE INDEX ix_decks_name ON decks USING btree (name DESC)')$$,
    'index re-created DESC: verify() reports the sort order in the columns and the definition');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'index re-created DESC: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'index ix_decks_name: columns: expected (name), found (name DESC)',
    'index ix_decks_name: definition: expected CREATE INDEX ix_decks_name ON decks USING btree (name), found CREATE INDEX ix_decks_name ON decks USING btree (name DESC)'),
    'index re-created DESC: assert() lists both failures');
ROLLBACK TO SAVEPOINT drift;

-- one column of a multi-column index re-created DESC NULLS LAST
SAVEPOINT drift;
DROP INDEX ix_card_statistics_user_due_cards;
CREATE INDEX ix_card_statistics_user_due_cards
    ON card_statistics (user_id, next_review_date DESC NULLS LAST, status);
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_card_statistics_user_due_cards', 'columns',
              '(user_id, next_review_date, status)',
              '(user_id, next_review_date DESC NULLS LAST, status)'),
             ('index', 'ix_card_statistics_user_due_cards', 'definition',
              'CREATE INDEX ix_card_statistics_user_due_cards ON card_statistics USING btree (user_id, next_review_date, status)',
              'CREATE INDEX ix_card_statistics_user_due_cards ON card_statistics USING btree (user_id, next_review_date DESC NULLS LAST, status)')$$,
    'due-cards index with one column DESC NULLS LAST: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- an index re-created with another access method
SAVEPOINT drift;
DROP INDEX ix_decks_name;
CREATE INDEX ix_decks_name ON decks USING hash (name);
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_name', 'method', 'btree', 'hash'),
             ('index', 'ix_decks_name', 'definition',
              'CREATE INDEX ix_decks_name ON decks USING btree (name)',
              'CREATE INDEX ix_decks_name ON decks USING hash (name)')$$,
    'index re-created as hash: verify() reports the method');
ROLLBACK TO SAVEPOINT drift;

-- an index that was not in the contract
SAVEPOINT drift;
CREATE INDEX ix_decks_description ON decks (description);
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_description', 'extra', NULL::text, 'CREATE INDEX ix_decks_description ON decks USING btree (description)')$$,
    'extra index: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- an index re-created with another operator class: the columns and the
-- definition show it
SAVEPOINT drift;
DROP INDEX ix_decks_name;
CREATE INDEX ix_decks_name ON decks (name varchar_pattern_ops);
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_name', 'columns', '(name)', '(name varchar_pattern_ops)'),
             ('index', 'ix_decks_name', 'definition',
              'CREATE INDEX ix_decks_name ON decks USING btree (name)',
              'CREATE INDEX ix_decks_name ON decks USING btree (name varchar_pattern_ops)')$$,
    'index with opclass varchar_pattern_ops: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'index with opclass varchar_pattern_ops: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- an index re-created with another collation than its column's
SAVEPOINT drift;
DROP INDEX ix_decks_name;
CREATE INDEX ix_decks_name ON decks (name COLLATE "C");
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_name', 'columns', '(name)', '(name COLLATE "C")'),
             ('index', 'ix_decks_name', 'definition',
              'CREATE INDEX ix_decks_name ON decks USING btree (name)',
              'CREATE INDEX ix_decks_name ON decks USING btree (name COLLATE "C")')$$,
    'index with COLLATE "C": verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'index with COLLATE "C": assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a unique index re-created NULLS NOT DISTINCT: same columns, only the
-- definition differs
SAVEPOINT drift;
DROP INDEX ix_users_email;
CREATE UNIQUE INDEX ix_users_email ON users (email) NULLS NOT DISTINCT;
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_users_email', 'definition',
              'CREATE UNIQUE INDEX ix_users_email ON users USING btree (email)',
              'CREATE UNIQUE INDEX ix_users_email ON users USING btree (email) NULLS NOT DISTINCT')$$,
    'unique index NULLS NOT DISTINCT: verify() reports the definition');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'unique index NULLS NOT DISTINCT: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'index ix_users_email: definition: expected CREATE UNIQUE INDEX ix_users_email ON users USING btree (email), found CREATE UNIQUE INDEX ix_users_email ON users USING btree (email) NULLS NOT DISTINCT'),
    'unique index NULLS NOT DISTINCT: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- an index re-created partial: the definition shows the predicate
SAVEPOINT drift;
DROP INDEX ix_cards_difficulty;
CREATE INDEX ix_cards_difficulty ON cards (difficulty) WHERE difficulty <> 'EASY';
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_cards_difficulty', 'definition',
              'CREATE INDEX ix_cards_difficulty ON cards USING btree (difficulty)',
              'CREATE INDEX ix_cards_difficulty ON cards USING btree (difficulty) WHERE difficulty <> ''EASY''::carddifficulty')$$,
    'partial index: verify() reports the predicate in the definition');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'partial index: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a column's type changed
SAVEPOINT drift;
ALTER TABLE cards ALTER COLUMN order_index TYPE bigint;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'cards.order_index', 'type', 'integer', 'bigint')$$,
    'changed column type: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'changed column type: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column cards.order_index: type: expected integer, found bigint'),
    'changed column type: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a column's typmod changed
SAVEPOINT drift;
ALTER TABLE users ALTER COLUMN email TYPE varchar(300);
SELECT results_eq(:'failing',
    $$VALUES ('column', 'users.email', 'type', 'character varying(255)', 'character varying(300)')$$,
    'varchar(255) -> varchar(300): verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'varchar(255) -> varchar(300): assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column users.email: type: expected character varying(255), found character varying(300)'),
    'varchar(255) -> varchar(300): assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a column given a collation other than its type's default
SAVEPOINT drift;
ALTER TABLE cards ALTER COLUMN front_text TYPE text COLLATE "C";
SELECT results_eq(:'failing',
    $$VALUES ('column', 'cards.front_text', 'collation', NULL::text, 'C')$$,
    'column COLLATE "C": verify() reports the collation');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'column COLLATE "C": assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column cards.front_text: collation: expected none, found C'),
    'column COLLATE "C": assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- NOT NULL dropped
SAVEPOINT drift;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'users.email', 'nullable', 'not null', 'null')$$,
    'DROP NOT NULL: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'DROP NOT NULL: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column users.email: nullable: expected not null, found null'),
    'DROP NOT NULL: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- NOT NULL added to a nullable column
SAVEPOINT drift;
ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'users.full_name', 'nullable', 'null', 'not null')$$,
    'SET NOT NULL: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- a default changed
SAVEPOINT drift;
ALTER TABLE user_settings ALTER COLUMN daily_goal SET DEFAULT 10;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'user_settings.daily_goal', 'default', '20', '10')$$,
    'changed default: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'changed default: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column user_settings.daily_goal: default: expected 20, found 10'),
    'changed default: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- an enum default changed
SAVEPOINT drift;
ALTER TABLE cards ALTER COLUMN difficulty SET DEFAULT 'EASY';
SELECT results_eq(:'failing',
    $$VALUES ('column', 'cards.difficulty', 'default', '''MEDIUM''::carddifficulty', '''EASY''::carddifficulty')$$,
    'changed enum default: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- a default dropped
SAVEPOINT drift;
ALTER TABLE users ALTER COLUMN is_active DROP DEFAULT;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'users.is_active', 'default', 'true', NULL::text)$$,
    'dropped default: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'dropped default: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column users.is_active: default: expected true, found none'),
    'dropped default: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a default added where the contract has none
SAVEPOINT drift;
ALTER TABLE decks ALTER COLUMN description SET DEFAULT '';
SELECT results_eq(:'failing',
    $$VALUES ('column', 'decks.description', 'default', NULL::text, '''''::text')$$,
    'added default: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- a column comment changed
SAVEPOINT drift;
COMMENT ON COLUMN users.created_at IS 'created';
SELECT results_eq(:'failing',
    $$VALUES ('column', 'users.created_at', 'comment', 'Timestamp when record was created', 'created')$$,
    'changed column comment: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- an enum label added (allowed in a transaction block since PostgreSQL 12;
-- the label cannot be used before commit, but verify() only reads pg_enum)
SAVEPOINT drift;
ALTER TYPE cardstatus ADD VALUE 'SUSPENDED';
SELECT results_eq(:'failing',
    $$VALUES ('type', 'cardstatus', 'labels',
              'NEW, LEARNING, REVIEW, RELEARNING, MASTERED',
              'NEW, LEARNING, REVIEW, RELEARNING, MASTERED, SUSPENDED')$$,
    'enum label added: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'enum label added: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'type cardstatus: labels: expected NEW, LEARNING, REVIEW, RELEARNING, MASTERED, found NEW, LEARNING, REVIEW, RELEARNING, MASTERED, SUSPENDED'),
    'enum label added: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- an enum label inserted before the first one: order matters
SAVEPOINT drift;
ALTER TYPE decklevel ADD VALUE 'A0' BEFORE 'A1';
SELECT results_eq(:'failing',
    $$VALUES ('type', 'decklevel', 'labels', 'A1, A2, B1, B2, C1, C2', 'A0, A1, A2, B1, B2, C1, C2')$$,
    'enum label inserted first: verify() reports the new order');
ROLLBACK TO SAVEPOINT drift;

-- an enum label renamed
SAVEPOINT drift;
ALTER TYPE reviewrating RENAME VALUE 'AGAIN' TO 'FAIL';
SELECT results_eq(:'failing',
    $$VALUES ('type', 'reviewrating', 'labels', 'AGAIN, HARD, GOOD, EASY', 'FAIL, HARD, GOOD, EASY')$$,
    'enum label renamed: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'enum label renamed: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'type reviewrating: labels: expected AGAIN, HARD, GOOD, EASY, found FAIL, HARD, GOOD, EASY'),
    'enum label renamed: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key dropped
SAVEPOINT drift;
ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'cards_deck_id_fkey', 'exists', 'FOREIGN KEY', NULL::text)$$,
    'dropped foreign key: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'dropped foreign key: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'constraint cards_deck_id_fkey: exists: expected FOREIGN KEY, found none'),
    'dropped foreign key: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key re-added ON DELETE SET NULL
SAVEPOINT drift;
ALTER TABLE reviews DROP CONSTRAINT reviews_card_id_fkey,
    ADD CONSTRAINT reviews_card_id_fkey FOREIGN KEY (card_id)
        REFERENCES cards (id) ON DELETE SET NULL;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'reviews_card_id_fkey', 'on delete', 'CASCADE', 'SET NULL'),
             ('constraint', 'reviews_card_id_fkey', 'definition',
              'FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE CASCADE',
              'FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE SET NULL')$$,
    'foreign key ON DELETE SET NULL: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'foreign key ON DELETE SET NULL: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'constraint reviews_card_id_fkey: on delete: expected CASCADE, found SET NULL',
    'constraint reviews_card_id_fkey: definition: expected FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE CASCADE, found FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE SET NULL'),
    'foreign key ON DELETE SET NULL: assert() lists both failures');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key re-added ON DELETE RESTRICT
SAVEPOINT drift;
ALTER TABLE user_settings DROP CONSTRAINT user_settings_user_id_fkey,
    ADD CONSTRAINT user_settings_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE RESTRICT;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'user_settings_user_id_fkey', 'on delete', 'CASCADE', 'RESTRICT'),
             ('constraint', 'user_settings_user_id_fkey', 'definition',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE RESTRICT')$$,
    'foreign key ON DELETE RESTRICT: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'foreign key ON DELETE RESTRICT: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key re-added with no ON DELETE clause
SAVEPOINT drift;
ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey,
    ADD CONSTRAINT cards_deck_id_fkey FOREIGN KEY (deck_id) REFERENCES decks (id);
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'cards_deck_id_fkey', 'on delete', 'CASCADE', 'NO ACTION'),
             ('constraint', 'cards_deck_id_fkey', 'definition',
              'FOREIGN KEY (deck_id) REFERENCES decks(id) ON DELETE CASCADE',
              'FOREIGN KEY (deck_id) REFERENCES decks(id)')$$,
    'foreign key without ON DELETE: verify() reports NO ACTION');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key pointed at another table
SAVEPOINT drift;
ALTER TABLE reviews DROP CONSTRAINT reviews_card_id_fkey,
    ADD CONSTRAINT reviews_card_id_fkey FOREIGN KEY (card_id)
        REFERENCES decks (id) ON DELETE CASCADE;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'reviews_card_id_fkey', 'references', 'cards(id)', 'decks(id)'),
             ('constraint', 'reviews_card_id_fkey', 'definition',
              'FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE CASCADE',
              'FOREIGN KEY (card_id) REFERENCES decks(id) ON DELETE CASCADE')$$,
    'foreign key to another table: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- the unique constraint uq_user_deck lost
SAVEPOINT drift;
ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'uq_user_deck', 'exists', 'UNIQUE', NULL::text)$$,
    'lost unique constraint: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'lost unique constraint: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'constraint uq_user_deck: exists: expected UNIQUE, found none'),
    'lost unique constraint: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- the unique constraint uq_user_deck re-created with its columns swapped
SAVEPOINT drift;
ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck,
    ADD CONSTRAINT uq_user_deck UNIQUE (deck_id, user_id);
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'uq_user_deck', 'columns', '(user_id, deck_id)', '(deck_id, user_id)'),
             ('constraint', 'uq_user_deck', 'definition', 'UNIQUE (user_id, deck_id)', 'UNIQUE (deck_id, user_id)')$$,
    'unique constraint with columns swapped: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- the unique constraint uq_user_deck re-created DEFERRABLE
SAVEPOINT drift;
ALTER TABLE user_deck_progress DROP CONSTRAINT uq_user_deck,
    ADD CONSTRAINT uq_user_deck UNIQUE (user_id, deck_id) DEFERRABLE;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'uq_user_deck', 'definition',
              'UNIQUE (user_id, deck_id)', 'UNIQUE (user_id, deck_id) DEFERRABLE')$$,
    'DEFERRABLE unique constraint: verify() reports the definition');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'DEFERRABLE unique constraint: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'constraint uq_user_deck: definition: expected UNIQUE (user_id, deck_id), found UNIQUE (user_id, deck_id) DEFERRABLE'),
    'DEFERRABLE unique constraint: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key re-added NOT VALID (existing rows never checked)
SAVEPOINT drift;
ALTER TABLE card_statistics DROP CONSTRAINT card_statistics_card_id_fkey,
    ADD CONSTRAINT card_statistics_card_id_fkey FOREIGN KEY (card_id)
        REFERENCES cards (id) ON DELETE CASCADE NOT VALID;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'card_statistics_card_id_fkey', 'definition',
              'FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE CASCADE',
              'FOREIGN KEY (card_id) REFERENCES cards(id) ON DELETE CASCADE NOT VALID')$$,
    'foreign key NOT VALID: verify() reports the definition');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'foreign key NOT VALID: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key re-added with ON UPDATE SET NULL (ON DELETE unchanged)
SAVEPOINT drift;
ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_user_id_fkey,
    ADD CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON UPDATE SET NULL ON DELETE CASCADE;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'refresh_tokens_user_id_fkey', 'definition',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON UPDATE SET NULL ON DELETE CASCADE')$$,
    'foreign key ON UPDATE SET NULL: verify() reports the definition');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'foreign key ON UPDATE SET NULL: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a UNIQUE constraint that is not in the contract: reported once, as a
-- constraint (its index is the constraint's, not a second extra)
SAVEPOINT drift;
ALTER TABLE decks ADD CONSTRAINT uq_deck_name UNIQUE (name);
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'uq_deck_name', 'extra', NULL::text, 'UNIQUE (name)')$$,
    'extra UNIQUE constraint: verify() reports it once, as a constraint');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'extra UNIQUE constraint: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'constraint uq_deck_name: extra: expected none, found UNIQUE (name)'),
    'extra UNIQUE constraint: assert() lists the one failure');
ROLLBACK TO SAVEPOINT drift;

-- a CHECK constraint that is not in the contract
SAVEPOINT drift;
ALTER TABLE user_settings ADD CONSTRAINT daily_goal_positive CHECK (daily_goal > 0);
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'daily_goal_positive', 'extra', NULL::text, 'CHECK ((daily_goal > 0))')$$,
    'extra CHECK constraint: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- an extra column
SAVEPOINT drift;
ALTER TABLE decks ADD COLUMN color text;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'decks.color', 'extra', NULL::text, 'text')$$,
    'extra column: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'extra column: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column decks.color: extra: expected none, found text'),
    'extra column: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a renamed column: the contract's one is missing, the new name is extra
SAVEPOINT drift;
ALTER TABLE cards RENAME COLUMN back_text TO translation;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'cards.back_text', 'exists', 'column', NULL::text),
             ('column', 'cards.translation', 'extra', NULL::text, 'text not null')$$,
    'renamed column: verify() reports the old name missing and the new one extra');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'renamed column: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'column cards.back_text: exists: expected column, found none',
    'column cards.translation: extra: expected none, found text not null'),
    'renamed column: assert() lists both failures');
ROLLBACK TO SAVEPOINT drift;

-- a dropped column: it is missing and every later column moved up
SAVEPOINT drift;
ALTER TABLE cards DROP COLUMN example_sentence;
SELECT results_eq(:'failing',
    $$VALUES ('column', 'cards.example_sentence', 'exists', 'column', NULL::text),
             ('column', 'cards.pronunciation', 'position', '6', '5'),
             ('column', 'cards.difficulty', 'position', '7', '6'),
             ('column', 'cards.order_index', 'position', '8', '7'),
             ('column', 'cards.created_at', 'position', '9', '8'),
             ('column', 'cards.updated_at', 'position', '10', '9')$$,
    'dropped column: verify() reports it missing and the later columns moved');
ROLLBACK TO SAVEPOINT drift;

-- a table taken out of the extension (which also unregisters it for pg_dump)
SAVEPOINT drift;
ALTER EXTENSION flashcard_schema DROP TABLE reviews;
SELECT results_eq(:'failing',
    $$VALUES ('table', 'reviews', 'extension member', 'flashcard_schema', NULL::text),
             ('table', 'reviews', 'dumped by pg_dump', 'registered', 'not registered')$$,
    'table taken out of the extension: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'table taken out of the extension: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'table reviews: extension member: expected flashcard_schema, found none',
    'table reviews: dumped by pg_dump: expected registered, found not registered'),
    'table taken out of the extension: assert() lists both failures');
ROLLBACK TO SAVEPOINT drift;

-- a table put back into the extension, but no longer registered for pg_dump
-- (ALTER EXTENSION ... DROP removed it from extconfig; ADD does not restore it)
SAVEPOINT drift;
ALTER EXTENSION flashcard_schema DROP TABLE cards;
ALTER EXTENSION flashcard_schema ADD TABLE cards;
SELECT results_eq(:'failing',
    $$VALUES ('table', 'cards', 'dumped by pg_dump', 'registered', 'not registered')$$,
    'table not registered for pg_dump: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'table not registered for pg_dump: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'table cards: dumped by pg_dump: expected registered, found not registered'),
    'table not registered for pg_dump: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- an enum type taken out of the extension
SAVEPOINT drift;
ALTER EXTENSION flashcard_schema DROP TYPE reviewrating;
SELECT results_eq(:'failing',
    $$VALUES ('type', 'reviewrating', 'extension member', 'flashcard_schema', NULL::text)$$,
    'enum type taken out of the extension: verify() reports it');
ROLLBACK TO SAVEPOINT drift;

-- a table added to the extension: a member the contract does not have
SAVEPOINT drift;
CREATE TABLE audit_log (id bigint PRIMARY KEY, note text);
ALTER EXTENSION flashcard_schema ADD TABLE audit_log;
SELECT results_eq(:'failing',
    $$VALUES ('extension', 'flashcard_schema', 'extra', NULL::text, 'table audit_log')$$,
    'table added to the extension: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'table added to the extension: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'extension flashcard_schema: extra: expected none, found table audit_log'),
    'table added to the extension: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a type added to the extension
SAVEPOINT drift;
CREATE TYPE auditaction AS ENUM ('INSERT', 'DELETE');
ALTER EXTENSION flashcard_schema ADD TYPE auditaction;
SELECT results_eq(:'failing',
    $$VALUES ('extension', 'flashcard_schema', 'extra', NULL::text, 'type auditaction')$$,
    'type added to the extension: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'type added to the extension: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a pg_dump filter on a config table: pg_dump would write only some of its
-- rows (pg_extension_config_dump() with a WHERE clause; here set directly,
-- as a superuser may)
SAVEPOINT drift;
UPDATE pg_extension SET extcondition[1] = 'WHERE is_active'
WHERE extname = 'flashcard_schema';
SELECT is((SELECT extconfig[1]::regclass::text FROM pg_extension WHERE extname = 'flashcard_schema'),
          'users', 'pg_dump filter: the first config table is users');
SELECT results_eq(:'failing',
    $$VALUES ('table', 'users', 'dumped by pg_dump', 'registered', 'registered, rows WHERE is_active')$$,
    'pg_dump filter on a config table: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'pg_dump filter on a config table: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'table users: dumped by pg_dump: expected registered, found registered, rows WHERE is_active'),
    'pg_dump filter on a config table: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a table renamed away: verify() reports the contract's table missing, and
-- the new name as an extension member the contract does not have
SAVEPOINT drift;
ALTER TABLE reviews RENAME TO reviews_old;
SELECT results_eq(:'failing',
    $$VALUES ('table', 'reviews', 'exists', 'table', NULL::text),
             ('extension', 'flashcard_schema', 'extra', NULL::text, 'table reviews_old')$$,
    'renamed table: verify() reports the old name missing and the new one an extra member');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'renamed table: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'table reviews: exists: expected table, found none',
    'extension flashcard_schema: extra: expected none, found table reviews_old'),
    'renamed table: assert() lists both failures');
ROLLBACK TO SAVEPOINT drift;

-- several drifts at once: all of them, in verify()'s order
SAVEPOINT drift;
DROP INDEX ix_decks_name;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TYPE reviewrating RENAME VALUE 'AGAIN' TO 'FAIL';
SELECT results_eq(:'failing',
    $$VALUES ('type', 'reviewrating', 'labels', 'AGAIN, HARD, GOOD, EASY', 'FAIL, HARD, GOOD, EASY'),
             ('column', 'users.email', 'nullable', 'not null', 'null'),
             ('index', 'ix_decks_name', 'exists', 'index', NULL::text)$$,
    'three drifts at once: verify() reports all three');
SELECT is(pg_temp.assert_detail(), pg_temp.expected_detail(
    'type reviewrating: labels: expected AGAIN, HARD, GOOD, EASY, found FAIL, HARD, GOOD, EASY',
    'column users.email: nullable: expected not null, found null',
    'index ix_decks_name: exists: expected index, found none'),
    'three drifts at once: assert() lists all three');
ROLLBACK TO SAVEPOINT drift;

-- after all that, the schema is back to a clean install
SELECT is_empty(:'failing', 'after the drift cases: every verify() row is ok again');

------------------------------------------------------------------------------
-- A database at 1.0 served by the current library.
------------------------------------------------------------------------------
-- status()'s signature before 1.3, and in 1.3 (three more columns)
SELECT '(OUT installed_version text, OUT library_version text, OUT default_version text, OUT pending text[], OUT up_to_date boolean) RETURNS SETOF record' AS status_1_0,
       '(OUT installed_version text, OUT library_version text, OUT default_version text, OUT pending text[], OUT up_to_date boolean, OUT in_recovery boolean, OUT publications text[], OUT subscriptions text[]) RETURNS SETOF record' AS status_1_3 \gset
SAVEPOINT old;
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.0';
SELECT is(flashcard_schema_revision(), '1.0', 'at 1.0: revision() is 1.0');
-- every version the package ships after 1.0, in order (from the server, never a copy)
SELECT ARRAY(SELECT version FROM pg_available_extension_versions
              WHERE name = 'flashcard_schema' AND version <> '1.0' AND version ~ '^[0-9]+\.[0-9]+$'
              ORDER BY string_to_array(version, '.')::int[])::text AS after_1_0 \gset
SELECT results_eq('SELECT * FROM flashcard_schema_status()',
    format($$VALUES ('1.0', %L, %L, %L::text[], false)$$, :'latest', :'latest', :'after_1_0'),
    'at 1.0: status() shows the current library and default, and every later version pending');
SELECT is_empty(:'failing', 'at 1.0: every verify() row is ok');
SELECT results_eq('SELECT * FROM flashcard_schema_verify()',
                  $$SELECT * FROM flashcard_schema_verify('1.0')$$,
                  'at 1.0: verify() checks the installed version, 1.0');
SELECT lives_ok('SELECT flashcard_schema_assert()', 'at 1.0: assert() is quiet');
SELECT results_eq(
    $$SELECT object_type, object_name, check_name, expected, actual
      FROM flashcard_schema_verify('1.3') WHERE NOT ok AND check_name <> 'privileges'$$,
    format($$VALUES ('type', 'decklevel', 'labels', 'A1, A2, B1, B2, C1, C2', 'A1, A2, B1, B2'),
             ('column', 'users.last_login_at', 'exists', 'column', NULL::text),
             ('column', 'users.last_login_ip', 'exists', 'column', NULL::text),
             ('column', 'reviews.quality', 'type', 'integer', 'reviewrating'),
             ('function', 'flashcard_schema_revision', 'settings', 'search_path=pg_catalog, public, pg_temp', 'search_path=pg_catalog, public'),
             ('function', 'flashcard_schema_status', 'signature', %1$L, %2$L),
             ('function', 'flashcard_schema_status', 'settings', 'search_path=pg_catalog, public, pg_temp', 'search_path=pg_catalog, public'),
             ('function', 'flashcard_schema_verify', 'settings', 'search_path=pg_catalog, public, pg_temp', 'search_path=pg_catalog, public'),
             ('function', 'flashcard_schema_assert', 'settings', 'search_path=pg_catalog, public, pg_temp', 'search_path=pg_catalog, public'),
             ('function', 'flashcard_schema_drop_guard', 'exists', 'function', NULL::text),
             ('function', 'flashcard_schema_distribute', 'exists', 'function', NULL::text),
             ('event trigger', 'flashcard_schema_drop_guard', 'exists', 'event trigger', NULL::text)$$, :'status_1_3', :'status_1_0'),
    'at 1.0: verify(''1.3'') reports the missing 1.1, 1.2 and 1.3 facts (1.3: pg_temp last in the functions'' search_path, the DROP guard, distribute())');
-- A table owner's privileges as \dp prints them: arwdDxt, and from PostgreSQL
-- 17 on arwdDxtm (MAINTAIN).
SELECT pg_catalog.regexp_replace(pg_catalog.acldefault('r', current_user::regrole)::text,
                                 '^\{[^=]*=([a-zA-Z]*)/.*$', '\1') AS all_privs \gset
SELECT results_eq(
    $$SELECT object_name, expected, actual FROM flashcard_schema_verify('1.3')
      WHERE NOT ok AND check_name = 'privileges' ORDER BY 1$$,
    format($$SELECT t, '%1$s=%2$s/%1$s, pg_database_owner=arwd/%1$s', '%1$s=%2$s/%1$s'
             FROM unnest(ARRAY['card_statistics', 'cards', 'decks', 'refresh_tokens', 'reviews',
                               'user_deck_progress', 'user_settings', 'users']) t ORDER BY 1$$, current_user, :'all_privs'),
    'at 1.0: verify(''1.3'') reports the grant to pg_database_owner missing on every table');
SELECT results_eq(
    $$SELECT object_type, object_name, check_name, expected, actual
      FROM flashcard_schema_verify('1.2') WHERE NOT ok$$,
    $$VALUES ('type', 'decklevel', 'labels', 'A1, A2, B1, B2, C1, C2', 'A1, A2, B1, B2'),
             ('column', 'users.last_login_at', 'exists', 'column', NULL::text),
             ('column', 'users.last_login_ip', 'exists', 'column', NULL::text)$$,
    'at 1.0: verify(''1.2'') reports the missing 1.1 and 1.2 facts');
SELECT results_eq(
    $$SELECT object_type, object_name, check_name, expected, actual
      FROM flashcard_schema_verify('1.1') WHERE NOT ok$$,
    $$VALUES ('column', 'users.last_login_at', 'exists', 'column', NULL::text),
             ('column', 'users.last_login_ip', 'exists', 'column', NULL::text)$$,
    'at 1.0: verify(''1.1'') reports the missing 1.1 facts');
ALTER EXTENSION flashcard_schema UPDATE;
SELECT results_eq('SELECT * FROM flashcard_schema_status()',
    format($$VALUES (%L, %L, %L, '{}'::text[], true, false, '{}'::text[], '{}'::text[])$$, :'latest', :'latest', :'latest'),
    'after ALTER EXTENSION UPDATE: status() is up to date');
SELECT is_empty(:'failing', 'after ALTER EXTENSION UPDATE: every verify() row is ok');
ROLLBACK TO SAVEPOINT old;

-- and a 1.3 database checked against 1.0 shows what 1.0 does not have
SAVEPOINT old;
DROP EXTENSION flashcard_schema;
CREATE EXTENSION flashcard_schema VERSION '1.3';
SELECT results_eq(
    $$SELECT object_type, object_name, check_name, expected, actual
      FROM flashcard_schema_verify('1.0') WHERE NOT ok AND check_name <> 'privileges'$$,
    format($$VALUES ('type', 'decklevel', 'labels', 'A1, A2, B1, B2', 'A1, A2, B1, B2, C1, C2'),
             ('column', 'users.last_login_at', 'extra', NULL::text, 'timestamp with time zone'),
             ('column', 'users.last_login_ip', 'extra', NULL::text, 'character varying(45)'),
             ('column', 'reviews.quality', 'type', 'reviewrating', 'integer'),
             ('function', 'flashcard_schema_revision', 'settings', 'search_path=pg_catalog, public', 'search_path=pg_catalog, public, pg_temp'),
             ('function', 'flashcard_schema_status', 'signature', %2$L, %1$L),
             ('function', 'flashcard_schema_status', 'settings', 'search_path=pg_catalog, public', 'search_path=pg_catalog, public, pg_temp'),
             ('function', 'flashcard_schema_verify', 'settings', 'search_path=pg_catalog, public', 'search_path=pg_catalog, public, pg_temp'),
             ('function', 'flashcard_schema_assert', 'settings', 'search_path=pg_catalog, public', 'search_path=pg_catalog, public, pg_temp'),
             ('extension', 'flashcard_schema', 'extra', NULL::text, 'function flashcard_schema_drop_guard()'),
             ('extension', 'flashcard_schema', 'extra', NULL::text, 'event trigger flashcard_schema_drop_guard'),
             ('extension', 'flashcard_schema', 'extra', NULL::text, 'function flashcard_schema_distribute(integer)')$$, :'status_1_3', :'status_1_0'),
    'at 1.3: verify(''1.0'') reports the 1.1, 1.2 and 1.3 facts as differences');
SELECT results_eq(
    $$SELECT object_name, expected, actual FROM flashcard_schema_verify('1.0')
      WHERE NOT ok AND check_name = 'privileges' ORDER BY 1$$,
    format($$SELECT t, '%1$s=%2$s/%1$s', '%1$s=%2$s/%1$s, pg_database_owner=arwd/%1$s'
             FROM unnest(ARRAY['card_statistics', 'cards', 'decks', 'refresh_tokens', 'reviews',
                               'user_deck_progress', 'user_settings', 'users']) t ORDER BY 1$$, current_user, :'all_privs'),
    'at 1.3: verify(''1.0'') reports the grant to pg_database_owner as a difference on every table');
ROLLBACK TO SAVEPOINT old;

------------------------------------------------------------------------------
-- Bad input: SQLSTATE 22023, the exact message, and the known versions in the hint.
------------------------------------------------------------------------------
SELECT format('Known versions are: %s. Pass NULL for the installed one.',
              string_agg(version, ', ' ORDER BY string_to_array(version, '.')::int[])) AS hint
  FROM pg_available_extension_versions
 WHERE name = 'flashcard_schema' AND version ~ '^[0-9]+\.[0-9]+$' \gset
SELECT format('A version is two numbers separated by a dot, such as "%s".', :'latest') AS shape \gset

SELECT throws_ok($$SELECT * FROM flashcard_schema_verify('')$$, '22023',
    'flashcard_schema version must not be empty', 'verify(''''): 22023, empty');
SELECT results_eq($$SELECT * FROM pg_temp.caught('SELECT * FROM flashcard_schema_verify('''')')$$,
    format('VALUES (%L, %L, '''', %L)', '22023',
           'flashcard_schema version must not be empty', :'hint'),
    'verify(''''): no detail, hint lists the known versions');

SELECT throws_ok($$SELECT * FROM flashcard_schema_verify('9.9')$$, '22023',
    'unknown flashcard_schema version "9.9"', 'verify(''9.9''): 22023, unknown');
SELECT results_eq($$SELECT * FROM pg_temp.caught('SELECT * FROM flashcard_schema_verify(''9.9'')')$$,
    format('VALUES (%L, %L, '''', %L)', '22023',
           'unknown flashcard_schema version "9.9"', :'hint'),
    'verify(''9.9''): no detail, hint lists the known versions');

SELECT throws_ok($$SELECT * FROM flashcard_schema_verify('1.x')$$, '22023',
    'invalid flashcard_schema version "1.x"', 'verify(''1.x''): 22023, invalid');
SELECT results_eq($$SELECT * FROM pg_temp.caught('SELECT * FROM flashcard_schema_verify(''1.x'')')$$,
    format('VALUES (%L, %L, %L, %L)', '22023',
           'invalid flashcard_schema version "1.x"', :'shape', :'hint'),
    'verify(''1.x''): detail shows the shape, hint lists the known versions');

-- a huge argument is quoted back cut to 32 characters
SELECT throws_ok($$SELECT * FROM flashcard_schema_verify(repeat('9', 100000))$$, '22023',
    'invalid flashcard_schema version "' || repeat('9', 32) || '..."',
    'verify(repeat(''9'', 100000)): 22023, quoted back cut to 32 characters');
SELECT results_eq($$SELECT * FROM pg_temp.caught('SELECT * FROM flashcard_schema_verify(repeat(''9'', 100000))')$$,
    format('VALUES (%L, %L, %L, %L)', '22023',
           'invalid flashcard_schema version "' || repeat('9', 32) || '..."', :'shape', :'hint'),
    'verify(repeat(''9'', 100000)): detail shows the shape, hint lists the known versions');

-- ... on a character boundary when the characters are multibyte
SELECT throws_ok($$SELECT * FROM flashcard_schema_verify(repeat('Ω', 100))$$, '22023',
    'invalid flashcard_schema version "' || repeat('Ω', 16) || '..."',
    'verify(repeat(''Ω'', 100)): 22023, cut on a character boundary');

------------------------------------------------------------------------------
-- A role with no special privileges can call all four functions.
------------------------------------------------------------------------------
CREATE ROLE verify_drift_nobody NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOLOGIN;
-- (pgTAP keeps its state in temporary tables that it grants to PUBLIC, so the
-- role can record its own assertions.)
SAVEPOINT drift;
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
SET ROLE verify_drift_nobody;
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted',
    'unprivileged role: assert() raises 42P15 on drift');
RESET ROLE;
ROLLBACK TO SAVEPOINT drift;
-- (the last assertion runs outside any savepoint: pgTAP's own counters live in
-- its temporary tables, and ROLLBACK TO SAVEPOINT rewinds them)
-- what status() says at the version installed: every later one pending
SELECT ARRAY(SELECT version FROM pg_available_extension_versions
              WHERE name = 'flashcard_schema' AND version ~ '^[0-9]+\.[0-9]+$'
                AND string_to_array(version, '.')::int[] > string_to_array(:'installed', '.')::int[]
              ORDER BY string_to_array(version, '.')::int[])::text AS after_installed,
       :'installed' = :'latest' AS installed_is_latest \gset
SET ROLE verify_drift_nobody;
SELECT ok(NOT (SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls
               FROM pg_roles WHERE rolname = current_user)
          AND current_user = 'verify_drift_nobody',
          'running as verify_drift_nobody, a role without special privileges');
SELECT is(flashcard_schema_revision(), :'installed', 'unprivileged role: revision() works');
SELECT results_eq('SELECT * FROM flashcard_schema_status()',
    format($$VALUES (%L, %L, %L, %L::text[], %L::boolean, false, '{}'::text[], '{}'::text[])$$,
           :'installed', :'latest', :'latest', :'after_installed', :'installed_is_latest'),
    'unprivileged role: status() works');
SELECT is_empty(:'failing', 'unprivileged role: verify() works and every row is ok');
SELECT lives_ok('SELECT flashcard_schema_assert()', 'unprivileged role: assert() works and is quiet');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
