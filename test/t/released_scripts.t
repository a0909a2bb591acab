#!/usr/bin/env bash
# test/t/released_scripts.t: the released scripts do not change.
#
# A script of a released revision runs on databases already in the field
# (an update or downgrade script runs when its step is taken), so editing it
# changes what those databases get.  test/lib/released_scripts.sha256 holds
# the checksum of each; a deliberate change (a security fix) updates the
# manifest in the same commit and says why in CHANGELOG.md.  Every script
# between released versions must be in the manifest, so that a new one
# cannot slip in unlisted.  Needs no server.
source "$(dirname "$0")/../lib/tap_helpers.bash"
TOP=$(cd "$TEST_DIR/../.." && pwd)
MANIFEST=$TEST_DIR/released_scripts.sha256

listed=$(grep -v '^#' "$MANIFEST" | awk '{print $2}')
[ -n "$listed" ]
ok $? "the manifest lists released scripts"

for f in $listed; do
    want=$(grep -v '^#' "$MANIFEST" | awk -v f="$f" '$2 == f {print $1}')
    got=$(cd "$TOP" && sha256sum "$f" 2>/dev/null | awk '{print $1}')
    is "$got" "$want" "$f is the released script (sha256)"
done

# The released versions are those the manifest's scripts name; every script
# that names only released versions must be listed.
released=$(printf '%s\n' $listed | sed 's/^flashcard_schema--//; s/\.sql$//' | tr -s '-' '\n' | sort -u)
unlisted=
for path in "$TOP"/flashcard_schema--*.sql; do
    f=$(basename "$path")
    all_released=yes
    for v in $(printf '%s\n' "$f" | sed 's/^flashcard_schema--//; s/\.sql$//' | tr -s '-' '\n'); do
        grep -qxF "$v" <<<"$released" || all_released=no
    done
    if [ $all_released = yes ] && ! grep -qxF "$f" <<<"$listed"; then
        unlisted="$unlisted $f"
    fi
done
is "$unlisted" "" "every script between released versions ($(echo $released)) is in the manifest"

grep -q 'flashcard_schema--1.1--1.0.sql' "$TOP/CHANGELOG.md" && grep -q 'flashcard_schema--1.2--1.1.sql' "$TOP/CHANGELOG.md"
ok $? "CHANGELOG.md records the in-place security fix of the two downgrade scripts"

done_testing
