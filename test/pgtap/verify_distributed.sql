-- test/pgtap/verify_distributed.sql: the distributed mode without a Citus
-- cluster, on every PostgreSQL version (Citus 13.2 has no PostgreSQL 18).
--
-- flashcard_schema_distribute()'s argument checks and its refusal without
-- Citus; then verify(), the DROP guard and the 1.3 -> 1.2 downgrade reading
-- a stand-in for Citus's catalog: pg_catalog.pg_dist_partition made here with
-- Citus's columns and the rows Citus writes for the layout (the real thing
-- is tested with Citus by test/t/cluster/citus.t).  The distribution column
-- is recorded as Citus records it, a Var node: taken from an index
-- expression on a column at the same position, so it matches this server's
-- node format.
--
-- Run by pg_prove against a database that has pgtap but not flashcard_schema;
-- one transaction, rolled back; every drift case in a savepoint.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
SET client_min_messages = warning;

BEGIN;
SELECT no_plan();  -- finish() prints the plan: the count of what ran

-- 1.4, not the default: the checks below name 1.4's objects, which a later
-- revision may not have (test/bin/next_revision.sh runs this suite at a 1.5)
CREATE EXTENSION flashcard_schema VERSION '1.4';
\set failing 'SELECT object_type, object_name, check_name, expected, actual FROM flashcard_schema_verify() WHERE NOT ok'
\set layout 'SELECT object_name, expected, actual FROM flashcard_schema_verify() WHERE check_name = $$distribution$$ AND NOT ok ORDER BY 1'

------------------------------------------------------------------------------
-- No Citus: no distribution checks, and distribute() refuses clearly.
------------------------------------------------------------------------------
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE check_name = 'distribution'), 0::bigint,
          'without Citus: verify() has no distribution checks');
SELECT throws_ok('SELECT flashcard_schema_distribute(NULL)', '22004',
                 'shard_count must not be null', 'distribute(NULL): 22004');
SELECT throws_ok('SELECT flashcard_schema_distribute(0)', '22023',
                 'shard_count must be between 1 and 64000', 'distribute(0): 22023');
SELECT throws_ok('SELECT flashcard_schema_distribute(64001)', '22023',
                 'shard_count must be between 1 and 64000', 'distribute(64001): 22023');
SELECT throws_ok('SELECT flashcard_schema_distribute()', '55000',
                 'extension "citus" is not installed in this database',
                 'distribute() without Citus: 55000, names the missing extension');

------------------------------------------------------------------------------
-- A stand-in for Citus's catalog, empty: every table is expected local.
------------------------------------------------------------------------------
SET LOCAL allow_system_table_mods = on;
CREATE TABLE pg_catalog.pg_dist_partition (
    logicalrelid pg_catalog.regclass NOT NULL,
    partmethod "char" NOT NULL,
    partkey text,
    colocationid integer NOT NULL DEFAULT 0,
    repmodel "char" NOT NULL DEFAULT 'c',
    autoconverted boolean DEFAULT false);
CREATE FUNCTION pg_catalog.citus_truncate_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
RESET allow_system_table_mods;

SELECT results_eq(
    $$SELECT object_name, expected, actual, ok FROM flashcard_schema_verify()
      WHERE check_name = 'distribution'$$,
    $$SELECT t, 'local', 'local', true
        FROM unnest(ARRAY['users', 'user_settings', 'refresh_tokens', 'decks', 'cards',
                          'user_deck_progress', 'card_statistics', 'reviews']) t$$,
    'Citus installed, nothing distributed: each table has a distribution check, local');
SELECT is_empty(:'failing', 'Citus installed, nothing distributed: every check passes');
SELECT throws_ok('SELECT flashcard_schema_distribute()', '55000',
                 'extension "citus" is not installed in this database',
                 'distribute() needs the citus extension, not only a catalog of that name');

-- Var nodes for columns 2 (user_id) and 3 (card_id), in this server's format
CREATE TEMP TABLE keyshape (id uuid, user_id uuid, card_id uuid);
CREATE INDEX keyshape_idx ON keyshape ((user_id IS NULL), (card_id IS NULL));
SELECT substring(indexprs::text from '\{VAR [^}]*:varattno 2 [^}]*\}') AS by_user,
       substring(indexprs::text from '\{VAR [^}]*:varattno 3 [^}]*\}') AS by_card
  FROM pg_index WHERE indexrelid = 'keyshape_idx'::regclass \gset
SELECT isnt(:'by_user'::text, NULL::text, 'a Var node for the distribution column');

------------------------------------------------------------------------------
-- The layout flashcard_schema_distribute() makes, as Citus records it.
------------------------------------------------------------------------------
INSERT INTO pg_catalog.pg_dist_partition (logicalrelid, partmethod, partkey, colocationid, repmodel)
SELECT t::regclass, 'n', NULL, 1, 't'
  FROM unnest(ARRAY['users', 'decks', 'user_settings', 'refresh_tokens', 'cards']) t
UNION ALL
SELECT t::regclass, 'h', :'by_user', 2, 's'
  FROM unnest(ARRAY['card_statistics', 'reviews', 'user_deck_progress']) t;

SELECT results_eq(
    $$SELECT object_name, expected, actual FROM flashcard_schema_verify('1.2')
      WHERE check_name = 'distribution' AND NOT ok ORDER BY 1$$,
    $$VALUES ('card_statistics', 'local', 'distributed by user_id'),
             ('cards', 'local', 'reference'), ('decks', 'local', 'reference'),
             ('refresh_tokens', 'local', 'reference'),
             ('reviews', 'local', 'distributed by user_id, colocated with card_statistics'),
             ('user_deck_progress', 'local', 'distributed by user_id, colocated with card_statistics'),
             ('user_settings', 'local', 'reference'), ('users', 'local', 'reference')$$,
    'verify(''1.2'') on a distributed install: 1.2 has no distributed layout');
-- Before the keys change, only the three primary keys differ.
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'user_deck_progress_pkey', 'columns', '(id, user_id)', '(id)'),
             ('constraint', 'user_deck_progress_pkey', 'definition', 'PRIMARY KEY (id, user_id)', 'PRIMARY KEY (id)'),
             ('constraint', 'card_statistics_pkey', 'columns', '(id, user_id)', '(id)'),
             ('constraint', 'card_statistics_pkey', 'definition', 'PRIMARY KEY (id, user_id)', 'PRIMARY KEY (id)'),
             ('constraint', 'reviews_pkey', 'columns', '(id, user_id)', '(id)'),
             ('constraint', 'reviews_pkey', 'definition', 'PRIMARY KEY (id, user_id)', 'PRIMARY KEY (id)')$$,
    'distributed layout, keys still (id): the three primary keys are reported');
ALTER TABLE card_statistics DROP CONSTRAINT card_statistics_pkey, ADD CONSTRAINT card_statistics_pkey PRIMARY KEY (id, user_id);
ALTER TABLE reviews DROP CONSTRAINT reviews_pkey, ADD CONSTRAINT reviews_pkey PRIMARY KEY (id, user_id);
ALTER TABLE user_deck_progress DROP CONSTRAINT user_deck_progress_pkey, ADD CONSTRAINT user_deck_progress_pkey PRIMARY KEY (id, user_id);
SELECT is_empty(:'failing', 'the distributed layout with keys (id, user_id): every check passes');
SELECT lives_ok('SELECT flashcard_schema_assert()', 'the distributed layout: assert() is quiet');
SELECT is((SELECT actual FROM flashcard_schema_verify()
            WHERE object_name = 'reviews' AND check_name = 'distribution'),
          'distributed by user_id, colocated with card_statistics',
          'reviews: distributed by user_id, colocated with card_statistics');

-- Citus's TRUNCATE trigger on its tables is expected; any other trigger is not.
CREATE TRIGGER truncate_trigger_1 AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION pg_catalog.citus_truncate_trigger();
SELECT is_empty(:'failing', 'Citus''s AFTER TRUNCATE trigger on a Citus table is not extra');
SAVEPOINT drift;
CREATE TRIGGER truncate_trigger_2 BEFORE TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION pg_catalog.citus_truncate_trigger();
SELECT results_eq($$SELECT object_name, check_name FROM flashcard_schema_verify() WHERE NOT ok$$,
    $$VALUES ('truncate_trigger_2', 'extra')$$,
    'the same function in a BEFORE trigger is extra');
ROLLBACK TO SAVEPOINT drift;

------------------------------------------------------------------------------
-- Drift in the layout.
------------------------------------------------------------------------------
UPDATE pg_catalog.pg_dist_partition SET colocationid = 3 WHERE logicalrelid = 'reviews'::regclass;
SELECT results_eq(:'layout',
    $$VALUES ('reviews', 'distributed by user_id, colocated with card_statistics',
              'distributed by user_id, not colocated with card_statistics')$$,
    'reviews in another colocation group: reported');
ROLLBACK TO SAVEPOINT drift;
UPDATE pg_catalog.pg_dist_partition SET partkey = :'by_card' WHERE logicalrelid = 'reviews'::regclass;
SELECT results_eq(:'layout',
    $$VALUES ('reviews', 'distributed by user_id, colocated with card_statistics',
              'distributed by card_id, colocated with card_statistics')$$,
    'reviews distributed by card_id: reported');
ROLLBACK TO SAVEPOINT drift;
UPDATE pg_catalog.pg_dist_partition SET repmodel = 's' WHERE logicalrelid = 'users'::regclass;
SELECT results_eq(:'layout', $$VALUES ('users', 'reference', 'citus local')$$,
    'users a Citus local table instead of a reference table: reported');
ROLLBACK TO SAVEPOINT drift;
DELETE FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'cards'::regclass;
SELECT results_eq(:'layout', $$VALUES ('cards', 'reference', 'local')$$,
    'cards taken out of the layout (undistributed): reported');
ROLLBACK TO SAVEPOINT drift;
UPDATE pg_catalog.pg_dist_partition SET partmethod = 'h', partkey = :'by_user', repmodel = 's', colocationid = 2
 WHERE logicalrelid = 'user_settings'::regclass;
SELECT results_eq(:'layout',
    $$VALUES ('user_settings', 'reference', 'distributed by user_id, colocated with card_statistics')$$,
    'user_settings distributed instead of a reference table: reported');
ROLLBACK TO SAVEPOINT drift;
ALTER TABLE reviews DROP CONSTRAINT reviews_pkey, ADD CONSTRAINT reviews_pkey PRIMARY KEY (id);
SELECT results_eq($$SELECT object_name, check_name FROM flashcard_schema_verify() WHERE NOT ok$$,
    $$VALUES ('reviews_pkey', 'columns'), ('reviews_pkey', 'definition')$$,
    'a distributed table''s key without user_id: reported');
ROLLBACK TO SAVEPOINT drift;
SELECT is_empty(:'failing', 'after the drift cases: every check passes again');

------------------------------------------------------------------------------
-- The DROP guard counts a Citus table's rows through a query (on a real
-- cluster they are on the shards, not in the coordinator's table).
------------------------------------------------------------------------------
INSERT INTO users (email) VALUES ('eleni@example.gr');
SELECT throws_ok('DROP EXTENSION flashcard_schema', '55000',
    'DROP EXTENSION would drop the tables of flashcard_schema with 1 row of data',
    'DROP EXTENSION of a distributed install with a learner: refused, the row counted');

------------------------------------------------------------------------------
-- A distributed install does not go below 1.3.
------------------------------------------------------------------------------
SELECT extversion AS installed FROM pg_catalog.pg_extension WHERE extname = 'flashcard_schema' \gset
SELECT throws_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$, '55000',
    'cannot downgrade flashcard_schema below 1.3 while Citus distributes its tables',
    'downgrade to 1.2 on a distributed install: 55000');
SELECT is(flashcard_schema_revision(), :'installed', 'after the refused downgrade: still at the installed version');
SELECT is_empty(:'failing', 'after the refused downgrade: every check passes');
-- With the tables local again, the downgrade goes through.  (The keys are
-- changed by hand while users holds a row: from 1.4 the DROP guard refuses
-- that unless the session allows it.)
SET LOCAL flashcard_schema.allow_data_loss = on;
SET LOCAL client_min_messages = error;
DELETE FROM pg_catalog.pg_dist_partition;
ALTER TABLE card_statistics DROP CONSTRAINT card_statistics_pkey, ADD CONSTRAINT card_statistics_pkey PRIMARY KEY (id);
ALTER TABLE reviews DROP CONSTRAINT reviews_pkey, ADD CONSTRAINT reviews_pkey PRIMARY KEY (id);
ALTER TABLE user_deck_progress DROP CONSTRAINT user_deck_progress_pkey, ADD CONSTRAINT user_deck_progress_pkey PRIMARY KEY (id);
SELECT lives_ok($$ALTER EXTENSION flashcard_schema UPDATE TO '1.2'$$,
    'downgrade to 1.2 once Citus distributes none of the tables: goes through');

SELECT * FROM finish();
ROLLBACK;
