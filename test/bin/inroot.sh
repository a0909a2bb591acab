#!/usr/bin/env bash
# inroot.sh ROOT SRC CMD...: run CMD as root inside the chroot ROOT with the
# directory SRC bind-mounted at /src.  proc, dev and sys are mounted for the
# command and ALWAYS unmounted again when it ends (a copied or deleted root
# with /dev or /proc still mounted takes the host's files with it).
# The environment inside is clean except for PGPORT, CI and PG_MAJOR.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 ROOT SRC CMD..." >&2; exit 2; }
ROOT=$(cd "$1" && pwd); SRC=$(cd "$2" && pwd); shift 2
[ "$(id -u)" -eq 0 ] || { echo "inroot.sh: must run as root (chroot, mount)" >&2; exit 2; }
[ -x "$ROOT/bin/bash" ] || { echo "inroot.sh: $ROOT is not a root file system" >&2; exit 2; }

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount -R "${mounted[i]}" 2>/dev/null || umount -lR "${mounted[i]}" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mnt() {  # mnt TARGET MOUNT-ARGS...: mount unless already mounted, remember it
    local target=$1; shift
    mkdir -p "$target"
    if ! mountpoint -q "$target"; then
        mount "$@" "$target"
        mounted+=("$target")
    fi
}
mnt "$ROOT/proc" -t proc proc
mnt "$ROOT/sys" -t sysfs sysfs
mnt "$ROOT/dev" --rbind /dev
mount --make-rslave "$ROOT/dev"          # unmounting it never propagates to the host
mnt "$ROOT/src" --bind "$SRC"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true

chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG= \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    ${PGPORT:+PGPORT=$PGPORT} ${CI:+CI=$CI} ${PG_MAJOR:+PG_MAJOR=$PG_MAJOR} \
    "$@"
