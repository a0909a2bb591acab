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
    echo "== pgTAP (make pgtap: pg_prove test/pgtap/*.sql)"
    make -s PG_CONFIG="$PG_CONFIG" pgtap || status=1
    echo "== scripted tests (make prove: prove test/t/*.t)"
    make -s PG_CONFIG="$PG_CONFIG" prove || status=1
    exit $status
' || status=1

echo "== Citus for test/t/cluster/citus.t (test/bin/citus.sh)"
# Builds and installs Citus 13.2.2 from ../shared/vendor once (about 2 min);
# prints "SKIP: ..." and leaves it out where there is no tarball or the server
# is not 15-17: citus.t then skips itself.
bash "$TOP/test/bin/citus.sh" || status=1

# citus.t also takes a test-only revision 1.4 (test/lib/citus_1_4, written
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
    for f in "$TOP"/test/lib/citus_1_4/flashcard_schema--*.sql; do
        if [ ! -e "$EXTDIR/${f##*/}" ]; then
            TEST_ONLY_SCRIPTS+=("$EXTDIR/${f##*/}")
            "${SUDO[@]}" install -m 644 "$f" "$EXTDIR/"
        fi
    done
fi

echo "== multi-server tests (make prove-cluster: prove test/t/cluster/*.t)"
# PostgreSQL::Test::Cluster runs initdb, which refuses root: as root, the
# tests run as postgres, from a directory of their own it can write.  What
# they read of the repository (the Makefile, the control file, test/) goes
# with them: the postgres user may not be able to read a clone in root's home.
CLUSTER_TMP=$(mktemp -d)
mkdir "$CLUSTER_TMP/top"
cp -r "$TOP/Makefile" "$TOP/flashcard_schema.control" "$TOP/test" "$CLUSTER_TMP/top/"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$CLUSTER_TMP"
    AS_TESTER=(runuser -u postgres --)
else
    AS_TESTER=()
fi
"${AS_TESTER[@]}" env PATH="$PATH" make -C "$CLUSTER_TMP/top" -s PG_CONFIG="$PG_CONFIG" prove-cluster || status=1
rm -rf "$CLUSTER_TMP"
remove_test_only_scripts
exit $status
