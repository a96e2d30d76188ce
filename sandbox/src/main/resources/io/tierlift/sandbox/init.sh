#!/bin/sh
# PID 1 of one sandbox host. It runs inside the host's network namespace, in fresh mount, UTS, IPC and PID
# namespaces, and ends by becoming the host's sshd: when that process ends, the kernel ends everything else in
# the host and its mounts vanish.
#
# Usage: init.sh HOST_FS HOSTNAME DIR...
# Each DIR (relative to /) is replaced by HOST_FS/DIR, so every host has its own configuration, data and logs
# while sharing the machine's installed software (/usr).
set -eu

fs=$1
name=$2
shift 2

bind() {
    # A mount point must exist; creating an empty directory on the machine for it is harmless.
    mkdir -p "/$1"
    mount --bind "$fs/$1" "/$1"
}
# A directory that contains HOST_FS itself (e.g. /root when the state lives in ~/.tierlift) is mounted
# last: mounting it earlier would hide the sources of the mounts after it.
for dir in "$@"; do
    case "$fs/" in "/$dir/"*) ;; *) bind "$dir" ;; esac
done
for dir in "$@"; do
    case "$fs/" in "/$dir/"*) bind "$dir" ;; esac
done

# Runtime and scratch space start empty, as after a real host's boot. This comes after the bind mounts because
# HOST_FS itself may live below /tmp.
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -m 0755 /run/sshd
mkdir -m 1777 /run/lock
if id postgres >/dev/null 2>&1; then
    install -d -o postgres -g postgres -m 2775 /run/postgresql
fi
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /var/tmp
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm

hostname "$name"

exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
