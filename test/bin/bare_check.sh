#!/usr/bin/env bash
# bare_check.sh [DIR]: the README's two commands as a new user would run them:
# on a bare Debian 12 (debootstrap minbase plus sudo, no locale configured,
# LANG unset, as in a container), as an ordinary user with passwordless sudo,
# from a copy of this checkout in the user's home.  The commands install every
# package they need themselves.  Run as root; DIR (default
# /var/tmp/flashcard_schema-roots/bare) is made anew.  Not part of CI (it
# downloads and installs everything: several minutes).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-/var/tmp/flashcard_schema-roots/bare}
[ "$(id -u)" -eq 0 ] || { echo "bare_check.sh: run as root" >&2; exit 2; }
if mount | grep -q " $(realpath -m "$DIR")/"; then
    echo "bare_check.sh: something is mounted under $DIR" >&2; exit 2
fi
MIRROR=$(sed -n 's/^URIs: *\(\S*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

rm -rf --one-file-system "$DIR"
mkdir -p "$(dirname "$DIR")"
echo "== debootstrap --variant=minbase --include=sudo bookworm $DIR"
debootstrap --variant=minbase --include=sudo bookworm "$DIR" "$MIRROR" >"$DIR.debootstrap.log" 2>&1
echo "deb $MIRROR bookworm main" >"$DIR/etc/apt/sources.list"
printf '#!/bin/sh\nexit 101\n' >"$DIR/usr/sbin/policy-rc.d"; chmod +x "$DIR/usr/sbin/policy-rc.d"

# The vendored sources (Citus for citus.t; ../shared/vendor beside a checkout)
# where the scripts look for them on a machine without that layout.
for dir in "$HERE/../../../shared/vendor" /work/shared/vendor; do
    if [ -d "$dir" ]; then
        mkdir -p "$DIR/work/shared/vendor" && cp -r "$dir/." "$DIR/work/shared/vendor/"
        break
    fi
done

"$HERE/inroot.sh" "$DIR" "$HERE/../.." bash -euo pipefail -c '
    useradd -m -s /bin/bash learner
    echo "learner ALL=(ALL) NOPASSWD: ALL" >/etc/sudoers.d/learner
    mkdir /home/learner/flashcard_schema
    tar -C /src -cf - --exclude=.git --exclude=results --exclude="*.o" --exclude="*.so" . |
        tar -C /home/learner/flashcard_schema -xf -
    chown -R learner: /home/learner/flashcard_schema
    echo "== locale: LANG=${LANG:-unset}, $(locale -a 2>/dev/null | tr "\n" " ")"
    status=0
    for cmd in test/bin/demo.sh test/bin/run.sh; do
        echo "== learner@bare: $cmd"
        start=$(date +%s)
        if su learner -c "cd ~/flashcard_schema && env -u LANG -u LC_ALL $cmd"; then
            echo "== $cmd: PASS in $(( $(date +%s) - start )) s"
        else
            echo "== $cmd: FAIL in $(( $(date +%s) - start )) s"; status=1
        fi
    done
    exit $status
'
