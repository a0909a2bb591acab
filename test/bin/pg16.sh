#!/usr/bin/env bash
# pg16.sh: PostgreSQL 16 from the vendored source, in Debian's layout, with
# pgTAP built for it -- for the version matrix's 16 line (test/bin/mkroot.sh
# runs it inside a Debian 12 root).  No Debian suite ships PostgreSQL 16
# (bookworm has 15, trixie 17, forky 18), so it is built from
# postgresql-16.2.tar.gz (see ../shared/vendor/README.md): the first of
# $PG16_TARBALL, $TOP/../shared/vendor/, /work/shared/vendor/; its sha256 must
# be the one below.  Without it this prints one "SKIP: ..." line and exits 3.
#
# The layout is Debian's, so postgresql-common (pg_virtualenv,
# pg_createcluster, pg_wrapper) sees a version 16 like a packaged one:
#   /usr/lib/postgresql/16/{bin,lib,include}   binaries, libraries, pkglibdir
#   /usr/share/postgresql/16                   sharedir (extension/, ...)
# Built with the TAP modules (PostgreSQL::Test::Cluster, for test/t/cluster),
# zlib (pg_dump's custom format), libuuid (contrib's uuid-ossp, which the
# Alembic comparison needs) and contrib's dblink; without ICU and readline.
# pgTAP is Debian's own source package (apt-get source pgtap, from the deb-src
# of this root's mirror), built with PGXS against this pg_config.
#
# Idempotent: nothing is done when this exact build is installed.  The build
# (several minutes on two cores) is kept as a tarball in $PG16_CACHE (default
# /var/cache/flashcard_schema): a root made anew reuses it when
# test/bin/mkroot.sh carries the cache over.  Run as root.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${TOP:-$(cd "$HERE/../.." && pwd)}
PG_VERSION=16.2
MAJOR=${PG_VERSION%%.*}
# sha256sum of postgresql-16.2.tar.gz (the 16.2 tree of commit b78fa854)
PG_SHA256=5bbb5774cea1f994463ca2c7d61de3c6cc69793a1ff54ea2077b922fcee36625
CACHE=${PG16_CACHE:-/var/cache/flashcard_schema}
BUILD=${PG16_BUILD_DIR:-/var/tmp/flashcard_schema-pg$MAJOR}
JOBS=${PG16_JOBS:-2}
PREFIX=/usr/lib/postgresql/$MAJOR
SHAREDIR=/usr/share/postgresql/$MAJOR
CONFIGURE=(--prefix="$PREFIX" --datadir="$SHAREDIR" --docdir="$SHAREDIR/doc"
    --mandir="$SHAREDIR/man" --sysconfdir=/etc/postgresql-common
    --with-system-tzdata=/usr/share/zoneinfo --enable-tap-tests --with-uuid=e2fs
    --without-icu --without-readline)
CONTRIB=(uuid-ossp dblink)
[ "$(id -u)" -eq 0 ] || { echo "pg16.sh: run as root (installs into $PREFIX)" >&2; exit 2; }

# What identifies a build: the source and how it was configured.
key=$(printf '%s\n' "$PG_SHA256" "${CONFIGURE[@]}" "${CONTRIB[@]}" | sha256sum | cut -c1-12)
stamp=$PREFIX/.flashcard_schema-build
if [ -x "$PREFIX/bin/pg_config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] &&
    [ -f "$SHAREDIR/extension/pgtap.control" ]; then
    echo "== PostgreSQL $PG_VERSION and pgTAP are installed already ($PREFIX, build $key)"
    exit 0
fi

tarball=
for candidate in ${PG16_TARBALL:+"$PG16_TARBALL"} \
    "$TOP/../shared/vendor/postgresql-$PG_VERSION.tar.gz" \
    "/work/shared/vendor/postgresql-$PG_VERSION.tar.gz"; do
    if [ -f "$candidate" ]; then tarball=$candidate; break; fi
done
if [ -z "$tarball" ]; then
    echo "SKIP: PostgreSQL $PG_VERSION not built: no postgresql-$PG_VERSION.tar.gz (set PG16_TARBALL, or put it in ../shared/vendor/)"
    exit 3
fi
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
if [ "$sum" != "$PG_SHA256" ]; then
    echo "pg16.sh: $tarball has sha256 $sum, expected $PG_SHA256" >&2
    exit 1
fi

# Build dependencies: the tree has no pre-generated parsers (bison, flex);
# IPC::Run for --enable-tap-tests.
PACKAGES=(build-essential bison flex perl libipc-run-perl zlib1g-dev uuid-dev dpkg-dev)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing the build dependencies: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$BUILD" "$CACHE"
log=$BUILD/build.log
: >"$log"
fail() {
    echo "pg16.sh: $1 failed; the end of $log:" >&2
    tail -40 "$log" >&2
    exit 1
}
cached=$CACHE/postgresql-$PG_VERSION-$key.tar.gz
start=$(date +%s)
if [ -f "$cached" ]; then
    echo "== PostgreSQL $PG_VERSION: installing the cached build $cached"
    tar -xzf "$cached" -C /
else
    echo "== building PostgreSQL $PG_VERSION in $BUILD (log $log)"
    rm -rf "$BUILD/postgresql-$PG_VERSION" "$BUILD/stage"
    tar -xzf "$tarball" -C "$BUILD"
    src=$BUILD/postgresql-$PG_VERSION
    (cd "$src" && ./configure "${CONFIGURE[@]}") >>"$log" 2>&1 || fail "configure"
    configured=$(date +%s)
    make -C "$src" -j"$JOBS" >>"$log" 2>&1 || fail "make"
    for c in "${CONTRIB[@]}"; do
        make -C "$src/contrib/$c" -j"$JOBS" >>"$log" 2>&1 || fail "make (contrib/$c)"
    done
    built=$(date +%s)
    # Staged, so the very same files go into the cache and onto the root.
    make -C "$src" install DESTDIR="$BUILD/stage" >>"$log" 2>&1 || fail "make install"
    for c in "${CONTRIB[@]}"; do
        make -C "$src/contrib/$c" install DESTDIR="$BUILD/stage" >>"$log" 2>&1 || fail "make install (contrib/$c)"
    done
    echo "$key" >"$BUILD/stage$stamp"
    tar -czf "$cached.tmp" -C "$BUILD/stage" . && mv "$cached.tmp" "$cached"
    tar -xzf "$cached" -C /
    rm -rf "$src" "$BUILD/stage"
    echo "== PostgreSQL $PG_VERSION built: configure $((configured - start)) s, make $((built - configured)) s (cached as $cached)"
fi
"$PREFIX/bin/pg_config" --version | grep -qx "PostgreSQL $PG_VERSION" || fail "installing PostgreSQL $PG_VERSION"

# pgTAP: the Debian source package of this suite, built with PGXS.  pgTAP
# is SQL only (no library); where the mirror does not serve the source
# (some mirrors and proxies carry binary packages only), the SQL files of the
# suite's binary package postgresql-NN-pgtap (the same pgTAP release) are
# installed into 16's extension directory instead, and the log says so.
grep -qs '^deb-src ' /etc/apt/sources.list ||
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >>/etc/apt/sources.list
apt-get update -qq
rm -rf "$BUILD/pgtap" && mkdir -p "$BUILD/pgtap"
if (cd "$BUILD/pgtap" && apt-get source -qq --download-only pgtap && dpkg-source -x pgtap_*.dsc src) >>"$log" 2>&1; then
    echo "== building pgTAP for PostgreSQL $PG_VERSION from Debian's source package"
    make -C "$BUILD/pgtap/src" PG_CONFIG="$PREFIX/bin/pg_config" >>"$log" 2>&1 || fail "make (pgTAP)"
    make -C "$BUILD/pgtap/src" PG_CONFIG="$PREFIX/bin/pg_config" install >>"$log" 2>&1 || fail "make install (pgTAP)"
else
    suite_major=$(apt-cache depends postgresql | sed -n 's/^ *Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1)
    binary=postgresql-$suite_major-pgtap
    [ -n "$suite_major" ] || fail "finding pgTAP (no source, no postgresql-NN-pgtap)"
    echo "== pgTAP: no source package on this mirror; installing the SQL of $binary for PostgreSQL $PG_VERSION"
    (cd "$BUILD/pgtap" && apt-get download -qq "$binary" && dpkg-deb -x "$binary"_*.deb root) >>"$log" 2>&1 ||
        fail "apt-get download $binary"
    install -m 644 "$BUILD"/pgtap/root/usr/share/postgresql/*/extension/pgtap* "$SHAREDIR/extension/"
fi
rm -rf "$BUILD/pgtap"
echo "$key" >"$stamp"
echo "== PostgreSQL $PG_VERSION and pgTAP $(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$SHAREDIR/extension/pgtap.control") installed in $PREFIX in $(($(date +%s) - start)) s"
