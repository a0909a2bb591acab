#!/usr/bin/env bash
# test/bench/bench_update_1_4.sh: how long writers wait while
# `ALTER EXTENSION flashcard_schema UPDATE TO '1.4'` runs on a large
# database, against what the same writers wait for the least PostgreSQL can
# do for the same change, measured in the same run.
#
# 1.3 -> 1.4 rewrites no table (nullable columns, a constant default), but it
# builds three indexes (ix_users_auth0_id over every user, ix_decks_is_premium
# and ix_decks_owner_id over every deck) and validates a foreign key (one
# read of decks), and every lock it takes is held to its commit.  So the
# figure that matters to a running application is the longest a write to
# users, decks or user_settings waits.
#
# It loads USERS users (default 1M, each with a user_settings row) and DECKS
# decks (default 100k) into a 1.3 database.  Then, RUNS times (back to 1.3,
# untimed, in between), while pgbench writes (an INSERT and an UPDATE of
# users and its user_settings, of decks, and an UPDATE of user_settings, one
# script each, RATE transactions per second over 3 clients, every statement
# its own transaction, per-transaction latency logged with --log):
#   - baseline 1, catalog-only: ALTER TABLE users ADD COLUMN of one nullable
#     column (rolled back): the least any DDL on users costs its writers;
#   - baseline 2, the unavoidable work: CREATE UNIQUE INDEX on a users column
#     that is NULL in every row (rolled back), what ix_users_auth0_id costs;
#   - the update to 1.4;
#   - the downgrade back to 1.3 (it counts the values at stake under its locks);
#   - the documented two-step route (docs/operations.md): users.auth0_id added
#     by hand (catalog-only), ix_users_auth0_id built CONCURRENTLY, then the
#     update, which takes the index over.
# For each it prints its duration and the longest any write to each table
# took while it ran (a write that started before it ended and ended after it
# started), and the ratios of the update's figures to the baselines'.
# A benchmark, not a test: it prints numbers and fails only if something
# errors, never on a timing.
#
#   bash test/bench/bench_update_1_4.sh              # starts its own throwaway server
#   USERS=200000 DECKS=20000 RUNS=1 bash test/bench/bench_update_1_4.sh  # smaller, one round
#   (with PG* set, e.g. `source /work/tools/env-NAME`, it uses that server)
#
# Needs flashcard_schema built and installed, and pgbench.  Wall-clock
# numbers are noisy on a shared machine: look at the load it prints, and run
# it more than once.
set -euo pipefail

# Without a server to talk to, wrap ourselves in a throwaway one.
if [ -z "${PGPORT:-}" ]; then
    exec pg_virtualenv -t -c "--locale=C.UTF-8" -v "${PG_MAJOR:-15}" bash "$0" "$@"
fi

USERS=${USERS:-1000000}
DECKS=${DECKS:-100000}
RUNS=${RUNS:-3}
RATE=${RATE:-300}           # writer transactions per second, all clients together
DB=bench_update_1_4
export PGTZ=UTC
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
now() { date +%s.%N; }

PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$DB"
createdb -E UTF8 -T template0 "$DB"
"${PSQL[@]}" -c "CREATE EXTENSION flashcard_schema VERSION '1.3'"

echo "== loading $USERS users (each with its settings) and $DECKS decks at 1.3"
T0=$(now)
"${PSQL[@]}" -v users="$USERS" -v decks="$DECKS" <<'SQL'
INSERT INTO users (email, password_hash, full_name, created_at, last_login_at, last_login_ip)
SELECT format('learner%s@example.gr', i),
       '$2b$12$' || substr(md5(i::text) || md5((i + 1)::text), 1, 53),
       format('Μαθητής Αριθμός %s', i),
       now() - (i % 365) * interval '1 day',
       now() - (i % 30) * interval '1 hour', '192.0.2.' || (i % 250)
  FROM generate_series(1, :users) i;
INSERT INTO user_settings (user_id, daily_goal) SELECT id, 10 + (hashtext(id::text) & 31) FROM users;
INSERT INTO decks (name, description, level)
SELECT format('Λεξιλόγιο %s', i),
       'Λέξεις και φράσεις για την καθημερινή ζωή στην Ελλάδα',
       (ARRAY['A1', 'A2', 'B1', 'B2', 'C1', 'C2'])[1 + i % 6]::decklevel
  FROM generate_series(1, :decks) i;
SQL
"${PSQL[@]}" -c "VACUUM ANALYZE" -c "CHECKPOINT"
printf 'loaded in %.1f s; users %s (+ indexes %s), user_settings %s, decks %s\n' \
    "$(awk -v a="$T0" -v b="$(now)" 'BEGIN { print b - a }')" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_table_size('users'))")" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_indexes_size('users'))")" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_total_relation_size('user_settings'))")" \
    "$("${PSQL[@]}" -At -c "SELECT pg_size_pretty(pg_total_relation_size('decks'))")"

# The writer: one pgbench script per table written, each statement its own
# transaction (as the application's short requests are).
cat >"$WORK/users.sql" <<SQL
\\set n random(1, 2000000000)
\\set i random(1, $USERS)
INSERT INTO users (email, full_name) VALUES ('writer' || :n || '.' || :client_id || '@example.gr', 'Νέος Μαθητής') ON CONFLICT DO NOTHING;
UPDATE users SET last_login_at = now() WHERE email = 'learner' || :i || '@example.gr';
SQL
cat >"$WORK/decks.sql" <<SQL
\\set n random(1, 2000000000)
\\set i random(1, $DECKS)
INSERT INTO decks (name, level) VALUES ('Γράφων ' || :n, 'A1');
UPDATE decks SET updated_at = now() WHERE name = 'Λεξιλόγιο ' || :i;
SQL
cat >"$WORK/settings.sql" <<SQL
\\set i random(1, $USERS)
UPDATE user_settings SET daily_goal = daily_goal + 1
 WHERE user_id = (SELECT id FROM users WHERE email = 'learner' || :i || '@example.gr');
SQL
SCRIPTS=(users decks user_settings)

# timed OP SQL: runs SQL, appends "OP start end" (epoch seconds) to the round's file
timed() {
    local op=$1 sql=$2 t0 t1
    t0=$(now)
    "${PSQL[@]}" -c "$sql"
    t1=$(now)
    echo "$op $t0 $t1" >>"$WORK/ops"
}

# For each op of the round: its duration and the longest latency of a write
# (per script) overlapping it.  pgbench's log: client tx latency_us script
# epoch us [lag]; a transaction ended at epoch.us and started latency earlier.
analyse() {
    awk -v ops="$WORK/ops" '
        BEGIN { while ((getline l < ops) > 0) { split(l, f, " "); n++; name[n] = f[1]; s[n] = f[2]; e[n] = f[3] } }
        {
            end = $5 + $6 / 1e6; start = end - $3 / 1e6
            for (k = 1; k <= n; k++)
                if (start < e[k] && end > s[k] && $3 > w[k, $4]) w[k, $4] = $3
            if ($3 > idle[$4]) { inside = 0; for (k = 1; k <= n; k++) if (start < e[k] + 1 && end > s[k] - 1) inside = 1
                                 if (!inside) idle[$4] = $3 }
            total++
        }
        END {
            for (k = 1; k <= n; k++)
                printf "%s %.3f %.1f %.1f %.1f\n", name[k], e[k] - s[k], w[k, 0] / 1000, w[k, 1] / 1000, w[k, 2] / 1000
            printf "idle 0 %.1f %.1f %.1f\n", idle[0] / 1000, idle[1] / 1000, idle[2] / 1000
            printf "transactions %d\n", total
        }' "$WORK"/log.*
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
max3() { printf '%s\n' "$@" | sort -g | tail -1; }

declare -A DUR WAIT
for ((r = 1; r <= RUNS; r++)); do
    if [ "$r" -gt 1 ]; then
        "${PSQL[@]}" -c "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'" -c "VACUUM ANALYZE users" -c "VACUUM ANALYZE decks"
    fi
    "${PSQL[@]}" -c "CHECKPOINT"
    rm -f "$WORK"/log.* "$WORK/ops"
    LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
    (cd "$WORK" && pgbench -n -c 3 -j 1 -R "$RATE" -T 60 --log --log-prefix=log \
        -f users.sql -f decks.sql -f settings.sql "$DB" >"$WORK/pgbench.out" 2>&1) &
    WRITER=$!
    sleep 3
    timed catalog_only "BEGIN; ALTER TABLE users ADD COLUMN bench_probe pg_catalog.varchar(10); ROLLBACK;"
    sleep 3
    timed create_index "BEGIN; CREATE UNIQUE INDEX bench_ix ON users USING btree (google_id); ROLLBACK;"
    sleep 3
    timed update "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'"
    sleep 3
    timed downgrade "ALTER EXTENSION flashcard_schema UPDATE TO '1.3'"
    sleep 3
    timed pre_column "SET lock_timeout = '5s'; ALTER TABLE users ADD COLUMN auth0_id pg_catalog.varchar(255)"
    sleep 3
    timed pre_index "CREATE UNIQUE INDEX CONCURRENTLY ix_users_auth0_id ON users USING btree (auth0_id)"
    sleep 3
    timed update_after "ALTER EXTENSION flashcard_schema UPDATE TO '1.4'"
    sleep 3
    [ "$(awk -v t0="$(head -1 "$WORK/ops" | cut -d' ' -f2)" -v t="$(now)" 'BEGIN { print (t - t0 < 54) }')" = 1 ] ||
        echo "warning: the round took longer than the writer ran; its figures cover only part of it" >&2
    wait "$WRITER" || { cat "$WORK/pgbench.out" >&2; exit 1; }
    echo "-- round $r (load average before it: $LOAD)"
    analyse | tee "$WORK/round" | awk '
        $1 == "transactions" { printf "   %d writer transactions logged\n", $2; next }
        $1 == "idle" { printf "   %-13s longest write away from any DDL: users %6.1f ms, decks %6.1f ms, user_settings %6.1f ms\n", "", $3, $4, $5; next }
        { printf "   %-13s %7.3f s; longest write: users %6.1f ms, decks %6.1f ms, user_settings %6.1f ms\n", $1, $2, $3, $4, $5 }'
    while read -r op dur wu wd ws; do
        case $op in catalog_only|create_index|update|downgrade|pre_column|pre_index|update_after)
            DUR[$op]+="$dur "
            WAIT[$op]+="$(max3 "$wu" "$wd" "$ws") " ;;
        esac
    done <"$WORK/round"
done

VERSION=$("${PSQL[@]}" -At -c "SELECT extversion FROM pg_extension WHERE extname = 'flashcard_schema'")
FAILED=$("${PSQL[@]}" -At -c "SELECT count(*) FILTER (WHERE NOT ok) FROM flashcard_schema_verify()")
TAKEN=$("${PSQL[@]}" -At -c "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_users_auth0_id'::regclass")
if [ "$VERSION" != 1.4 ] || [ "$FAILED" != 0 ] || [ "$TAKEN" != t ]; then
    echo "bench_update_1_4: the update did not reach a clean 1.4: version $VERSION, $FAILED failing checks" >&2
    exit 1
fi

# shellcheck disable=SC2086
{
    U_D=$(median ${DUR[update]}); U_W=$(median ${WAIT[update]})
    I_D=$(median ${DUR[create_index]}); I_W=$(median ${WAIT[create_index]})
    C_D=$(median ${DUR[catalog_only]}); C_W=$(median ${WAIT[catalog_only]})
}
echo "== medians of $RUNS round(s), $USERS users, $DECKS decks, writer $RATE tx/s:"
awk -v ud="$U_D" -v uw="$U_W" -v id="$I_D" -v iw="$I_W" -v cd="$C_D" -v cw="$C_W" 'BEGIN {
    printf "update 1.3 -> 1.4: %.3f s; longest write wait during it: %.0f ms\n", ud, uw
    printf "baseline CREATE UNIQUE INDEX on users (all NULL): %.3f s, longest write %.0f ms\n", id, iw
    printf "baseline catalog-only ADD COLUMN on users: %.3f s, longest write %.0f ms\n", cd, cw
    printf "ratios: update/index duration %.2f, update/index longest write %.2f, update/catalog-only longest write %.1f\n", ud / id, uw / iw, uw / cw
}'
# the two-step route: the longest write over its three parts, their durations summed
TWO_W=() TWO_D=()
read -ra PC_W <<<"${WAIT[pre_column]}"; read -ra PI_W <<<"${WAIT[pre_index]}"; read -ra UA_W <<<"${WAIT[update_after]}"
read -ra PC_D <<<"${DUR[pre_column]}"; read -ra PI_D <<<"${DUR[pre_index]}"; read -ra UA_D <<<"${DUR[update_after]}"
for ((r = 0; r < RUNS; r++)); do
    TWO_W+=("$(max3 "${PC_W[r]}" "${PI_W[r]}" "${UA_W[r]}")")
    TWO_D+=("$(awk -v a="${PC_D[r]}" -v b="${PI_D[r]}" -v c="${UA_D[r]}" 'BEGIN { print a + b + c }')")
done
# shellcheck disable=SC2086
awk -v tw="$(median "${TWO_W[@]}")" -v td="$(median "${TWO_D[@]}")" -v uaw="$(median ${WAIT[update_after]})" \
    -v uad="$(median ${DUR[update_after]})" -v uw="$U_W" -v dw="$(median ${WAIT[downgrade]})" \
    -v dd="$(median ${DUR[downgrade]})" -v cw="$C_W" 'BEGIN {
    printf "two steps (column by hand, index CONCURRENTLY, update): %.3f s in all; longest write wait %.0f ms (the update itself %.3f s, %.0f ms)\n", td, tw, uad, uaw
    printf "  ratios: two-step/one-step longest write %.2f, two-step/catalog-only longest write %.1f\n", tw / uw, tw / cw
    printf "downgrade 1.4 -> 1.3: %.3f s, longest write %.0f ms\n", dd, dw
}'
echo "  each update (s): ${DUR[update]}; longest writes (ms): ${WAIT[update]}"
echo "  each index baseline (s): ${DUR[create_index]}; longest writes (ms): ${WAIT[create_index]}"
echo "  each catalog-only baseline (s): ${DUR[catalog_only]}; longest writes (ms): ${WAIT[catalog_only]}"
