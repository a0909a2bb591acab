/* flashcard_schema--alembic-d606f59197e7--1.3.sql: an adopted Alembic database (d606f59197e7) to revision 1.3 */

-- The application's migrations left five differences from the contract
-- (schema-contract.md, "Accepted differences"); this step makes them the
-- contract's.  Every row and every id stays as it is and no table is
-- rewritten: four are catalog changes, and one builds an index.
--   * the ids' default uuid_generate_v4() (uuid-ossp) becomes
--     gen_random_uuid(); the 13 defaults the models gave only in Python
--     become server defaults: SET DEFAULT, catalog only (existing rows keep
--     their values: a default applies to later INSERTs only);
--   * cardstatus gains RELEARNING before MASTERED (no row can hold it yet);
--   * the type reviewrating, unused by any column since 1.3, is created;
--   * ix_card_statistics_user_due_cards is built: this reads card_statistics
--     once, under a SHARE lock (reads go on, writes to card_statistics wait
--     until the build is done; test/bench/bench_adopt.sh measures it).

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION flashcard_schema UPDATE" to load this file. \quit

-- The index first, under the weakest lock that builds it, with the bounded
-- wait every step uses; the catalog changes after it hold their locks only
-- until the update commits.
DO $$
DECLARE
    saved pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
    IF saved OPERATOR(pg_catalog.=) '0'::pg_catalog.text THEN
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END IF;
    BEGIN
        LOCK TABLE @extschema@.card_statistics IN SHARE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'could not lock table card_statistics to update flashcard_schema to 1.3'
            USING ERRCODE = 'lock_not_available',
                  DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                             pg_catalog.current_setting('lock_timeout')),
                  HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
    END;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

CREATE INDEX ix_card_statistics_user_due_cards ON @extschema@.card_statistics
    USING btree (user_id, next_review_date, status);

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
        BEGIN
            EXECUTE pg_catalog.format('LOCK TABLE @extschema@.%I IN ACCESS EXCLUSIVE MODE', tbl);
        EXCEPTION WHEN lock_not_available THEN
            RAISE EXCEPTION 'could not lock table % to update flashcard_schema to 1.3', tbl
                USING ERRCODE = 'lock_not_available',
                      DETAIL = pg_catalog.format('Another transaction held a conflicting lock for longer than lock_timeout (%s). Nothing was changed.',
                                                 pg_catalog.current_setting('lock_timeout')),
                      HINT = 'Retry the update when the long-running transaction has finished, or raise lock_timeout for this session.';
        END;
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved, true);
END
$$;

ALTER TABLE @extschema@.users
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid(),
    ALTER COLUMN is_active SET DEFAULT true,
    ALTER COLUMN is_superuser SET DEFAULT false;
ALTER TABLE @extschema@.user_settings
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid(),
    ALTER COLUMN daily_goal SET DEFAULT 20,
    ALTER COLUMN email_notifications SET DEFAULT true;
ALTER TABLE @extschema@.refresh_tokens
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid();
ALTER TABLE @extschema@.decks
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid(),
    ALTER COLUMN is_active SET DEFAULT true;
ALTER TABLE @extschema@.cards
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid(),
    ALTER COLUMN difficulty SET DEFAULT 'MEDIUM'::@extschema@.carddifficulty,
    ALTER COLUMN order_index SET DEFAULT 0;
ALTER TABLE @extschema@.user_deck_progress
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid(),
    ALTER COLUMN cards_studied SET DEFAULT 0,
    ALTER COLUMN cards_mastered SET DEFAULT 0;
ALTER TABLE @extschema@.card_statistics
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid(),
    ALTER COLUMN easiness_factor SET DEFAULT 2.5,
    ALTER COLUMN "interval" SET DEFAULT 0,
    ALTER COLUMN repetitions SET DEFAULT 0,
    ALTER COLUMN status SET DEFAULT 'NEW'::@extschema@.cardstatus;
ALTER TABLE @extschema@.reviews
    ALTER COLUMN id SET DEFAULT pg_catalog.gen_random_uuid();

-- Not usable before this transaction commits (PostgreSQL's rule for a new
-- enum label); nothing here uses it.
ALTER TYPE @extschema@.cardstatus ADD VALUE 'RELEARNING' BEFORE 'MASTERED';

-- One of the seed's four types, unused by any column since 1.3.
CREATE TYPE @extschema@.reviewrating AS ENUM ('AGAIN', 'HARD', 'GOOD', 'EASY');

-- The result is revision 1.3, as a fresh install of it.
SELECT @extschema@.flashcard_schema_assert();
