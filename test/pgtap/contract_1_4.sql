-- test/pgtap/contract_1_4.sql: CREATE EXTENSION flashcard_schema VERSION '1.4'
-- yields exactly the schema of the contract (docs/contract.md) at 1.4.
-- The facts are in contract_facts.psql (1.1's last login columns, 1.2's
-- levels C1 and C2, 1.3's integer reviews.quality, 1.4's six columns, three
-- indexes and deck owner's foreign key), the assertions shared by every
-- version in contract_common.psql.  1.4 adds the database owner's
-- privileges: REFERENCES and TRUNCATE on top of 1.3's four, nothing more,
-- and what the application's own tables need of them and of the types.
\set QUIET 1
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\encoding UTF8
SET client_min_messages = warning;

\set version 1.4

BEGIN;
\ir ../lib/contract_facts.psql
CREATE SCHEMA flashcard;
CREATE EXTENSION flashcard_schema VERSION :'version' SCHEMA flashcard;

SELECT no_plan();  -- finish() prints the plan: the count of what ran
\ir ../lib/contract_common.psql

-- Defaults of the new columns as the application sees them: a deck is not
-- premium and has no owner unless it says so.
SELECT lives_ok($$INSERT INTO flashcard.users (id, email) VALUES ('a0000000-0000-4000-8000-000000000014', 'u14@example.gr');
                  INSERT INTO flashcard.decks (id, name, level) VALUES ('d0000000-0000-4000-8000-000000000014', 'Σύστημα', 'A1');
                  INSERT INTO flashcard.decks (name, level, is_premium, owner_id)
                  VALUES ('Δική μου', 'C1', true, 'a0000000-0000-4000-8000-000000000014')$$,
                'A system deck and a learner''s own premium deck are stored in the installing transaction');
SELECT is((SELECT is_premium::text || ' ' || COALESCE(owner_id::text, 'NULL') FROM flashcard.decks
            WHERE id = 'd0000000-0000-4000-8000-000000000014'),
          'false NULL', 'A deck inserted without them is not premium and has no owner');
DELETE FROM flashcard.users;
SELECT is((SELECT pg_catalog.string_agg(name, ', ') FROM flashcard.decks WHERE name IN ('Σύστημα', 'Δική μου')),
          'Σύστημα', 'Deleting a user deletes the decks the user owns (ON DELETE CASCADE), not the system''s');

-- The database owner's privileges on every table: exactly these six.
CREATE TEMP TABLE expected_privileges (privilege text);
INSERT INTO expected_privileges VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES');
SELECT set_eq(
    $$SELECT c.relname::text, a.privilege_type
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
             LATERAL pg_catalog.aclexplode(c.relacl) a
       WHERE n.nspname = 'flashcard' AND c.relkind = 'r'
         AND a.grantee = 'pg_database_owner'::pg_catalog.regrole$$,
    $$SELECT t.tbl::text, p.privilege FROM contract_tables t, expected_privileges p$$,
    'pg_database_owner has SELECT, INSERT, UPDATE, DELETE, TRUNCATE and REFERENCES on each table, nothing else');
SELECT is((SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
                  LATERAL pg_catalog.aclexplode(c.relacl) a
            WHERE n.nspname = 'flashcard' AND c.relkind = 'r' AND a.is_grantable),
          0::bigint, 'No privilege on the tables is grantable (no grant option)');
SELECT is((SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,
                  LATERAL pg_catalog.aclexplode(c.relacl) a
            WHERE n.nspname = 'flashcard' AND c.relkind = 'r' AND a.grantee = 0),
          0::bigint, 'PUBLIC has no privilege on the tables');

-- What they are for, as a non-superuser database owner: its own table with
-- keys into users and decks and a column of type cardstatus (as the
-- application's culture_question_stats has), and TRUNCATE of the core
-- tables as its seed-and-reset code runs it.  Not TRIGGER.
CREATE ROLE contract_1_4_app LOGIN;
ALTER DATABASE :"DBNAME" OWNER TO contract_1_4_app;
GRANT USAGE, CREATE ON SCHEMA flashcard TO contract_1_4_app;
SET ROLE contract_1_4_app;
SELECT lives_ok($$CREATE TABLE flashcard.app_stats (
                      id pg_catalog.uuid PRIMARY KEY,
                      user_id pg_catalog.uuid NOT NULL REFERENCES flashcard.users (id) ON DELETE CASCADE,
                      deck_id pg_catalog.uuid REFERENCES flashcard.decks (id) ON DELETE SET NULL,
                      status flashcard.cardstatus NOT NULL DEFAULT 'NEW',
                      level flashcard.decklevel)$$,
                'The database owner creates its own table with foreign keys into users and decks and columns of the extension''s enum types');
SELECT lives_ok($$INSERT INTO flashcard.users (id, email) VALUES ('a0000000-0000-4000-8000-000000000015', 'u15@example.gr');
                  INSERT INTO flashcard.app_stats (id, user_id, status, level)
                  VALUES ('b0000000-0000-4000-8000-000000000015', 'a0000000-0000-4000-8000-000000000015', 'MASTERED', 'C2')$$,
                'The database owner writes a row of its own table that references a user');
SELECT lives_ok($$TRUNCATE TABLE flashcard.reviews RESTART IDENTITY CASCADE$$,
                'The database owner runs the application''s TRUNCATE TABLE reviews RESTART IDENTITY CASCADE');
SELECT lives_ok($$TRUNCATE TABLE flashcard.users CASCADE$$,
                'The database owner truncates users, and with CASCADE its own table that references it');
SELECT throws_ok($$CREATE TRIGGER t BEFORE INSERT ON flashcard.users
                   FOR EACH ROW EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger()$$,
                 '42501', NULL, 'The database owner still cannot create a trigger on the extension''s tables');
RESET ROLE;
SELECT ok(NOT pg_catalog.has_table_privilege('contract_1_4_app', 'flashcard.users', 'TRUNCATE WITH GRANT OPTION')
          AND NOT pg_catalog.has_table_privilege('contract_1_4_app', 'flashcard.users', 'REFERENCES WITH GRANT OPTION'),
          'The database owner cannot pass TRUNCATE or REFERENCES on (no grant option)');

SELECT * FROM finish();
ROLLBACK;
