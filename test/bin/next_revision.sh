#!/usr/bin/env bash
# test/bin/next_revision.sh: prove a new revision made with the scaffold.
#
#   test/bin/next_revision.sh [--count] [MAKE_TARGET...] [VAR=value...]
#
# Copies the checkout (its tracked files, as they are in the working tree) into
# a temporary directory, runs `make revision REVISION=1.5` there, and writes
# over the scaffold's stubs what a developer writes next, test/lib/next_revision/
# (its scripts, its pgTAP contract file, and revision.patch: the contract's
# facts and the tests the checklist of docs/adding-a-revision.md asks for).
# That revision is the application's changes of February and March 2026
# (../shared/app-models.md, "Later changes to the core"); it is never shipped.
# Prints what the revision took: the files and lines the scaffold wrote, and
# those written by hand (git diff --numstat against the copy as it was).
#
# Then builds the copy and installs it into a private copy of the server
# (PG_CONFIG's, or the first pg_config on PATH: its lib and share directories
# copied, as a relocatable PostgreSQL allows), initdb-s a cluster there (as the
# postgres user when run as root: initdb refuses root), starts it on a free
# port with its socket in the temporary directory, and runs the make targets
# (default: installcheck pgtap prove; VAR=value arguments, such as
# PROVE_TESTS=test/t/app_orm.t, go to each) in the copy against it, with 1.5
# as the default version.  --count stops after the count.  Exits non-zero if a
# target fails; removes everything it made.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
REV=1.5
count_only=false
if [ "${1:-}" = --count ]; then count_only=true; shift; fi
targets=() make_vars=()
for a in "$@"; do
    case $a in
        *=*) make_vars+=("$a") ;;     # PROVE_TESTS=..., PGTAP_TESTS=...: for every target
        *) targets+=("$a") ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(installcheck pgtap prove)
PG_CONFIG=${PG_CONFIG:-$(command -v pg_config)}

WORK=$(mktemp -d)
PGBIN=
cleanup() {
    if [ -n "$PGBIN" ] && [ -f "$WORK/data/postmaster.pid" ]; then
        as_tester "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$WORK"
COPY=$WORK/src
mkdir "$COPY"

# The checkout as it is, tracked files only (no build products)
git -C "$TOP" ls-files -z | tar -C "$TOP" --null -T - -cf - | tar -C "$COPY" -xf -
git_copy() { git -C "$COPY" -c user.name=next_revision -c user.email=next_revision@localhost "$@"; }
git_copy init -q
git_copy add -A
git_copy commit -q -m "the checkout"

# The scaffold, then what the developer writes
make -s -C "$COPY" revision REVISION=$REV >/dev/null
git_copy add -A
git_copy commit -q -m "make revision REVISION=$REV"
for f in "$TOP"/test/lib/next_revision/*.sql; do
    case ${f##*/} in
        flashcard_schema--*) cp "$f" "$COPY/" ;;    # the scripts, beside the control file
        *) cp "$f" "$COPY/test/pgtap/" ;;           # its pgTAP files: contract_1_5.sql, data_1_5.sql
    esac
done
git_copy apply --whitespace=nowarn "$TOP/test/lib/next_revision/revision.patch"
git_copy add -A

# What it took: "files lines" of a diff's numstat (lines added plus removed)
numstat() { git_copy diff --numstat "$@" | awk '{ f++; l += $1 + $2 } END { printf "%d %d", f, l }'; }
read -r sf sl <<<"$(numstat HEAD~1 HEAD)"
read -r hf hl <<<"$(numstat --cached HEAD -- . ':!expected' ':!docs/contract-facts.md')"
read -r ef el <<<"$(numstat --cached HEAD -- expected docs/contract-facts.md)"
read -r tf tl <<<"$(numstat --cached HEAD~1)"
echo "# revision $REV: make revision wrote $sf files, $sl lines; then written by hand: $hf files, $hl lines" \
     "changed (added or removed); regenerated (make installcheck, make docs) and reviewed: $ef files," \
     "$el lines; in all $tf files, $tl lines"
git_copy diff --cached --stat=100 HEAD~1 | sed 's/^/#   /'
$count_only && exit 0

# A private copy of the server: its programs, libraries and share directory
bindir=$("$PG_CONFIG" --bindir)
major=$("$PG_CONFIG" --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')
root=${bindir%/usr/lib/postgresql/*}
[ "$root" != "$bindir" ] || { echo "next_revision.sh: $bindir is not a Debian layout (.../usr/lib/postgresql/N/bin)" >&2; exit 1; }
mkdir -p "$WORK/pg/usr/lib/postgresql" "$WORK/pg/usr/share/postgresql" "$WORK/pg/usr/include"
cp -a "$root/usr/lib/postgresql/$major" "$WORK/pg/usr/lib/postgresql/"
cp -a "$root/usr/share/postgresql/$major" "$WORK/pg/usr/share/postgresql/"
cp -a "$root/usr/include/postgresql" "$WORK/pg/usr/include/"
PGBIN=$WORK/pg/usr/lib/postgresql/$major/bin
export PG_CONFIG=$PGBIN/pg_config PATH=$PGBIN:$PATH

if [ "$(id -u)" -eq 0 ]; then
    tester=${SUDO_USER:-postgres}
    [ "$tester" != root ] || tester=postgres
    as_tester() { runuser -u "$tester" -- "$@"; }
else
    as_tester() { "$@"; }
fi
mkdir "$WORK/data" "$WORK/run"
[ "$(id -u)" -ne 0 ] || chown "$tester" "$WORK/data" "$WORK/run"
as_tester "$PGBIN/initdb" -D "$WORK/data" -U postgres -E UTF8 --locale=C.UTF-8 -A trust >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("localhost", 0)); print(s.getsockname()[1])')
cat >>"$WORK/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$WORK/run'
listen_addresses = ''
fsync = off
max_connections = 100
max_prepared_transactions = 10
wal_level = logical
CONF
as_tester "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/data/log" -w start >/dev/null
export PGHOST=$WORK/run PGPORT=$port PGUSER=postgres
unset PGDATABASE

make -s -C "$COPY" >/dev/null
make -s -C "$COPY" install >/dev/null
echo "# revision $REV built and installed into a private copy of PostgreSQL $major (port $port)"
status=0
for t in "${targets[@]}"; do
    echo "== make $t (revision $REV the default)"
    if ! make -s -C "$COPY" "$t" "${make_vars[@]}"; then
        status=1
        [ "$t" != installcheck ] || head -300 "$COPY/regression.diffs" 2>/dev/null || true
    fi
done
exit $status
