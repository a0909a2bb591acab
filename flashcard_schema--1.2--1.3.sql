/* flashcard_schema--1.2--1.3.sql: reviews.quality becomes the integer SM-2 score the application writes */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'" to load this file. \quit

-- Replication: a WARNING if the tables are published or this database
-- subscribes to them, saying which goes first (for this step, which changes
-- the type of reviews.quality: the publisher).  The event trigger
-- created below says it before every later update; this one comes through a
-- function of the library, created for this call only, so that the messages
-- have one home (src/replication.c).
CREATE FUNCTION @extschema@.flashcard_schema_replication_warning(pg_catalog.text, pg_catalog.text)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'flashcard_schema_replication_warning'
LANGUAGE C
SET search_path = pg_catalog, @extschema@, pg_temp;
SELECT @extschema@.flashcard_schema_replication_warning('1.2', '1.3');
DROP FUNCTION @extschema@.flashcard_schema_replication_warning(pg_catalog.text, pg_catalog.text);

-- Catalog-only changes first, so that nothing but the rewrite at the end of
-- this script happens while reviews is locked.

-- The functions search pg_temp last: no temporary object can stand in for one of ours.
ALTER FUNCTION @extschema@.flashcard_schema_revision()
    SET search_path = pg_catalog, @extschema@, pg_temp;
ALTER FUNCTION @extschema@.flashcard_schema_status()
    SET search_path = pg_catalog, @extschema@, pg_temp;
ALTER FUNCTION @extschema@.flashcard_schema_verify(pg_catalog.text)
    SET search_path = pg_catalog, @extschema@, pg_temp;
ALTER FUNCTION @extschema@.flashcard_schema_assert()
    SET search_path = pg_catalog, @extschema@, pg_temp;

-- The database owner (the application's role, which owned these tables when
-- Alembic ran the schema) reads and writes every row, and nothing more: no
-- TRUNCATE, REFERENCES, TRIGGER or MAINTAIN (triggers would be its code run
-- by whoever writes a row, a superuser's downgrade included), and no
-- ownership, so no ALTER, rules or policies: the schema changes only through
-- ALTER EXTENSION ... UPDATE.  Granted to pg_database_owner rather than to a
-- named role, so that whoever installs or updates (the owner itself, or a
-- superuser) the result is the same, and a restore into a database with
-- another owner gives that owner the same rights.  PUBLIC gets nothing on the
-- tables; the types and the read-only functions keep PostgreSQL's defaults
-- (USAGE and EXECUTE for PUBLIC).
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE
    @extschema@.users, @extschema@.user_settings, @extschema@.refresh_tokens,
    @extschema@.decks, @extschema@.cards, @extschema@.user_deck_progress,
    @extschema@.card_statistics, @extschema@.reviews
    TO pg_database_owner;

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

CREATE EVENT TRIGGER flashcard_schema_drop_guard ON ddl_command_start
    WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA', 'DROP OWNED', 'ALTER EXTENSION')
    EXECUTE FUNCTION @extschema@.flashcard_schema_drop_guard();

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

-- status() also says whether this server is a standby and which
-- publications and subscriptions carry the tables: new OUT columns, after
-- the five of 1.0 (so positional readers keep working), need a new function.
DROP FUNCTION @extschema@.flashcard_schema_status();
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

COMMENT ON FUNCTION @extschema@.flashcard_schema_status() IS
    'Installed, library and default versions, the updates still pending, whether this server is a standby, and the publications and subscriptions that carry the tables';

-- reviews.quality: reviewrating -> integer, by the seed's own numbers
-- (AGAIN 1, HARD 2, GOOD 3, EASY 4).  This is the one step that rewrites a
-- table, and reviews is the largest one: take its lock with the bounded wait
-- every step uses, then rewrite it once (ALTER COLUMN ... TYPE writes every
-- row once and rebuilds each index once; quality is in no index or
-- constraint, so nothing is validated again).  The type reviewrating stays.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        LOCK TABLE @extschema@.reviews IN ACCESS EXCLUSIVE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table reviews to update flashcard_schema to 1.3'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

ALTER TABLE @extschema@.reviews
    ALTER COLUMN quality TYPE pg_catalog.int4 USING (
        CASE
            WHEN quality OPERATOR(pg_catalog.=) 'AGAIN'::@extschema@.reviewrating THEN 1
            WHEN quality OPERATOR(pg_catalog.=) 'HARD'::@extschema@.reviewrating THEN 2
            WHEN quality OPERATOR(pg_catalog.=) 'GOOD'::@extschema@.reviewrating THEN 3
            WHEN quality OPERATOR(pg_catalog.=) 'EASY'::@extschema@.reviewrating THEN 4
        END);
