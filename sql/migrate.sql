--
-- migrate: each update and each downgrade, with the schema psql shows at
-- every step, the rows kept, and the refusals that protect data.
--
\set SHOW_CONTEXT never
SET client_min_messages = warning;

CREATE EXTENSION flashcard_schema VERSION '1.0';
INSERT INTO users (id, email, full_name)
VALUES ('00000000-0000-0000-0000-000000000001', 'maria@example.gr', 'Μαρία Παπαδοπούλου');
INSERT INTO decks (id, name, level)
VALUES ('00000000-0000-0000-0000-00000000000d', 'Ελληνικά για αρχάριους', 'A1');
INSERT INTO cards (deck_id, front_text, back_text)
VALUES ('00000000-0000-0000-0000-00000000000d', 'καλημέρα', 'good morning');

-- 1.0 -> 1.1: users gains its last login, after updated_at
ALTER EXTENSION flashcard_schema UPDATE TO '1.1';
SELECT flashcard_schema_revision();
\d users
SELECT email, full_name, last_login_at, last_login_ip FROM users;

-- 1.1 -> 1.2: decklevel gains C1 and C2
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
SELECT flashcard_schema_revision();
SELECT enum_range(NULL::decklevel);
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();

-- 1.2 -> 1.3: reviews.quality becomes the SM-2 score the app writes, by the
-- seed's numbers (AGAIN 1, HARD 2, GOOD 3, EASY 4); every other column kept
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT u.id, c.id, q, 10 + n, '2026-11-20 10:00+00'::timestamptz + n * interval '1 minute'
FROM users u, cards c, unnest(enum_range(NULL::reviewrating)) WITH ORDINALITY AS r(q, n);
SELECT quality, time_taken, reviewed_at FROM reviews ORDER BY reviewed_at;
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
SELECT flashcard_schema_revision();
\d reviews
SELECT quality, time_taken, reviewed_at FROM reviews ORDER BY reviewed_at;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();
-- the reviewrating type stays, unused
SELECT enum_range(NULL::reviewrating);

-- the scores the app writes, 0 to 5, and the average it computes
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT u.id, c.id, q, 5, '2026-11-21 10:00+00'::timestamptz + q * interval '1 minute'
FROM users u, cards c, (VALUES (0), (5)) AS v(q);
SELECT avg(quality)::numeric(4,2) AS average_quality FROM reviews;

-- 1.3 -> 1.2 refuses while a score is outside 1 to 4, and changes nothing
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
\echo :LAST_ERROR_SQLSTATE
SELECT flashcard_schema_revision(), count(*) AS reviews, pg_typeof(min(quality)) FROM reviews;

-- without them it goes down, and up again
DELETE FROM reviews WHERE quality NOT BETWEEN 1 AND 4;
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
SELECT flashcard_schema_revision();
SELECT quality, time_taken, reviewed_at FROM reviews ORDER BY reviewed_at;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT u.id, c.id, q, 5, '2026-11-21 10:00+00'::timestamptz + q * interval '1 minute'
FROM users u, cards c, (VALUES (0), (5)) AS v(q);

-- data the lower revisions cannot hold
UPDATE users SET last_login_at = '2026-11-24 10:00+00', last_login_ip = '192.0.2.7';
UPDATE decks SET level = 'C1';

-- 1.3 -> 1.0 in one statement refuses at its first step (scores 0 and 5)
ALTER EXTENSION flashcard_schema UPDATE TO '1.0';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM reviews WHERE quality NOT BETWEEN 1 AND 4;

-- 1.2 -> 1.1 refuses while a deck is at C1 or C2, and changes nothing
ALTER EXTENSION flashcard_schema UPDATE TO '1.1';
\echo :LAST_ERROR_SQLSTATE
SELECT flashcard_schema_revision(), (SELECT level FROM decks) AS level;

-- ... and so does 1.3 -> 1.0 in one statement
ALTER EXTENSION flashcard_schema UPDATE TO '1.0';
\echo :LAST_ERROR_SQLSTATE

-- with the data moved away, 1.3 -> 1.1 goes through
UPDATE decks SET level = 'B2';
ALTER EXTENSION flashcard_schema UPDATE TO '1.1';
SELECT flashcard_schema_revision();
SELECT enum_range(NULL::decklevel);
SELECT name, level FROM decks;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();

-- 1.1 -> 1.0 refuses while a user has a last login
ALTER EXTENSION flashcard_schema UPDATE TO '1.0';
\echo :LAST_ERROR_SQLSTATE
SELECT flashcard_schema_revision(), (SELECT last_login_ip FROM users) AS last_login_ip;

-- the session can accept the loss explicitly
SET flashcard_schema.allow_data_loss = on;
SET client_min_messages = notice;
ALTER EXTENSION flashcard_schema UPDATE TO '1.0';
SET client_min_messages = warning;
RESET flashcard_schema.allow_data_loss;
SELECT flashcard_schema_revision();
\d users
SELECT email, full_name FROM users;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();

-- and back up in one statement: 1.0 -> the control file's default
ALTER EXTENSION flashcard_schema UPDATE;
SELECT flashcard_schema_revision();
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();

-- with allow_data_loss on, scores 0 and 5 become AGAIN and EASY and C1/C2
-- decks are moved to B2 on the way down, each with a WARNING (from 1.4,
-- which has C2, whatever the default is)
ALTER EXTENSION flashcard_schema UPDATE TO '1.4';
UPDATE decks SET level = 'C2';
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
SELECT u.id, c.id, q, 5, '2026-11-22 10:00+00'::timestamptz + q * interval '1 minute'
FROM users u, cards c, (VALUES (0), (5)) AS v(q);
SET flashcard_schema.allow_data_loss = on;
SET client_min_messages = notice;
ALTER EXTENSION flashcard_schema UPDATE TO '1.1';
SET client_min_messages = warning;
RESET flashcard_schema.allow_data_loss;
SELECT name, level FROM decks;
SELECT quality, time_taken, reviewed_at FROM reviews ORDER BY reviewed_at;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();

-- the setting is a boolean: anything else is refused when it is set
SET flashcard_schema.allow_data_loss = maybe;

-- every row is still there, Greek text byte for byte
SELECT u.full_name, d.name, c.front_text, c.back_text,
       convert_to(c.front_text, 'UTF8') AS front_bytes
FROM users u, decks d JOIN cards c ON c.deck_id = d.id;

-- 1.3 -> 1.4: the application's columns of 2025-12-19 to 2026-01-20,
-- appended (is_premium false in every existing deck), every row kept
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
INSERT INTO user_settings (user_id) SELECT id FROM users;
CREATE TEMP TABLE before_1_4 AS
SELECT 'users' AS tbl, md5(string_agg(u::text, '|' ORDER BY id)) AS digest FROM users u
UNION ALL SELECT 'decks', md5(string_agg(d::text, '|' ORDER BY id)) FROM decks d
UNION ALL SELECT 'user_settings', md5(string_agg(s::text, '|' ORDER BY id)) FROM user_settings s;
ALTER EXTENSION flashcard_schema UPDATE TO '1.4';
SELECT flashcard_schema_revision();
\d users
\d user_settings
\d decks
SELECT name, is_premium, owner_id FROM decks;
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();

-- the application's January data
UPDATE users SET auth0_id = 'auth0|maria', avatar_url = 'avatars/' || id || '/a.jpg';
UPDATE user_settings SET preferred_language = 'el', theme = 'dark';
INSERT INTO decks (name, level, is_premium, owner_id)
SELECT 'Οι λέξεις μου', 'A2', true, id FROM users;
-- auth0_id is unique, and a deck's owner must exist
INSERT INTO users (email, auth0_id) VALUES ('eleni@example.gr', 'auth0|maria');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO decks (name, level, owner_id) VALUES ('Χωρίς κάτοχο', 'A1', '00000000-0000-0000-0000-0000000000ff');
\echo :LAST_ERROR_SQLSTATE

-- 1.4 -> 1.3 refuses while any 1.4 column holds data, naming each, and
-- changes nothing
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
\echo :LAST_ERROR_SQLSTATE
-- ... and so does 1.4 -> 1.0 in one statement, at its first step
ALTER EXTENSION flashcard_schema UPDATE TO '1.0';
\echo :LAST_ERROR_SQLSTATE
SELECT flashcard_schema_revision(), (SELECT auth0_id FROM users) AS auth0_id,
       (SELECT theme FROM user_settings) AS theme;

-- the session can accept the loss: a WARNING names what was discarded
DELETE FROM decks WHERE owner_id IS NOT NULL;
SET flashcard_schema.allow_data_loss = on;
SET client_min_messages = notice;
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
SET client_min_messages = warning;
RESET flashcard_schema.allow_data_loss;
SELECT flashcard_schema_revision();
SELECT count(*) FILTER (WHERE NOT ok) AS failed FROM flashcard_schema_verify();
-- every other column of every row as it was before 1.4
SELECT b.tbl, b.digest = a.digest AS unchanged
FROM before_1_4 b JOIN (
    SELECT 'users' AS tbl, md5(string_agg(u::text, '|' ORDER BY id)) AS digest FROM users u
    UNION ALL SELECT 'decks', md5(string_agg(d::text, '|' ORDER BY id)) FROM decks d
    UNION ALL SELECT 'user_settings', md5(string_agg(s::text, '|' ORDER BY id)) FROM user_settings s) a
  USING (tbl)
ORDER BY 1;

-- with the 1.4 columns empty, 1.4 -> 1.3 needs no setting
ALTER EXTENSION flashcard_schema UPDATE TO '1.4';
UPDATE decks SET is_premium = false, owner_id = NULL;
ALTER EXTENSION flashcard_schema UPDATE TO '1.3';
SELECT flashcard_schema_revision();

-- below 1.3 there is no DROP guard: leave as the steps above left it
ALTER EXTENSION flashcard_schema UPDATE TO '1.1';
DROP EXTENSION flashcard_schema;
