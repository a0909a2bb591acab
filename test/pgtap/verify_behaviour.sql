-- test/pgtap/verify_behaviour.sql: drift that changes what the data does,
-- not the shape of the tables, caught by flashcard_schema_verify() and
-- flashcard_schema_assert().
--
-- Each class of drift runs in a savepoint that is rolled back: verify() must
-- list exactly the expected failing rows (so a leftover would show), and
-- assert() must raise 42P15 with one DETAIL line per failing row.  Written
-- for whatever revision CREATE EXTENSION installs (the default).
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

\set failing 'SELECT object_type, object_name, check_name, expected, actual FROM flashcard_schema_verify() WHERE NOT ok'
CREATE ROLE verify_behaviour_app NOLOGIN;
SELECT format('flashcard_schema %s does not match its expected schema', flashcard_schema_revision()) AS drifted \gset

-- assert() on the current drift: its DETAIL, or NULL if it is quiet.
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

-- The DETAIL assert() must raise for the rows verify() reports failing.
CREATE FUNCTION pg_temp.detail_of_verify() RETURNS text LANGUAGE sql AS $$
    SELECT format('%s of %s checks failed:', count(*) FILTER (WHERE NOT ok), count(*))
           || string_agg(CASE WHEN NOT ok THEN format(E'\n%s %s: %s: expected %s, found %s',
                  object_type, object_name, check_name,
                  coalesce(expected, 'none'), coalesce(actual, 'none')) END, '')
    FROM flashcard_schema_verify()
$$;

------------------------------------------------------------------------------
-- A fresh install: clean, and the new checks are among verify()'s rows.
------------------------------------------------------------------------------
SELECT is_empty(:'failing', 'fresh install: every verify() row is ok');
SELECT set_has(
    'SELECT DISTINCT object_type, check_name FROM flashcard_schema_verify()',
    $$VALUES ('table', 'persistence'), ('table', 'access method'), ('table', 'inheritance'),
             ('table', 'row security'), ('table', 'privileges'), ('constraint', 'triggers'),
             ('function', 'exists'), ('function', 'extension member'), ('function', 'signature'),
             ('function', 'implementation'), ('function', 'security'), ('function', 'settings')$$,
    'fresh install: verify() checks persistence, access method, inheritance, row security, privileges, FK triggers and functions');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE check_name = 'triggers'),
          (SELECT count(*) FROM pg_constraint WHERE contype = 'f'
            AND connamespace = (SELECT extnamespace FROM pg_extension WHERE extname = 'flashcard_schema')),
    'fresh install: one triggers check per foreign key');
SELECT is((SELECT count(DISTINCT object_name) FROM flashcard_schema_verify() WHERE object_type = 'function'),
          (SELECT count(*) FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
              AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'flashcard_schema')
              AND classid = 'pg_proc'::regclass),
    'fresh install: every function of the extension is checked');

------------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------------

-- UNLOGGED: rows vanish after a crash and never reach a standby
SAVEPOINT drift;
ALTER TABLE refresh_tokens SET UNLOGGED;
SELECT results_eq(:'failing',
    $$VALUES ('table', 'refresh_tokens', 'persistence', 'permanent', 'unlogged')$$,
    'unlogged table: verify() reports its persistence');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'unlogged table: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'unlogged table: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- DISABLE TRIGGER ALL: the foreign keys on and to cards stop being enforced
SAVEPOINT drift;
ALTER TABLE cards DISABLE TRIGGER ALL;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'cards_deck_id_fkey', 'triggers',
              'RI_FKey_check_ins ON cards, RI_FKey_check_upd ON cards, RI_FKey_cascade_del ON decks, RI_FKey_noaction_upd ON decks',
              'RI_FKey_check_ins ON cards (disabled), RI_FKey_check_upd ON cards (disabled), RI_FKey_cascade_del ON decks, RI_FKey_noaction_upd ON decks'),
             ('constraint', 'card_statistics_card_id_fkey', 'triggers',
              'RI_FKey_check_ins ON card_statistics, RI_FKey_check_upd ON card_statistics, RI_FKey_cascade_del ON cards, RI_FKey_noaction_upd ON cards',
              'RI_FKey_check_ins ON card_statistics, RI_FKey_check_upd ON card_statistics, RI_FKey_cascade_del ON cards (disabled), RI_FKey_noaction_upd ON cards (disabled)'),
             ('constraint', 'reviews_card_id_fkey', 'triggers',
              'RI_FKey_check_ins ON reviews, RI_FKey_check_upd ON reviews, RI_FKey_cascade_del ON cards, RI_FKey_noaction_upd ON cards',
              'RI_FKey_check_ins ON reviews, RI_FKey_check_upd ON reviews, RI_FKey_cascade_del ON cards (disabled), RI_FKey_noaction_upd ON cards (disabled)')$$,
    'DISABLE TRIGGER ALL on cards: verify() reports the three foreign keys it no longer enforces');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'DISABLE TRIGGER ALL: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'DISABLE TRIGGER ALL: assert() lists the failures');
ROLLBACK TO SAVEPOINT drift;

-- a foreign key re-pointed at its own table: its triggers (all four on cards)
-- still enforce it, so only the target is reported
SAVEPOINT drift;
ALTER TABLE cards DROP CONSTRAINT cards_deck_id_fkey,
    ADD CONSTRAINT cards_deck_id_fkey FOREIGN KEY (deck_id) REFERENCES cards (id) ON DELETE CASCADE;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'cards_deck_id_fkey', 'references', 'decks(id)', 'cards(id)'),
             ('constraint', 'cards_deck_id_fkey', 'definition',
              'FOREIGN KEY (deck_id) REFERENCES decks(id) ON DELETE CASCADE',
              'FOREIGN KEY (deck_id) REFERENCES cards(id) ON DELETE CASCADE')$$,
    'a self-referencing foreign key: the target is reported, its triggers are in place');
ROLLBACK TO SAVEPOINT drift;

-- one foreign key trigger set to fire only on replicas
SAVEPOINT drift;
SELECT format('ALTER TABLE users ENABLE REPLICA TRIGGER %I', tgname) AS replica_trigger
FROM pg_trigger WHERE tgconstraint = (SELECT oid FROM pg_constraint WHERE conname = 'user_settings_user_id_fkey')
  AND tgrelid = 'users'::regclass AND tgfoid = 'pg_catalog."RI_FKey_cascade_del"'::regproc \gset
:replica_trigger;
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'user_settings_user_id_fkey', 'triggers',
              'RI_FKey_check_ins ON user_settings, RI_FKey_check_upd ON user_settings, RI_FKey_cascade_del ON users, RI_FKey_noaction_upd ON users',
              'RI_FKey_check_ins ON user_settings, RI_FKey_check_upd ON user_settings, RI_FKey_cascade_del ON users (firing on replica only), RI_FKey_noaction_upd ON users')$$,
    'a foreign key trigger firing on replicas only: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'replica-only FK trigger: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a user trigger that silently keeps rows, and a disabled one
SAVEPOINT drift;
CREATE FUNCTION public.keep_rows() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END';
CREATE TRIGGER keep_cards BEFORE DELETE ON cards FOR EACH ROW EXECUTE FUNCTION public.keep_rows();
CREATE TRIGGER audit_decks AFTER INSERT OR UPDATE OF name, level ON decks
    FOR EACH STATEMENT EXECUTE FUNCTION public.keep_rows('decks', 'it''s');
ALTER TABLE decks DISABLE TRIGGER audit_decks;
CREATE TRIGGER touch_users BEFORE UPDATE ON users FOR EACH ROW
    WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION public.keep_rows();
SELECT results_eq(:'failing',
    $$VALUES ('trigger', 'touch_users', 'extra', NULL::text,
              'touch_users BEFORE UPDATE ON users FOR EACH ROW WHEN (old.email::text IS DISTINCT FROM new.email::text) EXECUTE FUNCTION keep_rows()'),
             ('trigger', 'audit_decks', 'extra', NULL::text,
              'audit_decks AFTER INSERT OR UPDATE OF name, level ON decks FOR EACH STATEMENT EXECUTE FUNCTION keep_rows(''decks'', ''it''''s'') (disabled)'),
             ('trigger', 'keep_cards', 'extra', NULL::text,
              'keep_cards BEFORE DELETE ON cards FOR EACH ROW EXECUTE FUNCTION keep_rows()')$$,
    'user triggers, enabled or not: verify() reports each as psql \d lists it');
SELECT is((SELECT actual FROM flashcard_schema_verify() WHERE object_name = t.tgname),
          (SELECT substr(pg_get_triggerdef(t.oid, true), length('CREATE TRIGGER ') + 1)
                  || CASE t.tgenabled WHEN 'D' THEN ' (disabled)' ELSE '' END),
          format('trigger %s: verify() spells it as pg_get_triggerdef(oid, true) does', t.tgname))
FROM pg_trigger t WHERE t.tgname IN ('keep_cards', 'audit_decks', 'touch_users') ORDER BY t.tgname;
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'user triggers: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'user triggers: assert() lists them');
ROLLBACK TO SAVEPOINT drift;

-- a rule that silently drops deletes, and one with a condition and actions
SAVEPOINT drift;
CREATE RULE keep_cards AS ON DELETE TO cards DO INSTEAD NOTHING;
CREATE RULE decks_also AS ON INSERT TO decks WHERE NEW.level = 'A1'
    DO ALSO (UPDATE decks SET is_active = true WHERE id = NEW.id; DELETE FROM cards WHERE false);
SELECT results_eq(:'failing',
    $$VALUES ('rule', 'decks_also', 'extra', NULL::text,
              'ON INSERT TO decks WHERE new.level = ''A1''::decklevel DO (UPDATE ...; DELETE ...)'),
             ('rule', 'keep_cards', 'extra', NULL::text, 'ON DELETE TO cards DO INSTEAD NOTHING')$$,
    'rules: verify() reports each');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'rules: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'rules: assert() lists them');
ROLLBACK TO SAVEPOINT drift;

-- row-level security: enabled, forced, and policies
SAVEPOINT drift;
ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY timed ON reviews USING (time_taken > 0);
CREATE POLICY own_decks ON decks AS RESTRICTIVE FOR UPDATE TO verify_behaviour_app USING (is_active)
    WITH CHECK (level <> 'C2');
CREATE POLICY via_decks ON cards USING (deck_id IN (SELECT id FROM decks));
SELECT results_eq(:'failing',
    $$VALUES ('table', 'users', 'row security', 'disabled', 'disabled, forced'),
             ('policy', 'own_decks', 'extra', NULL::text, 'POLICY "own_decks" AS RESTRICTIVE FOR UPDATE TO verify_behaviour_app USING (is_active) WITH CHECK ((level <> ''C2''::decklevel))'),
             ('policy', 'via_decks', 'extra', NULL::text, 'POLICY "via_decks" USING (<an expression with a subquery>)'),
             ('table', 'reviews', 'row security', 'disabled', 'enabled'),
             ('policy', 'timed', 'extra', NULL::text, 'POLICY "timed" USING ((time_taken > 0))')$$,
    'row-level security and policies: verify() reports each (a subquery is not deparsed: it could lock a table)');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'row-level security: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'row-level security: assert() lists the failures');
ROLLBACK TO SAVEPOINT drift;

-- inheritance: a child of a contract table, a contract table made a child
SAVEPOINT drift;
CREATE TABLE public.cards_archive () INHERITS (cards);
CREATE TABLE public.base (id uuid);
ALTER TABLE decks INHERIT public.base;
SELECT results_eq(:'failing',
    $$VALUES ('table', 'decks', 'inheritance', 'none', 'Inherits: base'),
             ('table', 'cards', 'inheritance', 'none', 'Child tables: cards_archive')$$,
    'inheritance parent and child: verify() reports them as psql \d+ does');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'inheritance: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'inheritance: assert() lists the failures');
ROLLBACK TO SAVEPOINT drift;

-- a contract table attached as a partition
SAVEPOINT drift;
CREATE TABLE public.decks_by_level (LIKE decks) PARTITION BY LIST (level);
ALTER TABLE public.decks_by_level ATTACH PARTITION decks FOR VALUES IN ('A1', 'A2', 'B1', 'B2');
SELECT results_eq(:'failing',
    $$VALUES ('table', 'decks', 'inheritance', 'none', 'Partition of: decks_by_level')$$,
    'a contract table attached as a partition: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'attached partition: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- another table access method
SAVEPOINT drift;
CREATE ACCESS METHOD heap_copy TYPE TABLE HANDLER heap_tableam_handler;
ALTER TABLE decks SET ACCESS METHOD heap_copy;
SELECT results_eq(:'failing',
    $$VALUES ('table', 'decks', 'access method', 'heap', 'heap_copy')$$,
    'another table access method: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'access method: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

-- A table owner's privileges as \dp prints them: arwdDxt, and from PostgreSQL
-- 17 on arwdDxtm (MAINTAIN).
SELECT pg_catalog.regexp_replace(pg_catalog.acldefault('r', current_user::regrole)::text,
                                 '^\{[^=]*=([a-zA-Z]*)/.*$', '\1') AS all_privs \gset
-- (1.3 grants SELECT, INSERT, UPDATE, DELETE to pg_database_owner, 1.4 also
-- TRUNCATE and REFERENCES; the owner keeps its own)
SELECT format('%1$s=%2$s/%1$s', current_user, :'all_privs') AS own,
       format('pg_database_owner=arwdDx/%1$s', current_user) AS dbowner \gset

-- PUBLIC, another role, a column: each grants what the extension does not
SAVEPOINT drift;
GRANT SELECT ON users TO PUBLIC;
GRANT ALL ON cards TO verify_behaviour_app;
GRANT UPDATE (name) ON decks TO verify_behaviour_app;
SELECT results_eq(:'failing',
    format($$VALUES ('table', 'users', 'privileges', '%1$s, %2$s', '%1$s, =r/%3$s, %2$s'),
                    ('table', 'decks', 'privileges', '%1$s, %2$s', '%1$s, %2$s, column name: verify_behaviour_app=w/%3$s'),
                    ('table', 'cards', 'privileges', '%1$s, %2$s', '%1$s, %2$s, verify_behaviour_app=%4$s/%3$s')$$,
           :'own', :'dbowner', current_user, :'all_privs'),
    'grants to PUBLIC, to another role and on a column: verify() reports them as \dp prints them');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'privileges: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'privileges: assert() lists the failures');
ROLLBACK TO SAVEPOINT drift;

-- the owner's own privileges cut, the database owner's cut or widened
SAVEPOINT drift;
REVOKE TRUNCATE ON reviews FROM CURRENT_USER;
REVOKE DELETE ON decks FROM pg_database_owner;
GRANT TRIGGER ON cards TO pg_database_owner;
SELECT results_eq(:'failing',
    format($$VALUES ('table', 'decks', 'privileges', '%1$s, %2$s', '%1$s, pg_database_owner=arwDx/%3$s'),
                    ('table', 'cards', 'privileges', '%1$s, %2$s', '%1$s, pg_database_owner=arwdDxt/%3$s'),
                    ('table', 'reviews', 'privileges', '%1$s, %2$s', '%3$s=%4$s/%3$s, %2$s')$$,
           :'own', :'dbowner', current_user, replace(:'all_privs', 'D', '')),
    'the owner''s TRUNCATE revoked, the database owner''s DELETE revoked or TRIGGER granted: verify() reports each');
ROLLBACK TO SAVEPOINT drift;

-- every revision has its own privileges: 1.2 grants nothing, 1.3 and 1.4 grant the database owner
SELECT is((SELECT count(*) FROM flashcard_schema_verify('1.2') WHERE check_name = 'privileges' AND NOT ok), 8::bigint,
    'at the default version: verify(''1.2'') reports the grant to pg_database_owner on all 8 tables (1.2 grants nothing)');
SELECT is((SELECT actual FROM flashcard_schema_verify('1.2') WHERE object_name = 'users' AND check_name = 'privileges'),
          format('%s, %s', :'own', :'dbowner'),
    'at the default version: the users table''s privileges read as \dp prints them');
SELECT is((SELECT expected FROM flashcard_schema_verify('1.3') WHERE object_name = 'users' AND check_name = 'privileges'),
          format('%s, pg_database_owner=arwd/%s', :'own', current_user),
    'verify(''1.3'') expects 1.3''s grant to the database owner: SELECT, INSERT, UPDATE, DELETE');

------------------------------------------------------------------------------
-- Functions
------------------------------------------------------------------------------

-- a function taken out of the extension (it no longer goes with DROP EXTENSION or dumps)
SAVEPOINT drift;
ALTER EXTENSION flashcard_schema DROP FUNCTION flashcard_schema_assert();
SELECT results_eq(:'failing',
    $$VALUES ('function', 'flashcard_schema_assert', 'extension member', 'flashcard_schema', NULL::text)$$,
    'a function taken out of the extension: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'function taken out: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'function taken out: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

-- a function dropped
SAVEPOINT drift;
ALTER EXTENSION flashcard_schema DROP FUNCTION flashcard_schema_revision();
DROP FUNCTION flashcard_schema_revision();
SELECT results_eq(:'failing',
    $$VALUES ('function', 'flashcard_schema_revision', 'exists', 'function', NULL::text)$$,
    'a function dropped: verify() reports it missing');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'function dropped: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- SECURITY DEFINER, settings changed or reset
SAVEPOINT drift;
ALTER FUNCTION flashcard_schema_revision() SECURITY DEFINER;
ALTER FUNCTION flashcard_schema_status() RESET search_path;
ALTER FUNCTION flashcard_schema_assert() SET work_mem = '1MB';
SELECT current_setting('search_path') AS unused \gset
SELECT results_eq(:'failing',
    format($$VALUES ('function', 'flashcard_schema_revision', 'security', 'SECURITY INVOKER', 'SECURITY DEFINER'),
                    ('function', 'flashcard_schema_status', 'settings', %1$L, NULL::text),
                    ('function', 'flashcard_schema_assert', 'settings', %1$L, %2$L)$$,
           (SELECT proconfig[1] FROM pg_proc WHERE proname = 'flashcard_schema_verify'),
           (SELECT proconfig[1] FROM pg_proc WHERE proname = 'flashcard_schema_verify') || '; work_mem=1MB'),
    'SECURITY DEFINER, search_path reset, a setting added: verify() reports each');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'function attributes: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- a function replaced by another implementation, and one with another signature
SAVEPOINT drift;
CREATE OR REPLACE FUNCTION flashcard_schema_revision() RETURNS text
    LANGUAGE sql SET search_path = pg_catalog AS $$SELECT '9.9'$$;
ALTER EXTENSION flashcard_schema DROP FUNCTION flashcard_schema_assert();
DROP FUNCTION flashcard_schema_assert();
CREATE FUNCTION flashcard_schema_assert(strict boolean DEFAULT true) RETURNS boolean
    LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_assert';
ALTER EXTENSION flashcard_schema ADD FUNCTION flashcard_schema_assert(boolean);
SELECT results_eq(
    $$SELECT object_name, check_name, expected, actual FROM flashcard_schema_verify() WHERE NOT ok$$,
    $$VALUES ('flashcard_schema_revision', 'implementation',
              'LANGUAGE c AS ''$libdir/flashcard_schema'', ''flashcard_schema_revision''', 'LANGUAGE sql'),
             ('flashcard_schema_revision', 'settings',
              (SELECT proconfig[1] COLLATE "default" FROM pg_proc WHERE proname = 'flashcard_schema_verify'), 'search_path=pg_catalog'),
             ('flashcard_schema_assert', 'signature', '() RETURNS void', '(strict boolean DEFAULT true) RETURNS boolean'),
             ('flashcard_schema_assert', 'settings',
              (SELECT proconfig[1] COLLATE "default" FROM pg_proc WHERE proname = 'flashcard_schema_verify'), NULL)$$,
    'a function replaced in SQL, one with another signature: verify() reports them');
ROLLBACK TO SAVEPOINT drift;

-- the DROP guard's event trigger disabled (from 1.3; from 1.4 it fires always)
SAVEPOINT drift;
ALTER EVENT TRIGGER flashcard_schema_drop_guard DISABLE;
SELECT results_eq(:'failing',
    $$VALUES ('event trigger', 'flashcard_schema_drop_guard', 'enabled', 'enabled always', 'disabled')$$,
    'the DROP guard disabled: verify() reports it');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'DROP guard disabled: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

------------------------------------------------------------------------------
-- Expressions on a contract table (issue 8, point 5): failing rows, never an error
------------------------------------------------------------------------------
SAVEPOINT drift;
ALTER TABLE decks ADD CONSTRAINT decks_name_ci EXCLUDE USING btree ((lower(name)) WITH =);
SELECT results_eq(:'failing',
    $$VALUES ('constraint', 'decks_name_ci', 'extra', NULL::text, 'EXCLUDE USING btree (lower((name)::text) WITH =)')$$,
    'an EXCLUDE constraint over an expression: an extra row (was: cache lookup failed for attribute 0)');
SELECT is((SELECT actual FROM flashcard_schema_verify() WHERE object_name = 'decks_name_ci'),
          (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'decks_name_ci'),
    'the EXCLUDE constraint is spelled as pg_get_constraintdef does');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'expression EXCLUDE: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'expression EXCLUDE: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
CREATE UNIQUE INDEX ux_users_email_ci ON users (lower(email), (coalesce(full_name, '')) DESC NULLS LAST)
    INCLUDE (google_id) WITH (fillfactor = 70) WHERE is_active AND email_verified_at IS NOT NULL;
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ux_users_email_ci', 'extra', NULL::text,
              'CREATE UNIQUE INDEX ux_users_email_ci ON users USING btree (lower(email::text), COALESCE(full_name, ''''::character varying) DESC NULLS LAST) INCLUDE (google_id) WITH (fillfactor=''70'') WHERE is_active AND email_verified_at IS NOT NULL')$$,
    'an expression index: an extra row');
SELECT is((SELECT actual FROM flashcard_schema_verify() WHERE object_name = 'ux_users_email_ci'),
          pg_get_indexdef('ux_users_email_ci'::regclass, 0, true),
    'the expression index is spelled as pg_get_indexdef(oid, 0, true) does');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'expression index: assert() raises 42P15');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'expression index: assert() lists the failure');
ROLLBACK TO SAVEPOINT drift;

SAVEPOINT drift;
ALTER TABLE card_statistics ADD CONSTRAINT sane CHECK (easiness_factor > 1.3 AND repetitions >= 0) NOT VALID;
ALTER TABLE cards ADD CONSTRAINT order_ok CHECK (order_index >= 0) NO INHERIT;
SELECT results_eq(
    $$SELECT actual FROM flashcard_schema_verify() WHERE NOT ok ORDER BY 1$$,
    $$SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname IN ('sane', 'order_ok') ORDER BY 1$$,
    'CHECK constraints (NOT VALID, NO INHERIT): extra rows spelled as pg_get_constraintdef does');
ROLLBACK TO SAVEPOINT drift;

-- a unique index with a non-default operator class and collation, spelled as the server does
SAVEPOINT drift;
CREATE INDEX ix_decks_name_pattern ON decks (name COLLATE "C" varchar_pattern_ops DESC NULLS FIRST);
CREATE INDEX ix_cards_hash ON cards USING hash (front_text);
SELECT results_eq(
    $$SELECT actual FROM flashcard_schema_verify() WHERE NOT ok ORDER BY 1$$,
    $$SELECT pg_get_indexdef(oid, 0, true) FROM pg_class WHERE relname IN ('ix_decks_name_pattern', 'ix_cards_hash') ORDER BY 1$$,
    'indexes with collation, operator class, DESC NULLS FIRST, hash: spelled as pg_get_indexdef does');
ROLLBACK TO SAVEPOINT drift;

-- expressions whose names come from the relation itself (a whole row, a
-- system column): described, never an error, never a lock
SAVEPOINT drift;
CREATE POLICY by_ctid ON cards USING (ctid <> '(0,0)'::tid);
CREATE INDEX ix_decks_whole_row ON decks ((decks IS NOT NULL));
CREATE TRIGGER skip_same BEFORE UPDATE ON cards FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION suppress_redundant_updates_trigger();
SELECT results_eq(:'failing',
    $$VALUES ('index', 'ix_decks_whole_row', 'extra', NULL::text,
              'CREATE INDEX ix_decks_whole_row ON decks USING btree ((<an expression over a whole row or a system column>))'),
             ('trigger', 'skip_same', 'extra', NULL::text,
              'skip_same BEFORE UPDATE ON cards FOR EACH ROW WHEN (<an expression over a whole row or a system column>) EXECUTE FUNCTION suppress_redundant_updates_trigger()'),
             ('policy', 'by_ctid', 'extra', NULL::text,
              'POLICY "by_ctid" USING (<an expression over a whole row or a system column>)')$$,
    'whole-row and system-column expressions: extra rows that describe them');
SELECT throws_ok('SELECT flashcard_schema_assert()', '42P15', :'drifted', 'whole-row expressions: assert() raises 42P15');
ROLLBACK TO SAVEPOINT drift;

-- overloads of the extension's functions in its schema (wherever public
-- still grants CREATE): failing extra rows; those with defaults make the
-- documented unqualified calls ambiguous, which assert() still reports
SAVEPOINT drift;
CREATE FUNCTION public.flashcard_schema_verify(version integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.flashcard_schema_status(verbose boolean DEFAULT false) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.flashcard_schema_distribute(shard_count text DEFAULT '32') RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT results_eq(:'failing' || ' ORDER BY 2',
    $$VALUES ('function', 'flashcard_schema_distribute', 'extra', NULL::text, 'function flashcard_schema_distribute(text)'),
             ('function', 'flashcard_schema_status', 'extra', NULL::text, 'function flashcard_schema_status(boolean)'),
             ('function', 'flashcard_schema_verify', 'extra', NULL::text, 'function flashcard_schema_verify(integer)')$$,
    'overloads of the functions in the extension''s schema: one failing extra row each, named by signature');
SELECT is(pg_temp.assert_detail(), pg_temp.detail_of_verify(), 'overloads: assert()''s DETAIL lists the same rows');
CREATE FUNCTION public.flashcard_schema_verify(version text DEFAULT NULL, strict boolean DEFAULT false)
    RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT throws_ok('SELECT * FROM flashcard_schema_verify()', '42725', 'function flashcard_schema_verify() is not unique',
    'an overload with defaults makes the documented verify() call ambiguous (PostgreSQL''s 42725) ...');
SELECT throws_like('SELECT flashcard_schema_assert()',
    '%does not match its expected schema',
    '... and assert() reports it');
SELECT matches(pg_temp.assert_detail(), 'function flashcard_schema_verify: extra: expected none, found function flashcard_schema_verify\(text,boolean\)',
    '... naming the overload by its signature');
ROLLBACK TO SAVEPOINT drift;

-- temporary functions named like the extension's (any role with TEMP can
-- create them): not the extension's schema, so no row and no slower lookup
SAVEPOINT drift;
CREATE FUNCTION pg_temp.flashcard_schema_verify(version integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION pg_temp.flashcard_schema_assert(x integer) RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT is_empty(:'failing', 'temporary functions named like the extension''s: no failing row');
ROLLBACK TO SAVEPOINT drift;

-- the C symbols declared with other result columns (a superuser may): a
-- clean 42804, never a crash (10 OUT columns used to crash the backend)
SAVEPOINT drift;
CREATE FUNCTION pg_temp.verify10(version text DEFAULT NULL, OUT a text, OUT b text, OUT c text, OUT d boolean,
    OUT e text, OUT f text, OUT g text, OUT h text, OUT i text, OUT j text)
    RETURNS SETOF record LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_verify';
SELECT throws_ok('SELECT * FROM pg_temp.verify10()', '42804',
    'flashcard_schema_verify() is declared with result columns the library does not return',
    'verify()''s symbol declared with 10 OUT columns: 42804, no crash');
CREATE FUNCTION pg_temp.verify_ints(version text DEFAULT NULL, OUT a int, OUT b int, OUT c int, OUT d int,
    OUT e int, OUT f int)
    RETURNS SETOF record LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_verify';
SELECT throws_ok('SELECT * FROM pg_temp.verify_ints()', '42804',
    'flashcard_schema_verify() is declared with result columns the library does not return',
    'verify()''s symbol declared with 6 integer columns: 42804');
CREATE FUNCTION pg_temp.verify_set(version text DEFAULT NULL)
    RETURNS SETOF integer LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_verify';
SELECT throws_ok('SELECT * FROM pg_temp.verify_set()', '42804',
    'flashcard_schema_verify() is declared with result columns the library does not return',
    'verify()''s symbol declared as a set of integers: 42804');
CREATE FUNCTION pg_temp.verify_int(version integer) RETURNS SETOF record
    LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_verify';
SELECT throws_ok('SELECT * FROM pg_temp.verify_int(1) AS (a text, b text, c text, d boolean, e text, f text)', '42804',
    'flashcard_schema_verify() is declared with arguments the library does not take',
    'verify()''s symbol declared with an integer argument: 42804, no crash');
CREATE FUNCTION pg_temp.verify_none(OUT a text, OUT b text, OUT c text, OUT d boolean, OUT e text, OUT f text)
    RETURNS SETOF record LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_verify';
SELECT throws_ok('SELECT * FROM pg_temp.verify_none()', '42804',
    'flashcard_schema_verify() is declared with arguments the library does not take',
    'verify()''s symbol declared without its argument: 42804, no crash');
CREATE FUNCTION pg_temp.status3(OUT a text, OUT b text, OUT c text)
    RETURNS SETOF record LANGUAGE c AS '$libdir/flashcard_schema', 'flashcard_schema_status';
SELECT throws_ok('SELECT * FROM pg_temp.status3()', '42804',
    'flashcard_schema_status() is declared with result columns the library does not return',
    'status()''s symbol declared with 3 columns: 42804 (was XX000)');
ROLLBACK TO SAVEPOINT drift;

SELECT is_empty(:'failing', 'after the drift cases: every verify() row is ok again');

SELECT * FROM finish();
ROLLBACK;
