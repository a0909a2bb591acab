#!/usr/bin/env bash
# test/bench/bench_keys.sh: what primary keys (id, user_id) on the per-learner
# tables would cost a single-node install, if every install had them rather
# than only a distributed one (docs/citus.md).
#
# In one throwaway server: a 1.3 install with ROWS reviews (10,000 learners,
# 20,000 cards), copied into two tables that differ only in the primary key,
# (id) as the contract has it and (id, user_id) as distribution needs it.
# For each, ROUNDS times: building the key (what an update that changed it
# would add), its size, LOOKUPS lookups by id (the app's session.get(Review,
# id)) and INSERTS single-row inserts (the app's review submission).  Prints
# the medians and the ratio (id, user_id) / (id).  Timings, never asserts.
#
#   bash test/bench/bench_keys.sh            (ROWS=1000000 LOOKUPS=100000 INSERTS=50000 ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/../.."
export ROWS=${ROWS:-1000000} LOOKUPS=${LOOKUPS:-100000} INSERTS=${INSERTS:-50000} ROUNDS=${ROUNDS:-3}

pg_virtualenv -c "--locale=C.UTF-8" bash -euo pipefail -c '
createdb -E UTF8 -T template0 bench_keys
export PGDATABASE=bench_keys
psql -X -q -v ON_ERROR_STOP=1 -v rows="$ROWS" <<SQL
CREATE EXTENSION flashcard_schema;
INSERT INTO users (email) SELECT pg_catalog.format(\$\$learner%s@example.gr\$\$, g) FROM generate_series(1, 10000) g;
INSERT INTO decks (name, level) SELECT pg_catalog.format(\$\$deck %s\$\$, g), \$\$A1\$\$ FROM generate_series(1, 20) g;
INSERT INTO cards (deck_id, front_text, back_text)
    SELECT d.id, pg_catalog.format(\$\$λέξη %s\$\$, g), pg_catalog.format(\$\$word %s\$\$, g)
      FROM decks d, generate_series(1, 1000) g;
CREATE TEMP TABLE u AS SELECT row_number() OVER () AS n, id FROM users;
CREATE TEMP TABLE c AS SELECT row_number() OVER () AS n, id FROM cards;
INSERT INTO reviews (user_id, card_id, quality, time_taken, reviewed_at)
    SELECT u.id, c.id, g % 6, 1000 + g % 9000, now() - (g % 1000) * interval \$\$1 hour\$\$
      FROM generate_series(1, :rows) g
      JOIN u ON u.n = 1 + g % 10000
      JOIN c ON c.n = 1 + (g * 7) % 20000;
CREATE TABLE lookup_ids AS SELECT id FROM reviews TABLESAMPLE SYSTEM (20) LIMIT $LOOKUPS;
VACUUM ANALYZE;
SQL

for key in "id" "id, user_id"; do
  for round in $(seq 1 "$ROUNDS"); do
    psql -X -q -At -v ON_ERROR_STOP=1 <<SQL
DROP TABLE IF EXISTS r;
CREATE TABLE r (LIKE reviews INCLUDING DEFAULTS);
INSERT INTO r SELECT * FROM reviews;
CREATE INDEX ON r (user_id); CREATE INDEX ON r (card_id); CREATE INDEX ON r (reviewed_at);
VACUUM ANALYZE r;
CREATE TEMP TABLE t (what text, ms float8);
DO \$\$
DECLARE
    t0 timestamptz;
    rec record;
    u uuid;
    cid uuid;
BEGIN
    t0 := clock_timestamp();
    ALTER TABLE r ADD PRIMARY KEY ($key);
    INSERT INTO t VALUES (\$q\$build\$q\$, extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp();
    FOR rec IN SELECT id FROM lookup_ids LOOP
        PERFORM * FROM r WHERE id = rec.id;
    END LOOP;
    INSERT INTO t VALUES (\$q\$lookups\$q\$, extract(epoch FROM clock_timestamp() - t0) * 1000);
    SELECT id INTO u FROM users LIMIT 1;
    SELECT id INTO cid FROM cards LIMIT 1;
    t0 := clock_timestamp();
    FOR i IN 1..$INSERTS LOOP
        INSERT INTO r (user_id, card_id, quality, time_taken) VALUES (u, cid, 3, 1200);
    END LOOP;
    INSERT INTO t VALUES (\$q\$inserts\$q\$, extract(epoch FROM clock_timestamp() - t0) * 1000);
END
\$\$;
SELECT pg_catalog.format(\$\$%s|%s|%s|%s|%s\$\$, \$\$$key\$\$,
       (SELECT ms FROM t WHERE what = \$\$build\$\$),
       (SELECT ms FROM t WHERE what = \$\$lookups\$\$),
       (SELECT ms FROM t WHERE what = \$\$inserts\$\$),
       pg_relation_size(\$\$r_pkey\$\$));
SQL
  done
done > /tmp/bench_keys.$$
python3 - /tmp/bench_keys.$$ <<PY
import statistics, sys, os
rows = [l.strip().split("|") for l in open(sys.argv[1]) if l.strip()]
res = {}
for key, build, look, ins, size in rows:
    res.setdefault(key, []).append((float(build), float(look), float(ins), int(size)))
def med(key, i): return statistics.median(r[i] for r in res[key])
n_look, n_ins = int(os.environ["LOOKUPS"]), int(os.environ["INSERTS"])
print("reviews: %s rows; %s rounds; medians" % (os.environ["ROWS"], os.environ["ROUNDS"]))
print("%-14s %12s %14s %14s %12s" % ("primary key", "build ms", "lookup us", "insert us", "key MB"))
for key in ("id", "id, user_id"):
    print("%-14s %12.0f %14.2f %14.2f %12.1f" % ("(" + key + ")", med(key, 0), med(key, 1) * 1000 / n_look,
                                               med(key, 2) * 1000 / n_ins, med(key, 3) / 1048576))
print("ratio (id, user_id)/(id): build %.2fx, lookup by id %.2fx, insert %.2fx, key size %.2fx" % (
    med("id, user_id", 0) / med("id", 0), med("id, user_id", 1) / med("id", 1),
    med("id, user_id", 2) / med("id", 2), med("id, user_id", 3) / med("id", 3)))
PY
rm -f /tmp/bench_keys.$$
'
