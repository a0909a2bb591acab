#!/usr/bin/env bash
# test/t/dump_restore.t: backups restore completely.
#
# At the default version (the control file's; 1.4), with data in all eight
# tables (reached by the long route: installed at 1.0, populated, updated,
# downgraded and updated again, then given decks at C1/C2, last logins,
# reviews scored 0 and 5, and 1.4's Auth0 ids, avatars, languages, themes and
# a learner's own premium deck), `pg_dump -Fc` + `pg_restore` (also with
# --single-transaction) and plain `pg_dump | psql` each give a new database
# with every row identical (per-table md5 of every row's text), the catalog
# facts of the source and of a fresh install, and a clean verify().
#
# pg_dump writes `CREATE EXTENSION IF NOT EXISTS flashcard_schema WITH SCHEMA
# public` without a version.  So a dump of a 1.0, 1.1 or 1.2 database,
# restored into an empty database, gets the default version, whose
# reviews.quality is an integer: the restore stops at the reviews rows
# (`invalid input syntax for type integer: "GOOD"`), loudly.  A dump of 1.3
# restores that way into 1.4 (its COPY names its columns; 1.4's new ones take
# NULL and false), every row kept.  The procedure that keeps the version:
# create the extension at the dump's version in the new database first, then
# restore (CREATE EXTENSION IF NOT EXISTS is then a no-op), then update.
# Both are checked here, for 1.0 to 1.3, with both dump formats.
#
# Run by `make prove` (prove test/t/*.t) inside pg_virtualenv (PG* variables set).
source "$(dirname "$0")/../lib/tap_helpers.bash"
P=flashcard_schema_test_dump
LATEST=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$TEST_DIR/../../flashcard_schema.control")

# the source at the default version -----------------------------------------
newdb ${P}_src13
sql ${P}_src13 <<SQL
CREATE EXTENSION flashcard_schema VERSION '1.0';
\i $TEST_DIR/fixture_rows.psql
ALTER EXTENSION flashcard_schema UPDATE;
ALTER EXTENSION flashcard_schema UPDATE TO '1.0';
ALTER EXTENSION flashcard_schema UPDATE;
SQL
ok $? "source: installed at 1.0, populated, updated to $LATEST, downgraded to 1.0 and updated to $LATEST"

# rows only 1.1 and 1.2 can hold: last logins, decks at C1 and C2
at_1_1_rows="
UPDATE users SET last_login_at = '2024-03-10 08:00:00.5+00', last_login_ip = '2001:db8::1'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
UPDATE users SET last_login_at = NULL, last_login_ip = '192.0.2.44'
WHERE id = 'a0000000-0000-4000-8000-000000000002';"
at_1_2_rows="
INSERT INTO decks (id, name, description, level, created_at, updated_at) VALUES
('d0000000-0000-4000-8000-0000000000c1', 'Προχωρημένα: Ο Καβάφης', 'Ιθάκη, στίχος-στίχος', 'C1',
 '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00'),
('d0000000-0000-4000-8000-0000000000c2', 'Άριστα: Αρχαία', NULL, 'C2',
 '2024-03-02 10:00:00+00', '2024-03-02 10:00:00+00');
INSERT INTO cards (id, deck_id, front_text, back_text, created_at, updated_at) VALUES
('e0000000-0000-4000-8000-0000000000c1', 'd0000000-0000-4000-8000-0000000000c1',
 'Σα βγεις στον πηγαιμό για την Ιθάκη', 'As you set out for Ithaka', '2024-03-01 10:00:00+00', '2024-03-01 10:00:00+00');"
# reviews only 1.3 can hold: the SM-2 scores 0 and 5
at_1_3_rows="
INSERT INTO reviews (id, user_id, card_id, quality, time_taken, reviewed_at, created_at, updated_at) VALUES
('f0000000-0000-4000-8000-0000000000a0', 'a0000000-0000-4000-8000-000000000001',
 'e0000000-0000-4000-8000-0000000000c1', 0, 41, '2024-03-05 09:00:00+00', '2024-03-05 09:00:00+00', '2024-03-05 09:00:00+00'),
('f0000000-0000-4000-8000-0000000000a5', 'a0000000-0000-4000-8000-000000000001',
 'e0000000-0000-4000-8000-0000000000c1', 5, 3, '2024-03-06 09:00:00+00', '2024-03-06 09:00:00+00', '2024-03-06 09:00:00+00');"
# what only 1.4 holds: Auth0 ids, an avatar, a language and a theme, a
# learner's own premium deck (and a system deck made premium)
at_1_4_rows="
UPDATE users SET auth0_id = 'auth0|65a1f0c2e4b0d1a2b3c4d5e6', avatar_url = 'avatars/' || id || '/0b9e.jpg'
WHERE id = 'a0000000-0000-4000-8000-000000000001';
UPDATE users SET auth0_id = 'google-oauth2|10492837465'
WHERE id = 'a0000000-0000-4000-8000-000000000002';
UPDATE user_settings SET preferred_language = 'el', theme = 'dark'
WHERE user_id = 'a0000000-0000-4000-8000-000000000001';
UPDATE user_settings SET theme = 'light'
WHERE user_id = 'a0000000-0000-4000-8000-000000000002';
UPDATE decks SET is_premium = true WHERE id = 'd0000000-0000-4000-8000-0000000000c2';
INSERT INTO decks (id, name, description, level, created_at, updated_at, is_premium, owner_id) VALUES
('d0000000-0000-4000-8000-0000000000f1', 'Οι λέξεις της Ελένης', NULL, 'B1',
 '2026-01-17 10:00:00+00', '2026-01-17 10:00:00+00', true, 'a0000000-0000-4000-8000-000000000001');"
sql ${P}_src13 <<<"$at_1_1_rows $at_1_2_rows $at_1_3_rows $at_1_4_rows"
ok $? "source: decks at C1 and C2, two last logins, reviews scored 0 and 5, and 1.4's columns filled, added at $LATEST"

src_digests=$(digests ${P}_src13)
is "$(sed 's/, md5 .*//' <<<"$src_digests")" "card_statistics: 5 rows
cards: 7 rows
decks: 7 rows
refresh_tokens: 4 rows
reviews: 8 rows
user_deck_progress: 4 rows
user_settings: 3 rows
users: 4 rows" "source: rows in every one of the eight tables"
is "$(sql ${P}_src13 -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 'users'::regclass AND attisdropped")" 4 \
    "source: users has 4 dropped columns (left by the downgrade: 1.1's and 1.4's): positions differ from a fresh install"
src_facts=$(facts ${P}_src13)
[ "$(grep -c '^column | users\.' <<<"$src_facts")" -eq 14 ] && [ "$(wc -l <<<"$src_facts")" -gt 100 ]
ok $? "source: catalog facts cover the schema (14 columns of users, over 100 facts)"

newdb ${P}_fresh13
sql ${P}_fresh13 -c "CREATE EXTENSION flashcard_schema"
fresh13_facts=$(facts ${P}_fresh13)
is "$src_facts" "$fresh13_facts" "source: catalog facts identical to a fresh install of $LATEST"

pg_dump -Fc -f "$WORK/src13.dump" ${P}_src13
ok $? "pg_dump -Fc of the $LATEST source"
pg_dump -f "$WORK/src13.sql" ${P}_src13
ok $? "plain pg_dump of the $LATEST source"
grep -qxF 'CREATE EXTENSION IF NOT EXISTS flashcard_schema WITH SCHEMA public;' "$WORK/src13.sql"
ok $? "the dump creates the extension without a version: CREATE EXTENSION IF NOT EXISTS flashcard_schema WITH SCHEMA public;"

check_restored() {  # DB SOURCE-DIGESTS SOURCE-FACTS FRESH-FACTS VERSION HOW
    local db=$1 want_digests=$2 want_facts=$3 fresh_facts=$4 v=$5 how=$6
    is "$(version "$db")" "$v" "$how: extension at $v"
    is "$(digests "$db")" "$want_digests" "$how: every row of the eight tables identical to the source"
    local got_facts
    got_facts=$(facts "$db")
    is "$got_facts" "$want_facts" "$how: catalog facts identical to the source"
    is "$got_facts" "$fresh_facts" "$how: catalog facts identical to a fresh install of $v"
    [[ "$(failed_checks "$db")" =~ ^0\ of\ [1-9][0-9]*$ ]]
    ok $? "$how: flashcard_schema_verify() is clean"
}

newdb ${P}_r13c
pg_restore --exit-on-error -d ${P}_r13c "$WORK/src13.dump" 2>"$WORK/err"
ok $? "pg_restore of the $LATEST dump into an empty database succeeds"
is "$(cat "$WORK/err")" "" "pg_restore of the $LATEST dump: prints nothing on stderr"
check_restored ${P}_r13c "$src_digests" "$src_facts" "$fresh13_facts" $LATEST "$LATEST, pg_dump -Fc | pg_restore"

newdb ${P}_r13s
pg_restore --exit-on-error --single-transaction -d ${P}_r13s "$WORK/src13.dump"
ok $? "pg_restore --single-transaction of the $LATEST dump succeeds (rows at C1/C2 load in the transaction that creates the extension)"
check_restored ${P}_r13s "$src_digests" "$src_facts" "$fresh13_facts" $LATEST "$LATEST, pg_restore --single-transaction"

newdb ${P}_r13p
psql -X -q -v ON_ERROR_STOP=1 -d ${P}_r13p -f "$WORK/src13.sql" >/dev/null 2>"$WORK/err"
ok $? "plain dump of $LATEST piped into psql -v ON_ERROR_STOP=1 succeeds"
is "$(cat "$WORK/err")" "" "plain dump of $LATEST into psql: prints nothing on stderr"
check_restored ${P}_r13p "$src_digests" "$src_facts" "$fresh13_facts" $LATEST "$LATEST, pg_dump | psql"

# 1.0, 1.1, 1.2 and 1.3 sources -----------------------------------------------
for v in 1.0 1.1 1.2 1.3; do
    s=${P}_src${v/./}
    newdb "$s"
    sql "$s" <<SQL
CREATE EXTENSION flashcard_schema VERSION '1.0';
\i $TEST_DIR/fixture_rows.psql
SQL
    [ "$v" = 1.0 ] || sql "$s" -c "ALTER EXTENSION flashcard_schema UPDATE TO '$v'"
    ok $? "$v source: installed at 1.0, populated, at $v"
    if [ "$v" != 1.0 ]; then
        sql "$s" <<<"$at_1_1_rows"
        ok $? "$v source: two last logins added"
    fi
    if [ "$v" = 1.2 ] || [ "$v" = 1.3 ]; then
        sql "$s" <<<"$at_1_2_rows"
        ok $? "$v source: decks at C1 and C2 added"
    fi
    if [ "$v" = 1.3 ]; then
        sql "$s" <<<"$at_1_3_rows"
        ok $? "$v source: reviews scored 0 and 5 added"
    fi
    v_digests=$(digests "$s")
    v_cols=$(live_columns "$s")
    v_facts=$(facts "$s")
    [ "$(grep -c '^column | users\.' <<<"$v_facts")" -eq $([ "$v" = 1.0 ] && echo 10 || echo 12) ]
    ok $? "$v source: catalog facts cover the schema (columns of users at $v)"
    newdb ${P}_fresh${v/./}
    sql ${P}_fresh${v/./} -c "CREATE EXTENSION flashcard_schema VERSION '$v'"
    fresh_facts=$(facts ${P}_fresh${v/./})
    pg_dump -Fc -f "$WORK/src$v.dump" "$s" && pg_dump -f "$WORK/src$v.sql" "$s"
    ok $? "$v source: pg_dump -Fc and plain pg_dump"
    grep -qxF 'CREATE EXTENSION IF NOT EXISTS flashcard_schema WITH SCHEMA public;' "$WORK/src$v.sql"
    ok $? "$v dump: CREATE EXTENSION without a version"

    if [ "$v" != 1.3 ]; then
    # into an empty database: the default version, whose reviews.quality
    # is an integer, so the dump's reviews ('GOOD', ...) do not load: loudly
    d=${P}_naive${v/./}
    newdb "$d"
    pg_restore --exit-on-error -d "$d" "$WORK/src$v.dump" 2>"$WORK/err"
    rc=$?
    [ $rc -ne 0 ] && grep -q 'invalid input syntax for type integer: "[A-Z]*"' "$WORK/err" \
        && grep -q 'COPY reviews' "$WORK/err"
    ok $? "$v dump, pg_restore --exit-on-error into an empty database: refused at the reviews rows (exit $rc)"
    d=${P}_naivep${v/./}
    newdb "$d"
    psql -X -q -v ON_ERROR_STOP=1 -d "$d" -f "$WORK/src$v.sql" >/dev/null 2>"$WORK/err"
    rc=$?
    [ $rc -ne 0 ] && grep -q 'invalid input syntax for type integer' "$WORK/err"
    ok $? "$v plain dump into an empty database with psql -v ON_ERROR_STOP=1: refused at the reviews rows (exit $rc)"
    else
    # 1.3's dump into an empty database: the default version takes it, each
    # COPY naming its columns; every row kept, the new columns NULL or false
    for how in c p; do
        d=${P}_naive${how}${v/./}
        newdb "$d"
        if [ $how = c ]; then
            pg_restore --exit-on-error -d "$d" "$WORK/src$v.dump" 2>"$WORK/err"
        else
            psql -X -q -v ON_ERROR_STOP=1 -d "$d" -f "$WORK/src$v.sql" >/dev/null 2>"$WORK/err"
        fi
        is "$?:$(cat "$WORK/err")" "0:" "$v dump ($how) into an empty database: restores at the default version, silently"
        is "$(version "$d") $(digests "$d" "$v_cols")" "$LATEST $(digests "$s" "$v_cols")" \
           "$v dump ($how) into an empty database: at $LATEST, every column of 1.3 of every row kept"
        [[ "$(failed_checks "$d")" =~ ^0\ of\ [1-9][0-9]*$ ]]
        ok $? "$v dump ($how) into an empty database: verify() clean"
    done
    fi

    # the procedure that keeps the version: create the extension first
    d=${P}_r${v/./}c
    newdb "$d"
    sql "$d" -c "CREATE EXTENSION flashcard_schema VERSION '$v'"
    pg_restore --exit-on-error -d "$d" "$WORK/src$v.dump" 2>"$WORK/err"
    ok $? "$v dump, CREATE EXTENSION ... VERSION '$v' first, then pg_restore --exit-on-error: succeeds"
    is "$(cat "$WORK/err")" "" "$v dump, extension created first, pg_restore: prints nothing on stderr"
    check_restored "$d" "$v_digests" "$v_facts" "$fresh_facts" "$v" "$v, extension created first, pg_restore"
    sql "$d" -c "ALTER EXTENSION flashcard_schema UPDATE"
    ok $? "$v restored that way: updates to the default version"
    is "$(version "$d")" $LATEST "$v restored that way, then updated: at $LATEST"
    [ "$v" = 1.3 ] ||
    is "$(sql "$d" -c "SELECT string_agg(quality::text, ',' ORDER BY id) FROM reviews")" \
       "$(sql "$s" -c "SELECT string_agg((array_position(enum_range(NULL::reviewrating), quality))::text, ',' ORDER BY id) FROM reviews")" \
       "$v restored that way, then updated: each review's quality converted (AGAIN 1, HARD 2, GOOD 3, EASY 4)"
    v_cols_but_quality=$(sed 's/"quality", //' <<<"$v_cols")
    is "$(digests "$d" "$v_cols_but_quality")" "$(digests "$s" "$v_cols_but_quality")" \
       "$v restored that way, then updated: every other column of every row kept"

    d=${P}_r${v/./}p
    newdb "$d"
    sql "$d" -c "CREATE EXTENSION flashcard_schema VERSION '$v'"
    psql -X -q -v ON_ERROR_STOP=1 -d "$d" -f "$WORK/src$v.sql" >/dev/null 2>"$WORK/err"
    ok $? "$v plain dump, CREATE EXTENSION ... VERSION '$v' first, then psql -v ON_ERROR_STOP=1: succeeds"
    is "$(cat "$WORK/err")" "" "$v plain dump, extension created first, psql: prints nothing on stderr"
    check_restored "$d" "$v_digests" "$v_facts" "$fresh_facts" "$v" "$v, extension created first, pg_dump | psql"
done

done_testing
