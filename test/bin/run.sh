#!/usr/bin/env bash
# Every test: install dependencies, build and install the extension, then in
# one throwaway PostgreSQL server run the pg_regress suite (sql/, expected/),
# the pgTAP suite (test/pgtap/*.sql, with pg_prove) and the scripted tests
# (test/t/*.t, with prove); then the multi-server tests (test/t/cluster/*.t:
# PostgreSQL::Test::Cluster, a primary and a hot standby of their own, run as
# the postgres user because initdb refuses root; among them citus.t, a Citus
# coordinator and two workers, with Citus built first by test/bin/citus.sh).
# Exits non-zero if anything fails.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cd "$TOP"
status=0
pg_virtualenv "${CLUSTER_OPTS[@]}" -v "$PG_MAJOR" bash -uo pipefail -c '
    status=0
    echo "== pg_regress (make installcheck)"
    if ! make -s PG_CONFIG="$PG_CONFIG" installcheck; then
        cat regression.diffs 2>/dev/null | head -200
        status=1
    fi
    echo "== pgTAP (pg_prove test/pgtap/*.sql)"
    createdb -E UTF8 -T template0 --lc-collate=C --lc-ctype=C pgtap_tests
    psql -X -q -d pgtap_tests -c "CREATE EXTENSION pgtap" || status=1
    pg_prove -d pgtap_tests test/pgtap/*.sql || status=1
    echo "== scripted tests (prove test/t/*.t)"
    prove test/t/*.t || status=1
    exit $status
' || status=1

echo "== Citus for test/t/cluster/citus.t (test/bin/citus.sh)"
# Builds and installs Citus 13.2.2 from ../shared/vendor once (about 2 min);
# prints "SKIP: ..." and leaves it out where there is no tarball or the server
# is not 15-17: citus.t then skips itself.
bash "$TOP/test/bin/citus.sh" || status=1

# citus.t also takes a test-only revision 1.5 (test/lib/citus_1_5, written
# the Citus-safe way) up and down a distributed cluster: its two scripts sit
# beside the real ones while the multi-server tests run, and only then.
EXTDIR="$($PG_CONFIG --sharedir)/extension"
TEST_ONLY_SCRIPTS=()
remove_test_only_scripts() {
    if [ ${#TEST_ONLY_SCRIPTS[@]} -gt 0 ]; then
        "${SUDO[@]}" rm -f "${TEST_ONLY_SCRIPTS[@]}"
        TEST_ONLY_SCRIPTS=()
    fi
}
trap remove_test_only_scripts EXIT
if [ -f "$($PG_CONFIG --pkglibdir)/citus.so" ]; then
    for f in "$TOP"/test/lib/citus_1_5/flashcard_schema--*.sql; do
        if [ ! -e "$EXTDIR/${f##*/}" ]; then
            TEST_ONLY_SCRIPTS+=("$EXTDIR/${f##*/}")
            "${SUDO[@]}" install -m 644 "$f" "$EXTDIR/"
        fi
    done
fi

echo "== multi-server tests (prove test/t/cluster/*.t)"
# PostgreSQL::Test::Cluster runs initdb, which refuses root: as root, the
# tests run as postgres, from a directory of their own it can write.
PGXS_DIR=$(dirname "$($PG_CONFIG --pgxs)")/..
CLUSTER_TMP=$(mktemp -d)
cp "$TOP"/test/t/cluster/*.t "$CLUSTER_TMP"/
# What they read of the repository (the control file, test/lib, the app's
# test) goes with them: the postgres user may not be able to read a clone
# in root's home.
mkdir "$CLUSTER_TMP/top"
cp -r "$TOP/flashcard_schema.control" "$TOP/test" "$CLUSTER_TMP/top/"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$CLUSTER_TMP"
    AS_TESTER=(runuser -u postgres --)
else
    AS_TESTER=()
fi
(cd "$CLUSTER_TMP" && "${AS_TESTER[@]}" env PATH="$PATH" \
    PERL5LIB="$PGXS_DIR/test/perl" PG_REGRESS="$PGXS_DIR/test/regress/pg_regress" \
    TESTDIR="$CLUSTER_TMP" FLASHCARD_SCHEMA_TOP="$CLUSTER_TMP/top" prove ./*.t) || status=1
rm -rf "$CLUSTER_TMP"
remove_test_only_scripts
exit $status
