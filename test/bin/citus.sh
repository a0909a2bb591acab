#!/usr/bin/env bash
# citus.sh: build and install Citus 13.2.2 for the server of $PG_CONFIG
# (default: pg_config on PATH), for the multi-node test
# test/t/cluster/citus.t.  No Debian suite packages Citus, so it is built from
# the vendored release tarball (see ../shared/vendor/README.md).
#
# Idempotent: nothing is done when $(pg_config --pkglibdir)/citus.so exists and
# the installed citus.control has default_version '13.2-1'.
#
# The tarball is the first of: $CITUS_TARBALL, $TOP/../shared/vendor/,
# /work/shared/vendor/ (citus-13.2.2.tar.gz); its sha256 must be the one
# below.  Without a tarball, or on a server Citus 13.2 does not support (it
# supports PostgreSQL 15-17), it prints one "SKIP: ..." line and exits 0: the
# Citus test then skips itself.  Any other failure exits non-zero.
#
# Builds in $CITUS_BUILD_DIR (default /var/tmp/flashcard_schema-citus/<major>,
# outside the repository), logs to build.log there and shows its tail on
# failure.  Installs the build dependencies with apt-get when missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${TOP:-$(cd "$HERE/../.." && pwd)}
PG_CONFIG=${PG_CONFIG:-pg_config}
CITUS_VERSION=13.2.2
CITUS_EXTVERSION=13.2-1
# sha256sum of citus-13.2.2.tar.gz (git archive of tag v13.2.2, commit f539ebf3)
CITUS_SHA256=c8fc76dc8294636a52b1a0dd75a20d8b4a36937df6443e30ca84d8d0464a6bb9

skip() { echo "SKIP: Citus $CITUS_VERSION not installed: $*"; exit 0; }

if ! command -v "$PG_CONFIG" >/dev/null 2>&1; then
    echo "citus.sh: no pg_config ($PG_CONFIG)" >&2
    exit 1
fi
major=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
pkglibdir=$("$PG_CONFIG" --pkglibdir)
control="$("$PG_CONFIG" --sharedir)/extension/citus.control"

if [ -f "$pkglibdir/citus.so" ] && [ -f "$control" ] &&
    grep -Eq "^default_version *= *'$CITUS_EXTVERSION'" "$control"; then
    echo "== Citus $CITUS_VERSION is installed for PostgreSQL $major already ($pkglibdir/citus.so)"
    exit 0
fi

case $major in
15 | 16 | 17) ;;
*) skip "Citus 13.2 supports PostgreSQL 15-17, this server is $major" ;;
esac

tarball=
for candidate in ${CITUS_TARBALL:+"$CITUS_TARBALL"} \
    "$TOP/../shared/vendor/citus-$CITUS_VERSION.tar.gz" \
    "/work/shared/vendor/citus-$CITUS_VERSION.tar.gz"; do
    if [ -f "$candidate" ]; then tarball=$candidate; break; fi
done
[ -n "$tarball" ] || skip "no citus-$CITUS_VERSION.tar.gz (set CITUS_TARBALL, or put it in ../shared/vendor/)"

sum=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$sum" != "$CITUS_SHA256" ]; then
    echo "citus.sh: $tarball has sha256 $sum, expected $CITUS_SHA256" >&2
    exit 1
fi

# Run in the background (run.sh), sudo must never wait for a password it
# cannot be given: run.sh refreshes sudo's credentials first and sets
# CITUS_SUDO_NONINTERACTIVE, and sudo -n then fails instead of waiting.
if [ "$(id -u)" -eq 0 ]; then SUDO=()
elif [ -n "${CITUS_SUDO_NONINTERACTIVE:-}" ]; then SUDO=(sudo -n)
else SUDO=(sudo); fi

# Citus's build dependencies (its configure needs zstd, lz4, curl and Kerberos's
# headers; the server headers of PostgreSQL 17 include ICU's; a server built
# from source, PostgreSQL 16, brings its own headers)
PACKAGES=(build-essential libzstd-dev liblz4-dev libcurl4-openssl-dev libkrb5-dev libicu-dev)
dpkg-query -S "$(command -v "$PG_CONFIG")" >/dev/null 2>&1 && PACKAGES+=("postgresql-server-dev-$major")
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Citus's build dependencies: ${missing[*]}"
    # run.sh builds Citus and pg_tle side by side: one apt-get at a time
    # (a second one fails at once on apt's lock), through a lock of our own.
    flock "${TMPDIR:-/tmp}/flashcard_schema-apt.lock" "${SUDO[@]}" apt-get update -qq
    flock "${TMPDIR:-/tmp}/flashcard_schema-apt.lock" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${CITUS_BUILD_DIR:-/var/tmp/flashcard_schema-citus/$major}
log=$build/build.log
rm -rf "$build/citus-$CITUS_VERSION"
mkdir -p "$build"
: >"$log"
fail() {
    echo "citus.sh: $1 failed; the end of $log:" >&2
    tail -40 "$log" >&2
    exit 1
}

echo "== building Citus $CITUS_VERSION for PostgreSQL $major in $build (log $log)"
start=$(date +%s)
tar -xzf "$tarball" -C "$build"
src=$build/citus-$CITUS_VERSION

# Debian's PostgreSQL 15.20 headers export have_createdb_privilege()
# (commands/dbcommands.h), which Citus's PG15 compatibility header defines as a
# static function of its own: rename Citus's copy, only where the server
# declares it, so the build stays right on servers that don't.
if grep -q 'have_createdb_privilege' "$("$PG_CONFIG" --includedir-server)/commands/dbcommands.h"; then
    echo "== renaming Citus's static have_createdb_privilege() (the server exports one)" | tee -a "$log"
    python3 - "$src/src/include/pg_version_compat.h" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
head = "static inline bool\nhave_createdb_privilege(void)\n{"
if head in text:
    start = text.index(head)
    end = text.index("\n}\n", start) + 3
    body = text[start:end].replace("have_createdb_privilege(void)",
                                   "citus_have_createdb_privilege(void)")
    text = (text[:start] + body
            + "#define have_createdb_privilege() citus_have_createdb_privilege()\n"
            + text[end:])
    open(path, "w").write(text)
EOF
fi

(cd "$src" && ./configure PG_CONFIG="$PG_CONFIG") >>"$log" 2>&1 || fail "configure"
configured=$(date +%s)
make -C "$src" -j"${CITUS_JOBS:-2}" >>"$log" 2>&1 || fail "make"
built=$(date +%s)
"${SUDO[@]}" make -C "$src" install >>"$log" 2>&1 || fail "make install"
end=$(date +%s)
echo "== Citus $CITUS_VERSION installed for PostgreSQL $major: configure $((configured - start)) s, make $((built - configured)) s, install $((end - built)) s"
