/* flashcard_schema--1.5--detached.sql (TEST-ONLY, test/bin/next_revision.sh): hand the tables back to the database owner, ahead of DROP EXTENSION */

-- The way out of the extension without losing a row (docs/adoption.md):
--   ALTER EXTENSION flashcard_schema UPDATE TO 'detached';
--   DROP EXTENSION flashcard_schema;
-- This step leaves the eight tables and four enum types where they are, with
-- every row, key, index and default, as ordinary objects owned by the
-- database owner (the application's role), as the application's own
-- migrations had them: no longer members (so DROP EXTENSION does not take
-- them, and pg_dump dumps them as plain tables), no longer registered for
-- pg_dump as extension data, without the grant to pg_database_owner (the
-- owner has every right).  The DROP guard goes with them: there is nothing
-- left for it to guard, and DROP EXTENSION would otherwise refuse.  What
-- stays in the extension are its functions, which DROP EXTENSION removes.
-- 'detached' is an end state: there is no update out of it.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE TO 'detached'" to load this file. \quit

-- Bounded lock waits, as every step takes them.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
    tbl pg_catalog.text;
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    FOREACH tbl IN ARRAY ARRAY['users', 'user_settings', 'decks', 'cards',
                               'user_deck_progress', 'card_statistics', 'reviews'] LOOP
        BEGIN
            EXECUTE pg_catalog.format('LOCK TABLE @extschema@.%I IN ACCESS EXCLUSIVE MODE', tbl);
        EXCEPTION WHEN lock_not_available THEN
            RAISE EXCEPTION 'could not lock table % to detach it from flashcard_schema', tbl
                USING ERRCODE = 'lock_not_available',
                      DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                 pg_catalog.current_setting('lock_timeout')),
                      HINT = 'Retry when the long-running transaction has finished, or raise lock_timeout for this session.';
        END;
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

DROP EVENT TRIGGER flashcard_schema_drop_guard;
DROP EVENT TRIGGER flashcard_schema_drop_backstop;

-- Removing a table from the extension also removes its pg_dump registration.
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.users;
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.user_settings;
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.decks;
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.cards;
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.user_deck_progress;
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.card_statistics;
ALTER EXTENSION flashcard_schema DROP TABLE @extschema@.reviews;
ALTER EXTENSION flashcard_schema DROP TYPE @extschema@.decklevel;
ALTER EXTENSION flashcard_schema DROP TYPE @extschema@.carddifficulty;
ALTER EXTENSION flashcard_schema DROP TYPE @extschema@.cardstatus;
ALTER EXTENSION flashcard_schema DROP TYPE @extschema@.reviewrating;

-- To the database owner, by name: the statements take no expression.
DO $$
DECLARE
    owner pg_catalog.text := (SELECT d.datdba::pg_catalog.regrole::pg_catalog.text
                              FROM pg_catalog.pg_database d
                              WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database());
    tbl pg_catalog.text;
    typ pg_catalog.text;
BEGIN
    FOREACH tbl IN ARRAY ARRAY['users', 'user_settings', 'decks', 'cards',
                               'user_deck_progress', 'card_statistics', 'reviews'] LOOP
        EXECUTE pg_catalog.format('ALTER TABLE @extschema@.%I OWNER TO %s', tbl, owner);
        EXECUTE pg_catalog.format('REVOKE ALL ON TABLE @extschema@.%I FROM pg_database_owner', tbl);
    END LOOP;
    FOREACH typ IN ARRAY ARRAY['decklevel', 'carddifficulty', 'cardstatus', 'reviewrating'] LOOP
        EXECUTE pg_catalog.format('ALTER TYPE @extschema@.%I OWNER TO %s', typ, owner);
    END LOOP;
END
$$;
