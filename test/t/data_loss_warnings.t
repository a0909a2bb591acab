#!/usr/bin/env bash
# test/t/data_loss_warnings.t: what psql shows when a downgrade would discard
# data: without flashcard_schema.allow_data_loss, an ERROR with DETAIL and
# HINT (and exit status 1); with it, one WARNING per step that discards
# something, naming what and how many rows; with nothing at stake, nothing.
# (test/pgtap/data_downgrades.sql checks SQLSTATEs, rows and versions; pgTAP cannot
# see warnings.)
#
# Run by `make prove` (prove test/t/*.t) inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
DB=flashcard_schema_test_warnings

run() {  # run psql commands (-c ...) on DB; sets OUT, ERR, RC
    psql -X -A -t -q -v ON_ERROR_STOP=1 -v SHOW_CONTEXT=never -d $DB "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

at_stake="
INSERT INTO decks (id, name, level) VALUES
('d0000000-0000-4000-8000-0000000000c1', 'Προχωρημένα: Ο Καβάφης', 'C1'),
('d0000000-0000-4000-8000-0000000000c2', 'Άριστα: Αρχαία', 'C2');
UPDATE users SET last_login_at = '2024-03-10 08:00:00+00', last_login_ip = '2001:db8::1'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
UPDATE users SET last_login_ip = '192.0.2.44' WHERE id = 'a0000000-0000-4000-8000-000000000002';"

newdb $DB
sql $DB <<SQL
CREATE EXTENSION flashcard_schema VERSION '1.0';
\i $TEST_DIR/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE TO '1.2';
SQL
ok $? "at 1.2 with the fixture"
sql $DB <<<"$at_stake"
ok $? "two decks at C1/C2 and two users with a last login"

run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'"
is "$RC" 1 "1.2 -> 1.1 with decks at C1/C2: psql fails"
is "$ERR" "ERROR:  downgrading flashcard_schema to 1.1 would discard the level of 2 deck(s) at C1 or C2
DETAIL:  Revision 1.1 has no levels C1 and C2; 2 row(s) of table decks use them.
HINT:  Move those decks to another level or delete them first, or run SET flashcard_schema.allow_data_loss = on in this session to have them moved to level B2." \
    "1.2 -> 1.1 refused: the error, its detail and its hint as psql shows them"

run -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'"
is "$RC" 0 "allow_data_loss = on: 1.2 -> 1.1 succeeds"
is "$ERR" "WARNING:  flashcard_schema.allow_data_loss is on: moving 2 deck(s) from level C1 or C2 to B2" \
    "allow_data_loss = on, 1.2 -> 1.1: one WARNING, naming the decks moved to B2 and how many"

run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'"
is "$RC" 1 "1.1 -> 1.0 with last logins: psql fails"
is "$ERR" "ERROR:  downgrading flashcard_schema to 1.0 would discard the last login of 2 user(s)
DETAIL:  Revision 1.0 has no columns users.last_login_at and users.last_login_ip; 2 row(s) hold a value in them.
HINT:  Copy or clear those values first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss." \
    "1.1 -> 1.0 refused: the error, its detail and its hint as psql shows them"

run -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'"
is "$RC" 0 "allow_data_loss = on: 1.1 -> 1.0 succeeds"
is "$ERR" "WARNING:  flashcard_schema.allow_data_loss is on: discarding the last login of 2 user(s)" \
    "allow_data_loss = on, 1.1 -> 1.0: one WARNING, naming the last logins discarded and how many"

run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
is "$RC:$ERR" "0:" "1.0 -> 1.2: succeeds without a message"
sql $DB <<SQL
UPDATE decks SET level = 'C1' WHERE id = 'd0000000-0000-4000-8000-0000000000c1';
UPDATE decks SET level = 'C2' WHERE id = 'd0000000-0000-4000-8000-0000000000c2';
UPDATE users SET last_login_at = now() WHERE id IN ('a0000000-0000-4000-8000-000000000001',
                                                    'a0000000-0000-4000-8000-000000000003');
SQL
ok $? "the two decks back at C1/C2, two users with a last login again"
run -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'"
is "$RC" 0 "allow_data_loss = on: 1.2 -> 1.0 in one statement succeeds"
is "$ERR" "WARNING:  flashcard_schema.allow_data_loss is on: moving 2 deck(s) from level C1 or C2 to B2
WARNING:  flashcard_schema.allow_data_loss is on: discarding the last login of 2 user(s)" \
    "allow_data_loss = on, 1.2 -> 1.0: one WARNING per step, in order"
run -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'" \
    -c "SELECT string_agg(level::text, ',' ORDER BY id) FROM decks"
is "$OUT" "1.0
A1,A2,B1,B2,B2,B2" "now at 1.0, the two decks at B2"

run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'"
is "$RC:$ERR" "0:" "with nothing at stake, 1.2 -> 1.0 succeeds without a message (allow_data_loss not set)"

# 1.3: reviews scored 0 and 5, which 1.2's reviewrating cannot hold
run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"
is "$RC:$ERR" "0:" "1.0 -> 1.3: succeeds without a message"
scores_at_stake="
INSERT INTO reviews (user_id, card_id, quality, time_taken)
SELECT 'a0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001', q, 12
FROM (VALUES (0), (5), (5)) AS v(q);"
sql $DB <<<"$scores_at_stake"
ok $? "three reviews scored 0, 5 and 5"
run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.2'"
is "$RC" 1 "1.3 -> 1.2 with scores 0 and 5: psql fails"
is "$ERR" "ERROR:  downgrading flashcard_schema to 1.2 would discard the quality of 3 review(s) outside 1 to 4
DETAIL:  Revision 1.2 stores a review's quality as reviewrating (AGAIN 1, HARD 2, GOOD 3, EASY 4); 3 row(s) of table reviews hold 0, 5 or another score it cannot represent.
HINT:  Change or delete those reviews first, or run SET flashcard_schema.allow_data_loss = on in this session to have 0 and below stored as AGAIN and 5 and above as EASY." \
    "1.3 -> 1.2 refused: the error, its detail and its hint as psql shows them"
sql $DB <<SQL
UPDATE decks SET level = 'C1' WHERE id = 'd0000000-0000-4000-8000-0000000000c1';
UPDATE users SET last_login_ip = '192.0.2.9' WHERE id = 'a0000000-0000-4000-8000-000000000004';
SQL
ok $? "a deck at C1 and a user with a last login again"
run -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.0'"
is "$RC" 0 "allow_data_loss = on: 1.3 -> 1.0 in one statement succeeds"
is "$ERR" "WARNING:  flashcard_schema.allow_data_loss is on: storing 3 review(s) with a quality outside 1 to 4 as AGAIN (0 and below) or EASY (5 and above)
WARNING:  flashcard_schema.allow_data_loss is on: moving 1 deck(s) from level C1 or C2 to B2
WARNING:  flashcard_schema.allow_data_loss is on: discarding the last login of 1 user(s)" \
    "allow_data_loss = on, 1.3 -> 1.0: one WARNING per step, in order, each with its count"
run -c "SELECT string_agg(quality::text, ',' ORDER BY quality) FROM reviews WHERE time_taken = 12"
is "$OUT" "AGAIN,EASY,EASY" "the scores 0, 5, 5 are stored as AGAIN, EASY, EASY"

# 1.4: the application's January columns
run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'"
is "$RC:$ERR" "0:" "1.0 -> 1.4: succeeds without a message"
sql $DB <<SQL
UPDATE users SET auth0_id = 'auth0|' || id, avatar_url = 'avatars/' || id || '/a.jpg'
WHERE id IN ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002');
UPDATE users SET avatar_url = 'avatars/x.png' WHERE id = 'a0000000-0000-4000-8000-000000000003';
UPDATE user_settings SET theme = 'dark';
UPDATE decks SET is_premium = true WHERE id = 'd0000000-0000-4000-8000-0000000000c1';
INSERT INTO decks (name, level, owner_id) VALUES ('Δική μου', 'A1', 'a0000000-0000-4000-8000-000000000001');
SQL
ok $? "two users with an Auth0 id, three with an avatar, every setting with a theme, a premium deck and a learner's own deck"
themes=$(sql $DB -c "SELECT count(*) FROM user_settings")
run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"
is "$RC" 1 "1.4 -> 1.3 with data in its columns: psql fails"
is "$ERR" "ERROR:  downgrading flashcard_schema to 1.3 would discard $((2 + themes + 1 + 1 + 3)) value(s) in the columns of 1.4
DETAIL:  Revision 1.3 has none of the columns 1.4 added; these hold data (non-NULL values, or true for is_premium): users.auth0_id: 2 rows, user_settings.theme: $themes rows, decks.is_premium (true): 1 row, decks.owner_id: 1 row, users.avatar_url: 3 rows.
HINT:  Copy or clear those values first, or run SET flashcard_schema.allow_data_loss = on in this session to accept the loss." \
    "1.4 -> 1.3 refused: the error, each column with its count in the detail, and the hint as psql shows them"
run -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'" -c "SELECT count(auth0_id) FROM users"
is "$OUT" "1.4
2" "still at 1.4, the Auth0 ids in place"
sql $DB -c "UPDATE decks SET level = 'C2' WHERE id = 'd0000000-0000-4000-8000-0000000000c2'"
run -c "SET flashcard_schema.allow_data_loss = on" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.1'"
is "$RC" 0 "allow_data_loss = on: 1.4 -> 1.1 in one statement succeeds"
is "$ERR" "WARNING:  flashcard_schema.allow_data_loss is on: discarding $((2 + themes + 1 + 1 + 3)) value(s) in the columns of 1.4
DETAIL:  Discarded: users.auth0_id: 2 rows, user_settings.theme: $themes rows, decks.is_premium (true): 1 row, decks.owner_id: 1 row, users.avatar_url: 3 rows.
WARNING:  flashcard_schema.allow_data_loss is on: moving 1 deck(s) from level C1 or C2 to B2" \
    "allow_data_loss = on, 1.4 -> 1.1: one WARNING per step, in order, 1.4's naming each column and its count"
run -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"
is "$RC:$ERR" "0:" "with nothing at stake, 1.4 -> 1.3 succeeds without a message (allow_data_loss not set)"

done_testing
