#!/usr/bin/env bash
# test/bench/bench_distribute.sh: how long flashcard_schema_distribute() takes
# (docs/citus.md), on a Citus coordinator and two workers
# of this machine (PostgreSQL::Test::Cluster, as test/t/cluster/citus.t).
#
# A 1.3 install with 10,000 learners, 2,000 cards, ROWS reviews, ROWS/2
# card_statistics and their progress rows; then, ROUNDS times on a fresh
# database: distribute(SHARDS), against a baseline measured in the same run,
# copying the same eight tables with their indexes locally on the coordinator
# (CREATE TABLE ... LIKE ... INCLUDING INDEXES, INSERT ... SELECT): the least
# any move of the data into new tables has to do.  Prints the medians and the
# ratio.  Timings, never asserts.  Needs Citus installed (test/bin/citus.sh)
# and the extension installed (test/bin/setup.sh); as root it runs as postgres.
#
#   bash test/bench/bench_distribute.sh      (ROWS=1000000 SHARDS=32 ROUNDS=3)
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_CONFIG=${PG_CONFIG:-pg_config}
export PATH="$($PG_CONFIG --bindir):$PATH"
export ROWS=${ROWS:-1000000} SHARDS=${SHARDS:-32} ROUNDS=${ROUNDS:-3}
PGXS_DIR=$(dirname "$($PG_CONFIG --pgxs)")/..
if [ ! -f "$($PG_CONFIG --pkglibdir)/citus.so" ]; then
    echo "bench_distribute.sh: Citus is not installed (bash test/bin/citus.sh)" >&2
    exit 2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$TOP/test/bench/bench_distribute.pl" "$WORK/"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$WORK"
    AS=(runuser -u postgres --)
else
    AS=()
fi
cd "$WORK"
if ! "${AS[@]}" env PATH="$PATH" PERL5LIB="$PGXS_DIR/test/perl" PG_REGRESS="$PGXS_DIR/test/regress/pg_regress" \
    TESTDIR="$WORK" ROWS="$ROWS" SHARDS="$SHARDS" ROUNDS="$ROUNDS" perl bench_distribute.pl; then
    echo "bench_distribute.sh: failed; the end of its log:" >&2
    tail -30 "$WORK"/tmp_check/log/regress_log_* >&2
    exit 1
fi
