#!/usr/bin/env bash
# package_test.sh: build the Debian package postgresql-NN-flashcard-schema from
# this checkout, install it, and run every test against the installed package:
# Debian's autopkgtest (debian/tests/installcheck: pg_regress through
# pg_buildext installcheck), then test/bin/run.sh with INSTALL=package
# (pg_regress, pgTAP, prove).  Run as root on a Debian machine or root that
# has the packages test/bin/mkroot.sh installs; test/bin/matrix.sh runs it in
# one root per PostgreSQL version.  PG_MAJOR defaults to the newest server
# installed.  Builds in a copy under $BUILD (default /tmp/flashcard-schema-build),
# so the checkout is left as it was.
#
# PostgreSQL 16 has no Debian package (test/bin/pg16.sh builds it from source),
# so no postgresql-16-flashcard-schema can be installed against it: for a
# server that belongs to no Debian package, this builds and installs the
# extension from the copied source (make install) and runs test/bin/run.sh
# with INSTALL=source instead; there is no autopkgtest then.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_MAJOR=${PG_MAJOR:-$(ls /usr/lib/postgresql | sort -n | tail -1)}
BUILD=${BUILD:-/tmp/flashcard-schema-build}
PKG=postgresql-$PG_MAJOR-flashcard-schema
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
export PG_MAJOR

echo "== copying the source to $BUILD/flashcard-schema"
rm -rf "$BUILD"
mkdir -p "$BUILD/flashcard-schema"
tar -C "$TOP" -cf - --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
    --exclude=./results --exclude=./log --exclude=./tmp_check --exclude='./regression.*' \
    --exclude='./build-*' --exclude='./debian/postgresql-*' --exclude=./debian/.debhelper \
    --exclude=./debian/files --exclude='./debian/*.substvars' --exclude=./debian/debhelper-build-stamp . |
    tar -C "$BUILD/flashcard-schema" -xf -

if ! dpkg-query -S "$PG_CONFIG" >/dev/null 2>&1; then
    echo "== $PG_CONFIG belongs to no Debian package: no package to build; every test against make install"
    INSTALL=source bash "$BUILD/flashcard-schema/test/bin/run.sh"
    exit
fi

echo "== dpkg-buildpackage -us -uc -b (PostgreSQL $(/usr/share/postgresql-common/supported-versions | tr '\n' ' '))"
cd "$BUILD/flashcard-schema"
# debian/control lists the packages for the versions of the machine it was
# generated on; this machine's may differ.
PG_UPDATECONTROL=yes dpkg-buildpackage -us -uc -b
deb=$(ls "$BUILD"/"${PKG}"_*.deb)
echo "== built $(basename "$deb")"
dpkg-deb --contents "$deb" | awk '{print $NF}' | grep -E '\.(so|control|sql)$'

echo "== installing $(basename "$deb")"
# Whatever an earlier make install left goes first: the package alone is tested.
dpkg -r "$PKG" >/dev/null 2>&1 || true
rm -f "$($PG_CONFIG --sharedir)"/extension/flashcard_schema* "$($PG_CONFIG --pkglibdir)"/flashcard_schema.so
dpkg -i "$deb"

status=0
echo "== autopkgtest: debian/tests/installcheck"
debian/tests/installcheck || status=1

echo "== every test against the package: INSTALL=package test/bin/run.sh"
INSTALL=package bash test/bin/run.sh || status=1
exit $status
