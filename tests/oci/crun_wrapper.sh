#!/bin/sh
# Runs crun (CRUN_BIN, default /usr/bin/crun) with all its arguments in a private mount namespace
# where the cgroup2 "unified" mount's cgroup.controllers reads empty: on this hybrid layout (v1
# controllers plus a v2 mount holding hugetlb) crun 1.8 otherwise refuses every container with
# "cgroups in hybrid mode not supported". Usable as containerd's --runc-binary and by hyperfine.
crun=${CRUN_BIN:-/usr/bin/crun}
controllers=/sys/fs/cgroup/unified/cgroup.controllers
if grep -q . "$controllers" 2>/dev/null; then
  exec unshare -m --propagation private sh -c 'mount --bind /dev/null "$0" && exec "$@"' \
    "$controllers" "$crun" "$@"
fi
exec "$crun" "$@"
