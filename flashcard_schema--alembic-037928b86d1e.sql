/* flashcard_schema--alembic-037928b86d1e.sql: adopt, in place, a database the application's Alembic made (head 037928b86d1e, 2026-01-20) */

-- CREATE EXTENSION flashcard_schema VERSION 'alembic-037928b86d1e', run by the
-- database's owner (the application's role) in a database where the
-- application's own migrations made the eight tables and three enum types
-- (docs/adoption.md).  Nothing is created, copied or rewritten: the existing
-- tables and types become the extension's members, owned and granted as a
-- fresh install's are, after a check that they are exactly what that Alembic
-- revision makes (the pseudo-revision's contract in src/contract.c, by the
-- same verify()).  Any difference refuses before anything changes, listing
-- every one.  ALTER EXTENSION flashcard_schema UPDATE then brings the schema
-- to the default revision (flashcard_schema--alembic-037928b86d1e--1.4.sql).

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION flashcard_schema VERSION 'alembic-037928b86d1e'" to load this file. \quit

-- Refuse what the schema cannot live with before anything is created: a
-- database that is not UTF8 (the schema stores Greek text), and a schema or
-- default_tablespace in which the installing role may not create objects (a
-- trusted install runs this script as a superuser, so PostgreSQL would not
-- ask).  One home for these checks: src/install_check.c, through a function
-- that lives for this call only.
CREATE FUNCTION @extschema@.flashcard_schema_check_install()
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_check_install'
LANGUAGE C
SET search_path = pg_catalog, @extschema@, pg_temp;
SELECT @extschema@.flashcard_schema_check_install();
DROP FUNCTION @extschema@.flashcard_schema_check_install();

-- The functions and the DROP guard, as revision 1.4 has them: verify()
-- checks the existing tables next, and the guard protects them from the
-- moment they are members (the extension's own scripts may add members).
-- Revision reporting and schema verification, implemented in C.
-- Each runs with a fixed search_path so that names are resolved and printed
-- the same way whatever the caller's search_path is; pg_temp comes last, so
-- no temporary object can stand in for one of ours.
CREATE FUNCTION @extschema@.flashcard_schema_revision()
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'flashcard_schema_revision'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, @extschema@, pg_temp;

CREATE FUNCTION @extschema@.flashcard_schema_status(
    OUT installed_version pg_catalog.text,
    OUT library_version pg_catalog.text,
    OUT default_version pg_catalog.text,
    OUT pending pg_catalog.text[],
    OUT up_to_date pg_catalog.bool,
    OUT in_recovery pg_catalog.bool,
    OUT publications pg_catalog.text[],
    OUT subscriptions pg_catalog.text[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flashcard_schema_status'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, @extschema@, pg_temp;

CREATE FUNCTION @extschema@.flashcard_schema_verify(
    version pg_catalog.text DEFAULT NULL,
    OUT object_type pg_catalog.text,
    OUT object_name pg_catalog.text,
    OUT check_name pg_catalog.text,
    OUT ok pg_catalog.bool,
    OUT expected pg_catalog.text,
    OUT actual pg_catalog.text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flashcard_schema_verify'
LANGUAGE C STABLE PARALLEL SAFE ROWS 500
SET search_path = pg_catalog, @extschema@, pg_temp;

CREATE FUNCTION @extschema@.flashcard_schema_assert()
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_assert'
LANGUAGE C STABLE PARALLEL SAFE
SET search_path = pg_catalog, @extschema@, pg_temp;

COMMENT ON FUNCTION @extschema@.flashcard_schema_revision() IS
    'Installed revision of the flashcard schema (what alembic current reported)';
COMMENT ON FUNCTION @extschema@.flashcard_schema_status() IS
    'Installed, library and default versions, the updates still pending, whether this server is a standby, and the publications and subscriptions that carry the tables';
COMMENT ON FUNCTION @extschema@.flashcard_schema_verify(pg_catalog.text) IS
    'One row per check of the live catalog against a revision''s expected schema (NULL: the installed one)';
COMMENT ON FUNCTION @extschema@.flashcard_schema_assert() IS
    'Raise an error listing every failing check if the live schema differs from the installed revision';

-- One statement must not drop every learner's data: DROP EXTENSION, DROP
-- SCHEMA ... CASCADE or DROP OWNED that would take the tables refuses while
-- they hold rows, unless the session set flashcard_schema.allow_data_loss.
-- The trigger fires before anything is dropped (src/drop_guard.c); it is an
-- extension member owned by a superuser, so only a superuser can disable it.
-- Before ALTER EXTENSION flashcard_schema UPDATE it also warns when the
-- tables are published or subscribed to (src/replication.c).
CREATE FUNCTION @extschema@.flashcard_schema_drop_guard()
RETURNS pg_catalog.event_trigger
AS 'MODULE_PATHNAME', 'flashcard_schema_drop_guard'
LANGUAGE C
SET search_path = pg_catalog, @extschema@, pg_temp;

COMMENT ON FUNCTION @extschema@.flashcard_schema_drop_guard() IS
    'Event trigger: refuse a DROP that would take the tables with their rows, unless flashcard_schema.allow_data_loss is on; before an update, warn about the order replicas must follow';

-- (The event triggers themselves: at the end of this script.)

-- Scaling out with Citus: one call on the coordinator lays the tables out
-- over the cluster, in the caller's transaction (src/citus.c; the layout is
-- contract_distribution[] in src/contract.c).  Run by the tables' owner.
CREATE FUNCTION @extschema@.flashcard_schema_distribute(shard_count pg_catalog.int4 DEFAULT 32)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_distribute'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, @extschema@, pg_temp;

COMMENT ON FUNCTION @extschema@.flashcard_schema_distribute(pg_catalog.int4) IS
    'Citus: make users, user_settings, refresh_tokens, decks and cards reference tables, and distribute card_statistics, reviews and user_deck_progress by user_id';

------------------------------------------------------------------------------
-- The DROP guard in 1.4 (issue 16)
------------------------------------------------------------------------------
--
-- While any table holds rows, nothing drops them, their keys or their indexes
-- unless the session set flashcard_schema.allow_data_loss (src/drop_guard.c).
-- The guard at ddl_command_start now fires on every DDL command: it refuses
-- ALTER EXTENSION flashcard_schema ADD (a planted member makes a DROP ...
-- CASCADE of that member drop the whole extension) and DROP INDEX or ALTER
-- INDEX on an index of a table with rows, and by firing it loads the library
-- whose object access hook notes each table, key or index dropped while its
-- table holds rows.  The second trigger, at sql_drop, refuses at the end of
-- any statement that dropped one, whatever cascade reached it; its ERROR
-- undoes the statement.  Both fire ALWAYS: session_replication_role =
-- replica does not switch them off.
CREATE EVENT TRIGGER flashcard_schema_drop_guard ON ddl_command_start
    EXECUTE FUNCTION @extschema@.flashcard_schema_drop_guard();
ALTER EVENT TRIGGER flashcard_schema_drop_guard ENABLE ALWAYS;
CREATE EVENT TRIGGER flashcard_schema_drop_backstop ON sql_drop
    EXECUTE FUNCTION @extschema@.flashcard_schema_drop_guard();
ALTER EVENT TRIGGER flashcard_schema_drop_backstop ENABLE ALWAYS;

-- Hold the tables (and keep them as checked) until the adoption commits: a
-- bounded wait, as every update takes its locks.  Only what is a table is
-- locked; anything else under one of the names is refused by the check.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
    tbl pg_catalog.text;
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    FOREACH tbl IN ARRAY ARRAY['users', 'user_settings', 'refresh_tokens', 'decks', 'cards',
                               'user_deck_progress', 'card_statistics', 'reviews'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_class c
                   WHERE c.relname OPERATOR(pg_catalog.=) tbl
                     AND c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                     AND c.relkind OPERATOR(pg_catalog.=) 'r') THEN
            BEGIN
                EXECUTE pg_catalog.format('LOCK TABLE @extschema@.%I IN ACCESS EXCLUSIVE MODE', tbl);
            EXCEPTION WHEN lock_not_available THEN
                RAISE EXCEPTION 'could not lock table % to adopt it into flashcard_schema', tbl
                    USING ERRCODE = 'lock_not_available',
                          DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                     pg_catalog.current_setting('lock_timeout')),
                          HINT = 'Retry when the long-running transaction has finished, or raise lock_timeout for this session.';
            END;
        END IF;
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

-- The check: every verify() row of the pseudo-revision must pass, but the
-- three that adoption itself establishes, and those only in the state the
-- application's migrations leave them: not a member of any extension, not
-- registered for pg_dump, and the owner's default privileges (no grant to
-- anyone).  Each object must be owned by a role whose rights the adopting
-- role has: adoption hands the tables to the extension, and leaving
-- (docs/adoption.md) hands them to the database owner, so it must not reach
-- tables the adopting role could not alter itself.  And each id's default
-- must call uuid-ossp's uuid_generate_v4(), not a function of that name.
DO $$
DECLARE
    adopter pg_catalog.oid := (SELECT e.extowner FROM pg_catalog.pg_extension e
                               WHERE e.extname OPERATOR(pg_catalog.=) 'flashcard_schema');
    nchecks pg_catalog.int4;
    nfailed pg_catalog.int4;
    failures pg_catalog.text;
BEGIN
    WITH v AS (
        SELECT v.*, c.relowner, c.relacl
        FROM @extschema@.flashcard_schema_verify('alembic-037928b86d1e') v
        LEFT JOIN pg_catalog.pg_class c
               ON v.object_type OPERATOR(pg_catalog.=) 'table'
              AND c.relname OPERATOR(pg_catalog.=) v.object_name
              AND c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
    ), owners AS (
        SELECT CASE WHEN o.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                    THEN 'table' ELSE 'type' END AS object_type,
               o.name, o.owner
        FROM (SELECT 'pg_catalog.pg_class'::pg_catalog.regclass AS classid, c.relname::pg_catalog.text AS name, c.relowner AS owner
              FROM pg_catalog.pg_class c
              WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['users', 'user_settings', 'refresh_tokens', 'decks', 'cards',
                                                                'user_deck_progress', 'card_statistics', 'reviews'])
              UNION ALL
              SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, t.typname::pg_catalog.text, t.typowner
              FROM pg_catalog.pg_type t
              WHERE t.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                AND t.typname OPERATOR(pg_catalog.=) ANY (ARRAY['decklevel', 'carddifficulty', 'cardstatus'])) o
    ), ids AS (
        -- The function each id's default calls: uuid-ossp's, as the
        -- application's migrations made it, not one that only shares its name
        SELECT c.relname::pg_catalog.text AS relname, d.refobjid AS func
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
             AND a.attname OPERATOR(pg_catalog.=) 'id' AND NOT a.attisdropped
        JOIN pg_catalog.pg_attrdef ad ON ad.adrelid OPERATOR(pg_catalog.=) c.oid AND ad.adnum OPERATOR(pg_catalog.=) a.attnum
        JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_attrdef'::pg_catalog.regclass
             AND d.objid OPERATOR(pg_catalog.=) ad.oid
             AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
        WHERE c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
          AND c.relkind OPERATOR(pg_catalog.=) 'r'
          AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['users', 'user_settings', 'refresh_tokens', 'decks', 'cards',
                                                          'user_deck_progress', 'card_statistics', 'reviews'])
    ), failed AS (
        SELECT v.object_type, v.object_name, v.check_name, v.expected, v.actual
        FROM v
        WHERE NOT v.ok
          AND NOT (v.check_name OPERATOR(pg_catalog.=) 'extension member' AND v.actual IS NULL
                   AND v.object_type OPERATOR(pg_catalog.=) ANY (ARRAY['table', 'type']))
          AND NOT (v.check_name OPERATOR(pg_catalog.=) 'dumped by pg_dump'
                   AND v.actual OPERATOR(pg_catalog.=) 'not registered')
          AND NOT (v.check_name OPERATOR(pg_catalog.=) 'privileges' AND v.relowner IS NOT NULL
                   AND v.actual OPERATOR(pg_catalog.=)
                       (pg_catalog.acldefault('r', v.relowner))[1]::pg_catalog.text)
        UNION ALL
        SELECT o.object_type, o.name, 'owner', pg_catalog.format('a role whose rights %s has', adopter::pg_catalog.regrole),
               o.owner::pg_catalog.regrole::pg_catalog.text
        FROM owners o
        WHERE NOT pg_catalog.pg_has_role(adopter, o.owner, 'USAGE')
        UNION ALL
        SELECT 'column', i.relname OPERATOR(pg_catalog.||) '.id', 'default function',
               'uuid_generate_v4() of extension uuid-ossp', i.func::pg_catalog.regprocedure::pg_catalog.text
        FROM ids i
        WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_depend x
                          JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) x.refobjid
                          WHERE x.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                            AND x.objid OPERATOR(pg_catalog.=) i.func
                            AND x.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
                            AND x.deptype OPERATOR(pg_catalog.=) 'e'
                            AND e.extname OPERATOR(pg_catalog.=) 'uuid-ossp')
    )
    SELECT (SELECT pg_catalog.count(*) FROM v) OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM owners)
           OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM ids),
           pg_catalog.count(*),
           pg_catalog.string_agg(pg_catalog.format(E'\n%s %s: %s: expected %s, found %s',
                                                   f.object_type, f.object_name, f.check_name,
                                                   COALESCE(f.expected, 'none'), COALESCE(f.actual, 'none')), '')
      INTO nchecks, nfailed, failures
      FROM failed f;
    IF nfailed OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'the existing tables are not those the application''s Alembic revision 037928b86d1e makes'
            USING ERRCODE = 'invalid_schema_definition',
                  DETAIL = pg_catalog.format('%s of %s checks failed:%s', nfailed, nchecks, failures),
                  HINT = 'Nothing was changed. docs/adoption.md says what to do about each difference.';
    END IF;
END
$$;

-- Owned as a fresh install's are: by the role running this script (the
-- bootstrap superuser when the database owner installs), the database owner
-- with what 1.4 grants it through pg_database_owner.
-- Catalog changes only: no table is rewritten or scanned.
ALTER TABLE @extschema@.users OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.user_settings OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.refresh_tokens OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.decks OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.cards OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.user_deck_progress OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.card_statistics OWNER TO CURRENT_USER;
ALTER TABLE @extschema@.reviews OWNER TO CURRENT_USER;
ALTER TYPE @extschema@.decklevel OWNER TO CURRENT_USER;
ALTER TYPE @extschema@.carddifficulty OWNER TO CURRENT_USER;
ALTER TYPE @extschema@.cardstatus OWNER TO CURRENT_USER;

GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLE
    @extschema@.users, @extschema@.user_settings, @extschema@.refresh_tokens,
    @extschema@.decks, @extschema@.cards, @extschema@.user_deck_progress,
    @extschema@.card_statistics, @extschema@.reviews
    TO pg_database_owner;

-- Members from now on (as the old "FROM unpackaged" scripts made them).
ALTER EXTENSION flashcard_schema ADD TYPE @extschema@.decklevel;
ALTER EXTENSION flashcard_schema ADD TYPE @extschema@.carddifficulty;
ALTER EXTENSION flashcard_schema ADD TYPE @extschema@.cardstatus;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.users;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.user_settings;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.refresh_tokens;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.decks;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.cards;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.user_deck_progress;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.card_statistics;
ALTER EXTENSION flashcard_schema ADD TABLE @extschema@.reviews;

-- Without these, pg_dump would write the tables' definitions (as part of the
-- extension) but silently none of their rows.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.users', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.user_settings', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.refresh_tokens', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.decks', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.cards', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.user_deck_progress', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.card_statistics', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.reviews', '');

-- The adopted database is now exactly the pseudo-revision's contract.
SELECT @extschema@.flashcard_schema_assert();
