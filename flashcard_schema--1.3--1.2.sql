/* flashcard_schema--1.3--1.2.sql: reviews.quality goes back to the reviewrating enum */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" to load this file. \quit

-- An install that flashcard_schema_distribute() laid out over a Citus
-- cluster stays at 1.3 or later: 1.2 has no distributed layout (its keys
-- lack user_id, which Citus requires), and its scripts are not written to
-- reach every node.  Checked first: nothing has changed when it refuses.
DO $$
DECLARE
    distributed pg_catalog.text;
BEGIN
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        -- Dynamic: pg_dist_partition exists only where Citus is installed.
        EXECUTE 'SELECT pg_catalog.string_agg(c.relname::pg_catalog.text, '', '' ORDER BY c.relname)
                   FROM pg_catalog.pg_dist_partition p
                   JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p.logicalrelid
                   JOIN pg_catalog.pg_depend d ON d.objid OPERATOR(pg_catalog.=) c.oid
                  WHERE d.classid OPERATOR(pg_catalog.=) ''pg_catalog.pg_class''::pg_catalog.regclass
                    AND d.refclassid OPERATOR(pg_catalog.=) ''pg_catalog.pg_extension''::pg_catalog.regclass
                    AND d.refobjid OPERATOR(pg_catalog.=) $1
                    AND d.deptype OPERATOR(pg_catalog.=) ''e'''
           INTO distributed
          USING (SELECT e.oid FROM pg_catalog.pg_extension e
                  WHERE e.extname OPERATOR(pg_catalog.=) 'flashcard_schema'::pg_catalog.name);
        IF distributed IS NOT NULL THEN
            RAISE EXCEPTION 'cannot downgrade flashcard_schema below 1.3 while Citus distributes its tables'
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('Citus distributes %s. Revision 1.2 has no distributed layout. Nothing was changed.', distributed),
                      HINT = 'Stay at 1.3, or move the data to a single-node database installed at 1.3 and downgrade there.';
        END IF;
    END IF;
END
$$;

-- 1.2 has no distributed mode.
DROP FUNCTION @extschema@.flashcard_schema_distribute(pg_catalog.int4);

-- The functions go back to 1.2's search_path.
ALTER FUNCTION @extschema@.flashcard_schema_revision()
    SET search_path = pg_catalog, @extschema@;
ALTER FUNCTION @extschema@.flashcard_schema_status()
    SET search_path = pg_catalog, @extschema@;
ALTER FUNCTION @extschema@.flashcard_schema_verify(pg_catalog.text)
    SET search_path = pg_catalog, @extschema@;
ALTER FUNCTION @extschema@.flashcard_schema_assert()
    SET search_path = pg_catalog, @extschema@;

-- status() goes back to 1.2's five columns (its 1.2 definition, exactly).
DROP FUNCTION @extschema@.flashcard_schema_status();
CREATE FUNCTION @extschema@.flashcard_schema_status(
    OUT installed_version pg_catalog.text,
    OUT library_version pg_catalog.text,
    OUT default_version pg_catalog.text,
    OUT pending pg_catalog.text[],
    OUT up_to_date pg_catalog.bool)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'flashcard_schema_status'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, @extschema@;
COMMENT ON FUNCTION @extschema@.flashcard_schema_status() IS
    'Installed, library and default versions, and the updates still pending';

-- 1.2 has no DROP guard.
DROP EVENT TRIGGER flashcard_schema_drop_guard;
DROP FUNCTION @extschema@.flashcard_schema_drop_guard();

-- Table privileges go back to 1.2's: the owner's (a superuser's) only.
REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLE
    @extschema@.users, @extschema@.user_settings, @extschema@.refresh_tokens,
    @extschema@.decks, @extschema@.cards, @extschema@.user_deck_progress,
    @extschema@.card_statistics, @extschema@.reviews
    FROM pg_database_owner;

-- Lock reviews (bounded wait, as in every step), then refuse to discard data
-- unless the session accepted the loss with flashcard_schema.allow_data_loss.
-- 1.2 stores only the ratings AGAIN..EASY (1..4); 1.3 takes the SM-2 scores
-- 0..5 (and any other integer).
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
    allow pg_catalog.bool;
    n pg_catalog.int8;
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        LOCK TABLE @extschema@.reviews IN ACCESS EXCLUSIVE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table reviews to downgrade flashcard_schema to 1.2'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the downgrade when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);

    -- Calling into the library first defines flashcard_schema.allow_data_loss
    -- (so it reads 'on' or 'off') and makes its check of where the value
    -- came from apply to the value read here.
    PERFORM @extschema@.flashcard_schema_revision();
    allow := pg_catalog.current_setting('flashcard_schema.allow_data_loss')
             OPERATOR(pg_catalog.=) 'on'::pg_catalog.text;
    SELECT pg_catalog.count(*) INTO n
      FROM @extschema@.reviews
     WHERE quality OPERATOR(pg_catalog.<) 1 OR quality OPERATOR(pg_catalog.>) 4;
    IF n OPERATOR(pg_catalog.>) 0 AND NOT allow THEN
        RAISE EXCEPTION 'downgrading flashcard_schema to 1.2 would discard the quality of % review(s) outside 1 to 4', n
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('Revision 1.2 stores a review''s quality as reviewrating (AGAIN 1, HARD 2, GOOD 3, EASY 4); %s row(s) of table reviews hold 0, 5 or another score it cannot represent.', n),
                  HINT = 'Change or delete those reviews first, or run SET flashcard_schema.allow_data_loss = on in this session to have 0 and below stored as AGAIN and 5 and above as EASY.';
    ELSIF n OPERATOR(pg_catalog.>) 0 THEN
        RAISE WARNING 'flashcard_schema.allow_data_loss is on: storing % review(s) with a quality outside 1 to 4 as AGAIN (0 and below) or EASY (5 and above)', n;
    END IF;
END
$$;

-- One rewrite of reviews, under the lock taken above; out-of-range scores
-- (only left when the loss was accepted) are clamped to AGAIN or EASY.
ALTER TABLE @extschema@.reviews
    ALTER COLUMN quality TYPE @extschema@.reviewrating USING (
        CASE
            WHEN quality OPERATOR(pg_catalog.<=) 1 THEN 'AGAIN'::@extschema@.reviewrating
            WHEN quality OPERATOR(pg_catalog.=) 2 THEN 'HARD'::@extschema@.reviewrating
            WHEN quality OPERATOR(pg_catalog.=) 3 THEN 'GOOD'::@extschema@.reviewrating
            ELSE 'EASY'::@extschema@.reviewrating
        END);
