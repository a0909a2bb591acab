/* flashcard_schema--1.4.sql: the Learn Greek Easy schema, revision 1.4, installed directly */

-- A fresh install runs this script rather than 1.0 plus the update scripts
-- (as 1.2 does, so that C1/C2 are usable in the installing transaction, and
-- so that reviews is created with its final column type instead of being
-- rewritten).  The result is the same catalog as every update route; test
-- sql/identity.sql proves it.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION flashcard_schema" to load this file. \quit

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

-- Enum types: SQLAlchemy stores the Python member names as labels.
-- reviewrating is used by no column since 1.3; it stays, as one of the seed's four.
CREATE TYPE @extschema@.decklevel AS ENUM ('A1', 'A2', 'B1', 'B2', 'C1', 'C2');
CREATE TYPE @extschema@.carddifficulty AS ENUM ('EASY', 'MEDIUM', 'HARD');
CREATE TYPE @extschema@.cardstatus AS ENUM ('NEW', 'LEARNING', 'REVIEW', 'RELEARNING', 'MASTERED');
CREATE TYPE @extschema@.reviewrating AS ENUM ('AGAIN', 'HARD', 'GOOD', 'EASY');

CREATE TABLE @extschema@.users (
    id                pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    email             pg_catalog.varchar(255) NOT NULL,
    password_hash     pg_catalog.varchar(255),
    full_name         pg_catalog.varchar(255),
    is_active         pg_catalog.bool NOT NULL DEFAULT true,
    is_superuser      pg_catalog.bool NOT NULL DEFAULT false,
    email_verified_at pg_catalog.timestamptz,
    google_id         pg_catalog.varchar(255),
    created_at        pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at        pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    last_login_at     pg_catalog.timestamptz,
    last_login_ip     pg_catalog.varchar(45),
    auth0_id          pg_catalog.varchar(255),
    avatar_url        pg_catalog.varchar(500),
    CONSTRAINT users_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_email ON @extschema@.users USING btree (email);
CREATE UNIQUE INDEX ix_users_google_id ON @extschema@.users USING btree (google_id);
CREATE UNIQUE INDEX ix_users_auth0_id ON @extschema@.users USING btree (auth0_id);

CREATE TABLE @extschema@.user_settings (
    id                  pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    user_id             pg_catalog.uuid NOT NULL,
    daily_goal          pg_catalog.int4 NOT NULL DEFAULT 20,
    email_notifications pg_catalog.bool NOT NULL DEFAULT true,
    created_at          pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at          pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    preferred_language  pg_catalog.varchar(10),
    theme               pg_catalog.varchar(10),
    CONSTRAINT user_settings_pkey PRIMARY KEY (id),
    CONSTRAINT user_settings_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES @extschema@.users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ix_user_settings_user_id ON @extschema@.user_settings USING btree (user_id);

CREATE TABLE @extschema@.refresh_tokens (
    id         pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    user_id    pg_catalog.uuid NOT NULL,
    token      pg_catalog.varchar(500) NOT NULL,
    expires_at pg_catalog.timestamptz NOT NULL,
    created_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES @extschema@.users (id) ON DELETE CASCADE
);
CREATE INDEX ix_refresh_tokens_user_id ON @extschema@.refresh_tokens USING btree (user_id);
CREATE UNIQUE INDEX ix_refresh_tokens_token ON @extschema@.refresh_tokens USING btree (token);
CREATE INDEX ix_refresh_tokens_expires_at ON @extschema@.refresh_tokens USING btree (expires_at);

CREATE TABLE @extschema@.decks (
    id          pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    name        pg_catalog.varchar(255) NOT NULL,
    description pg_catalog.text,
    level       @extschema@.decklevel NOT NULL,
    is_active   pg_catalog.bool NOT NULL DEFAULT true,
    created_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    is_premium  pg_catalog.bool NOT NULL DEFAULT false,
    owner_id    pg_catalog.uuid,
    CONSTRAINT decks_pkey PRIMARY KEY (id),
    CONSTRAINT fk_decks_owner_id_users FOREIGN KEY (owner_id)
        REFERENCES @extschema@.users (id) ON DELETE CASCADE
);
CREATE INDEX ix_decks_name ON @extschema@.decks USING btree (name);
CREATE INDEX ix_decks_level ON @extschema@.decks USING btree (level);
CREATE INDEX ix_decks_is_active ON @extschema@.decks USING btree (is_active);
CREATE INDEX ix_decks_is_premium ON @extschema@.decks USING btree (is_premium);
CREATE INDEX ix_decks_owner_id ON @extschema@.decks USING btree (owner_id);

CREATE TABLE @extschema@.cards (
    id               pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    deck_id          pg_catalog.uuid NOT NULL,
    front_text       pg_catalog.text NOT NULL,
    back_text        pg_catalog.text NOT NULL,
    example_sentence pg_catalog.text,
    pronunciation    pg_catalog.varchar(255),
    difficulty       @extschema@.carddifficulty NOT NULL DEFAULT 'MEDIUM'::@extschema@.carddifficulty,
    order_index      pg_catalog.int4 NOT NULL DEFAULT 0,
    created_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT cards_pkey PRIMARY KEY (id),
    CONSTRAINT cards_deck_id_fkey FOREIGN KEY (deck_id)
        REFERENCES @extschema@.decks (id) ON DELETE CASCADE
);
CREATE INDEX ix_cards_deck_id ON @extschema@.cards USING btree (deck_id);
CREATE INDEX ix_cards_difficulty ON @extschema@.cards USING btree (difficulty);

CREATE TABLE @extschema@.user_deck_progress (
    id              pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    user_id         pg_catalog.uuid NOT NULL,
    deck_id         pg_catalog.uuid NOT NULL,
    cards_studied   pg_catalog.int4 NOT NULL DEFAULT 0,
    cards_mastered  pg_catalog.int4 NOT NULL DEFAULT 0,
    last_studied_at pg_catalog.timestamptz,
    created_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT user_deck_progress_pkey PRIMARY KEY (id),
    CONSTRAINT user_deck_progress_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES @extschema@.users (id) ON DELETE CASCADE,
    CONSTRAINT user_deck_progress_deck_id_fkey FOREIGN KEY (deck_id)
        REFERENCES @extschema@.decks (id) ON DELETE CASCADE,
    CONSTRAINT uq_user_deck UNIQUE (user_id, deck_id)
);
CREATE INDEX ix_user_deck_progress_user_id ON @extschema@.user_deck_progress USING btree (user_id);
CREATE INDEX ix_user_deck_progress_deck_id ON @extschema@.user_deck_progress USING btree (deck_id);

CREATE TABLE @extschema@.card_statistics (
    id               pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    user_id          pg_catalog.uuid NOT NULL,
    card_id          pg_catalog.uuid NOT NULL,
    easiness_factor  pg_catalog.float8 NOT NULL DEFAULT 2.5,
    "interval"       pg_catalog.int4 NOT NULL DEFAULT 0,
    repetitions      pg_catalog.int4 NOT NULL DEFAULT 0,
    next_review_date pg_catalog.date NOT NULL DEFAULT CURRENT_DATE,
    status           @extschema@.cardstatus NOT NULL DEFAULT 'NEW'::@extschema@.cardstatus,
    created_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT card_statistics_pkey PRIMARY KEY (id),
    CONSTRAINT card_statistics_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES @extschema@.users (id) ON DELETE CASCADE,
    CONSTRAINT card_statistics_card_id_fkey FOREIGN KEY (card_id)
        REFERENCES @extschema@.cards (id) ON DELETE CASCADE,
    CONSTRAINT uq_user_card UNIQUE (user_id, card_id)
);
CREATE INDEX ix_card_statistics_user_id ON @extschema@.card_statistics USING btree (user_id);
CREATE INDEX ix_card_statistics_card_id ON @extschema@.card_statistics USING btree (card_id);
CREATE INDEX ix_card_statistics_next_review_date ON @extschema@.card_statistics USING btree (next_review_date);
CREATE INDEX ix_card_statistics_status ON @extschema@.card_statistics USING btree (status);
CREATE INDEX ix_card_statistics_user_due_cards ON @extschema@.card_statistics
    USING btree (user_id, next_review_date, status);

CREATE TABLE @extschema@.reviews (
    id          pg_catalog.uuid NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    user_id     pg_catalog.uuid NOT NULL,
    card_id     pg_catalog.uuid NOT NULL,
    quality     pg_catalog.int4 NOT NULL,
    time_taken  pg_catalog.int4 NOT NULL,
    reviewed_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT reviews_pkey PRIMARY KEY (id),
    CONSTRAINT reviews_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES @extschema@.users (id) ON DELETE CASCADE,
    CONSTRAINT reviews_card_id_fkey FOREIGN KEY (card_id)
        REFERENCES @extschema@.cards (id) ON DELETE CASCADE
);
CREATE INDEX ix_reviews_user_id ON @extschema@.reviews USING btree (user_id);
CREATE INDEX ix_reviews_card_id ON @extschema@.reviews USING btree (card_id);
CREATE INDEX ix_reviews_reviewed_at ON @extschema@.reviews USING btree (reviewed_at);

-- Every table ends with the same two audit timestamps.
COMMENT ON COLUMN @extschema@.users.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.users.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.user_settings.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.user_settings.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.refresh_tokens.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.refresh_tokens.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.decks.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.decks.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.cards.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.cards.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.user_deck_progress.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.user_deck_progress.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.card_statistics.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.card_statistics.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.reviews.created_at IS 'Timestamp when record was created';
COMMENT ON COLUMN @extschema@.reviews.updated_at IS 'Timestamp when record was last updated';
COMMENT ON COLUMN @extschema@.users.last_login_at IS 'Timestamp of last successful login';
COMMENT ON COLUMN @extschema@.users.last_login_ip IS 'IP address of last successful login';
-- 1.4: the application's migrations of 2025-12-19 to 2026-01-20, in their order.
COMMENT ON COLUMN @extschema@.user_settings.preferred_language IS 'ISO 639-1 language code (e.g., ''en'', ''el'')';
COMMENT ON COLUMN @extschema@.users.auth0_id IS 'Auth0 user identifier (sub claim)';
COMMENT ON COLUMN @extschema@.user_settings.theme IS 'User''s preferred theme: ''light'' or ''dark''';
COMMENT ON COLUMN @extschema@.decks.is_premium IS 'Premium decks require a subscription to access';
COMMENT ON COLUMN @extschema@.decks.owner_id IS 'Owner user ID (NULL for system decks, UUID for user-created decks)';
COMMENT ON COLUMN @extschema@.users.avatar_url IS 'S3 key for user avatar (e.g., avatars/{user_id}/{uuid}.jpg)';

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

-- The database owner (the application's role, which owned these tables when
-- Alembic ran the schema) reads and writes every row; from 1.4 it may also
-- point its own tables' foreign keys at them (REFERENCES) and empty them
-- (TRUNCATE, as the application's seed-and-reset code does), and nothing
-- more: no TRIGGER or MAINTAIN (triggers would be its code run by whoever
-- writes a row, a superuser's downgrade included), no grant option, and no
-- ownership, so no ALTER, rules or policies: the schema changes only through
-- ALTER EXTENSION ... UPDATE (docs/security.md).  Granted to pg_database_owner rather than to a
-- named role, so that whoever installs or updates (the owner itself, or a
-- superuser) the result is the same, and a restore into a database with
-- another owner gives that owner the same rights.  PUBLIC gets nothing on the
-- tables; the types and the read-only functions keep PostgreSQL's defaults
-- (USAGE and EXECUTE for PUBLIC).
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES ON TABLE
    @extschema@.users, @extschema@.user_settings, @extschema@.refresh_tokens,
    @extschema@.decks, @extschema@.cards, @extschema@.user_deck_progress,
    @extschema@.card_statistics, @extschema@.reviews
    TO pg_database_owner;

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
