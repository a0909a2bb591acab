-- test/pgtap/verify_versions.sql: what each PostgreSQL release (15 to 18)
-- records in its catalogs about the extension, and how verify() reads it.
--   17+: the array types of member types and the row types of member tables
--        (and their arrays) are extension members: understood, not "extra";
--        any other member type still is.
--   18+: every NOT NULL column has a pg_constraint row (contype 'n') named
--        <table>_<column>_not_null: checked by the column's "nullable" check
--        (NOT VALID, NO INHERIT or another name is drift), never "extra".
-- On a release without the fact, the version's assertions are skipped and the
-- release's own behaviour is asserted instead.
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
-- The drift below is made by hand, as a superuser; from 1.4 the DROP guard
-- refuses planting members and dropping keys or indexes while the tables hold
-- rows (test/t/guard_1_4.t), unless the session allows it.
SET LOCAL flashcard_schema.allow_data_loss = on;
SET LOCAL client_min_messages = error;
SELECT no_plan();  -- finish() prints the plan: the count of what ran

-- 1.4, not the default: the checks below name 1.4's objects, which a later
-- revision may not have (test/bin/next_revision.sh runs this suite at a 1.5)
CREATE EXTENSION flashcard_schema VERSION '1.4';
SELECT current_setting('server_version_num')::int >= 170000 AS pg17 \gset
SELECT current_setting('server_version_num')::int >= 180000 AS pg18 \gset

\set failing 'SELECT object_type, object_name, check_name, expected, actual FROM flashcard_schema_verify() WHERE NOT ok'

-- The members of type class, as pg_describe_object() names them.
CREATE FUNCTION pg_temp.type_members() RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(pg_describe_object(classid, objid, objsubid) ORDER BY 1)
    FROM pg_depend
    WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
      AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'flashcard_schema')
      AND classid = 'pg_type'::regclass
$$;

-- A clean install: every check passes, on every release, with the same count.
SELECT is_empty(:'failing', 'clean install: every verify() check passes');
SELECT lives_ok('SELECT flashcard_schema_assert()', 'clean install: assert() is quiet');
SELECT is((SELECT count(*) FROM flashcard_schema_verify() WHERE object_type = 'column' AND check_name = 'nullable'),
          (SELECT count(*) FROM flashcard_schema_verify() WHERE object_type = 'column' AND check_name = 'exists'),
          'one nullable check per column, whatever the release records');

-- 17+: implicit types are members.  (Their presence is the release's fact;
-- that they are not extra is verify()'s, asserted by the clean install above.)
SELECT CASE WHEN :'pg17' THEN
    ok(pg_temp.type_members() @> ARRAY['type decklevel[]', 'type users', 'type users[]', 'type reviews'],
       '17+: array and row types are recorded as extension members')
ELSE
    is(cardinality(pg_temp.type_members()), 4, 'before 17: only the four enum types are type members')
END;

-- A type or table the contract does not have is extra, in one row: its
-- implicit types (recorded as members too on 17+) are not reported apart.
SAVEPOINT s;
CREATE TYPE public.mood AS ENUM ('calm');
ALTER EXTENSION flashcard_schema ADD TYPE public.mood;
SELECT results_eq($$SELECT actual FROM flashcard_schema_verify() WHERE check_name = 'extra'$$,
                  ARRAY['type mood'], 'a member type the contract does not have: one extra row');
ROLLBACK TO SAVEPOINT s;

SAVEPOINT s;
CREATE TABLE public.notes (id int);
ALTER EXTENSION flashcard_schema ADD TABLE public.notes;
SELECT CASE WHEN :'pg17' THEN
    ok(pg_temp.type_members() @> ARRAY['type notes', 'type notes[]'], '17+: its row types became members with it')
ELSE
    is(cardinality(pg_temp.type_members()), 4, 'before 17: its row types did not become members')
END;
SELECT results_eq($$SELECT actual FROM flashcard_schema_verify() WHERE check_name = 'extra'$$,
                  ARRAY['table notes'], 'a member table the contract does not have: one extra row');
ROLLBACK TO SAVEPOINT s;

-- A renamed column: its NOT NULL constraint (on 18+, still named after the
-- old name) belongs to the extra column's row, not a row of its own.
SAVEPOINT s;
ALTER TABLE public.users RENAME COLUMN is_active TO active;
SELECT results_eq($$SELECT object_name || ' ' || check_name FROM flashcard_schema_verify() WHERE NOT ok ORDER BY 1$$,
                  ARRAY['users.active extra', 'users.is_active exists'], 'a renamed NOT NULL column: two failing rows');
ROLLBACK TO SAVEPOINT s;

-- 18+: NOT NULL constraints.
SELECT CASE WHEN :'pg18' THEN
    is((SELECT count(*)::int FROM pg_constraint WHERE contype = 'n' AND connamespace = 'public'::regnamespace),
       (SELECT count(*)::int FROM flashcard_schema_verify() WHERE check_name = 'nullable' AND actual = 'not null'),
       '18+: one NOT NULL constraint per NOT NULL column')
ELSE
    is((SELECT count(*)::int FROM pg_constraint WHERE contype = 'n'), 0, 'before 18: no NOT NULL constraint rows')
END;

SAVEPOINT s;
ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL;
SELECT CASE WHEN :'pg18' THEN 'ALTER TABLE public.users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID'
       ELSE 'ALTER TABLE public.users ALTER COLUMN email SET NOT NULL' END AS ddl \gset
:ddl;
SELECT results_eq(:'failing',
    CASE WHEN :'pg18' THEN $$VALUES ('column'::text, 'users.email'::text, 'nullable'::text, 'not null'::text, 'not null, NOT VALID'::text)$$
         ELSE 'SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text WHERE false' END,
    '18+: a NOT VALID NOT NULL constraint is drift (before 18: SET NOT NULL again is clean)');
ROLLBACK TO SAVEPOINT s;

SAVEPOINT s;
ALTER TABLE public.users ALTER COLUMN email DROP NOT NULL;
SELECT CASE WHEN :'pg18' THEN 'ALTER TABLE public.users ADD CONSTRAINT users_email_not_null NOT NULL email NO INHERIT'
       ELSE 'ALTER TABLE public.users ALTER COLUMN email SET NOT NULL' END AS ddl \gset
:ddl;
SELECT results_eq(:'failing',
    CASE WHEN :'pg18' THEN $$VALUES ('column'::text, 'users.email'::text, 'nullable'::text, 'not null'::text, 'not null, NO INHERIT'::text)$$
         ELSE 'SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text WHERE false' END,
    '18+: a NO INHERIT NOT NULL constraint is drift');
ROLLBACK TO SAVEPOINT s;

SAVEPOINT s;
SELECT CASE WHEN :'pg18' THEN 'ALTER TABLE public.users RENAME CONSTRAINT users_email_not_null TO email_required'
       ELSE 'SELECT' END AS ddl \gset
:ddl;
SELECT results_eq(:'failing',
    CASE WHEN :'pg18' THEN $$VALUES ('column'::text, 'users.email'::text, 'nullable'::text, 'not null'::text, 'not null, constraint email_required'::text)$$
         ELSE 'SELECT NULL::text, NULL::text, NULL::text, NULL::text, NULL::text WHERE false' END,
    '18+: a NOT NULL constraint under another name is drift');
ROLLBACK TO SAVEPOINT s;

-- A nullable column made NOT NULL: one failing row on every release (on 18
-- the new constraint is part of it, not a second, extra row).
SAVEPOINT s;
ALTER TABLE public.users ALTER COLUMN last_login_ip SET NOT NULL;
SELECT results_eq(:'failing',
    $$VALUES ('column'::text, 'users.last_login_ip'::text, 'nullable'::text, 'null'::text, 'not null'::text)$$,
    'SET NOT NULL on a nullable column: one failing row');
ROLLBACK TO SAVEPOINT s;

-- The database encoding: CREATE EXTENSION refuses anything but UTF8 (tested
-- here through the encoding check verify() would report; the refusal itself
-- needs another database: sql/encoding.sql).
SELECT is((SELECT actual FROM flashcard_schema_verify() WHERE object_type = 'database'),
          'UTF8', 'the test database is UTF8');

SELECT * FROM finish();
ROLLBACK;
