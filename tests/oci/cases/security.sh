# Security regressions (issue 5): each test would fail on a runtime vulnerable to the named class.

# CVE-2019-5736: a "#!/proc/self/exe" script run by `exec` makes the runtime's own executable
# run inside the container; a process there grabs it through /proc/PID/exe and tries to reopen
# it for writing. That must never succeed, and the host binary must be unchanged.
test_sec_exe_overwrite() {
  new_bundle
  printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/evil"
  chmod 755 "$BUNDLE/rootfs/bin/evil"
  local real_bin before
  real_bin=$(readlink -f "$(command -v "$RUNTIME_BIN")")
  [[ $RUNTIME == crun ]] && real_bin=$(readlink -f "${CRUN_BIN:-/usr/bin/crun}")
  # any write or truncation moves mtime and ctime (a checksum of isobox's 130 MB took 1 s a read)
  before=$(stat -L -c '%d:%i %s %y %z' "$real_bin")
  args /probe try-exe-overwrite 10 # or until SIGUSR1, sent once the execs are done
  create_container
  rt start "$CID"
  wait_file_match "$WORK/ctr.out" '^ready'
  local i
  for i in 1 2 3; do
    rt exec "$CID" /bin/evil >/dev/null 2>&1 || true
    sleep 0.3
  done
  # the execs are over (a vulnerable runtime's binary is no longer busy): one last try, then report
  rt kill "$CID" USR1 || log "kill USR1 failed: the probe's window is over (it reported already)"
  wait_file_match "$WORK/ctr.out" '^exe_write=' 15
  OUT=$(cat "$WORK/ctr.out")
  log "target $(val exe_target_pid) $(val exe_target): $(val exe_write)"
  expect_ne "$(val exe_write)" ok "reopening the runtime executable for write"
  expect_eq "$(stat -L -c '%d:%i %s %y %z' "$real_bin")" "$before" "runtime binary inode, size, mtime, ctime"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# CVE-2024-21626: no host fd reaches the container (only stdio and --preserve-fds), for run and
# exec, and a cwd of /proc/self/fd/N cannot leave the container's root.
test_sec_fd_leak() {
  new_bundle
  args /probe info
  CREATED_IDS+=("$CID")
  RC=0
  rt run --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" 7<"$WORK" 8>"$WORK/leak" || RC=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  expect_ok
  expect_eq "$(grep -o '^fd\.[0-9]*' <<<"$OUT" | tr '\n' ' ')" "fd.0 fd.1 fd.2 " "fds inside (run)"
  expect_eq "$(val cwd)" / "cwd"
  # --preserve-fds 1 passes exactly fd 3
  new_bundle
  args /probe info
  CREATED_IDS+=("$CID")
  rt run --preserve-fds 1 --bundle "$BUNDLE" "$CID" </dev/null >"$WORK/out" 2>"$WORK/err" \
    3<"$BUNDLE/config.json" 7<"$WORK" || fail "run --preserve-fds failed: $(cat "$WORK/err")"
  OUT=$(cat "$WORK/out")
  expect_eq "$(grep -o '^fd\.[0-9]*' <<<"$OUT" | tr '\n' ' ')" "fd.0 fd.1 fd.2 fd.3 " "fds with --preserve-fds 1"
  # exec
  new_bundle
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  OUT=$(rt exec "$CID" /probe info 7<"$WORK" 8>"$WORK/leak") || fail "exec failed"
  expect_eq "$(grep -o '^fd\.[0-9]*' <<<"$OUT" | tr '\n' ' ')" "fd.0 fd.1 fd.2 " "fds inside (exec)"
  rt delete --force "$CID"
  # cwd through a leaked fd: refused, or resolved inside the container
  local n
  for n in 3 4 5 6 7 8; do
    new_bundle
    cfg '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    run_probe info
    if [[ $RC == 0 ]]; then
      expect_match "$(val cwd)" '^/' "cwd for process.cwd=/proc/self/fd/$n ($(val cwd_error))"
      expect_no_match "$(val cwd)" "^$WORK|unreachable" "cwd for process.cwd=/proc/self/fd/$n"
    fi
    expect_nothing_left "$CID"
  done
}

# CVE-2022-0492: no write to a release_agent, no rw remount of the cgroupfs, no fresh cgroupfs
# mount from a new user namespace whose release_agent could be written.
test_sec_cgroup_release_agent() {
  new_bundle
  args /bin/sh -c '/probe try-remount-rw /sys/fs/cgroup; for d in /sys/fs/cgroup/*; do
      /probe try-remount-rw $d; /probe try-write $d/release_agent /x; /probe try-write $d/notify_on_release 1
    done; /probe try-cgroup-escape /tmp'
  run_container
  expect_ok
  grep -q '^remount=' <<<"$OUT" || fail "probe did not run: $OUT $ERR"
  grep -Eq '^(remount|write)=ok' <<<"$OUT" && fail "cgroupfs writable from inside: $OUT"
  if [[ $(val mount_cgroup) == ok ]]; then
    expect_ne "$(grep '^write=' <<<"$OUT" | tail -n1)" write=ok "release_agent of a fresh cgroupfs"
  fi
  return 0
}

# Masked paths stay masked (cannot be unmounted), readonly paths cannot be remounted rw.
test_sec_masked_paths_stay() {
  local masked=
  for masked in /proc/kcore /proc/timer_list /proc/keys; do
    [[ -e $masked ]] && break
  done
  new_bundle
  args /bin/sh -c "/probe try-umount $masked; /probe try-read $masked; /probe try-umount /proc/sys;
    /probe try-remount-rw /proc/sys; /probe try-umount /sys/firmware; ls /sys/firmware | wc -l"
  run_container
  expect_ok
  grep -Eq '^(umount|remount)=ok' <<<"$OUT" && fail "a masked/readonly path was undone: $OUT"
  expect_eq "$(val read_bytes)" 0 "bytes read from masked $masked"
  expect_eq "$(tail -n1 <<<"$OUT")" 0 "entries in /sys/firmware"
}

# CVE-2021-30465 class: mount destinations that are symlinks to outside paths resolve inside the
# rootfs (or are refused); nothing is mounted or written on the host's side.
test_sec_symlink_mount_dest() {
  new_bundle
  mkdir -p "$WORK/host-abs" "$WORK/host-rel"
  echo keep >"$WORK/host-abs/marker"
  echo keep >"$WORK/host-rel/marker"
  ln -s "$WORK/host-abs" "$BUNDLE/rootfs/evil-abs"
  ln -s "../../../../../../../../..$WORK/host-rel" "$BUNDLE/rootfs/evil-rel"
  cfg '.mounts += [{"destination":"/evil-abs","type":"tmpfs","source":"tmpfs"},
                   {"destination":"/evil-rel","type":"bind","source":$src,"options":["rbind"]}]' \
    --arg src "$WORK/host-abs"
  args /bin/sh -c 'touch /evil-abs/written /evil-rel/written-rel; /probe info'
  run_container
  if [[ $RC == 0 ]]; then
    grep -q "^mount=$WORK/host-abs tmpfs" <<<"$OUT" ||
      fail "tmpfs not at the in-rootfs resolution $WORK/host-abs: $(grep ^mount= <<<"$OUT")"
    grep -q "^mount=$WORK/host-rel " <<<"$OUT" ||
      fail "bind not at the in-rootfs resolution $WORK/host-rel"
    [[ -d $BUNDLE/rootfs$WORK/host-abs ]] || fail "destination not created inside the rootfs"
  else
    log "refused: $ERR"
  fi
  [[ ! -e $WORK/host-abs/written ]] || fail "tmpfs destination reached the host directory"
  expect_eq "$(ls "$WORK/host-rel")" marker "host directory behind the relative symlink"
  expect_eq "$(ls "$WORK/host-abs" | grep -v written-rel)" marker "host directory behind the absolute symlink"
  [[ -z $(mounts_under_work) ]] || fail "host mounts appeared: $(mounts_under_work)"
  expect_nothing_left "$CID"
}

# CVE-2019-16884 / CVE-2023-27561 class: /proc or /sys in the image being a symlink is refused.
test_sec_proc_on_symlink() {
  local target
  for target in proc sys; do
    new_bundle
    mkdir -p "$BUNDLE/rootfs/fake-$target"
    rmdir "$BUNDLE/rootfs/$target"
    ln -s "/fake-$target" "$BUNDLE/rootfs/$target"
    run_probe info
    if [[ $RC == 0 ]]; then
      grep -q "^mount=/$target ${target/sys/sysfs}" <<<"$OUT" && [[ -z $(ls "$BUNDLE/rootfs/fake-$target") ]] &&
        ! grep -q "^mount=/fake-$target " <<<"$OUT" ||
        fail "/$target mounted through the image's symlink: $(grep ^mount= <<<"$OUT")"
    else
      log "/$target on a symlink refused: $ERR"
    fi
    expect_nothing_left "$CID"
  done
}

# Without CAP_SYS_ADMIN / CAP_SYS_MODULE: no mount, no module, no new mount namespace, no hostname.
test_sec_no_sys_admin() {
  new_bundle
  args /bin/sh -c '/probe try-mount /mnt; /probe try-init-module; /probe try-unshare;
    /probe try-sethostname evil; /probe info'
  run_container
  expect_ok
  expect_refused mount
  expect_refused init_module
  expect_refused unshare
  expect_refused sethostname
  cap_has "$(val cap_eff)" 21 && fail "CAP_SYS_ADMIN in the effective set"
  cap_has "$(val cap_bnd)" 21 && fail "CAP_SYS_ADMIN in the bounding set"
  cap_has "$(val cap_bnd)" 16 && fail "CAP_SYS_MODULE in the bounding set"
  # the same for a process joining with exec
  args /bin/sleep 100
  create_container
  rt start "$CID"
  wait_status running
  OUT=$(rt exec "$CID" /bin/sh -c '/probe try-mount /mnt; /probe try-init-module; /probe info')
  expect_refused mount
  expect_refused init_module
  cap_has "$(val cap_eff)" 21 && fail "CAP_SYS_ADMIN in the exec'd process"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}

# Inheritable capabilities are empty unless config.json asks; the exec'd process likewise.
test_sec_inheritable_empty() {
  new_bundle
  cfg 'del(.process.capabilities.inheritable)'
  run_probe info
  expect_ok
  expect_eq "$(val cap_inh)" 0000000000000000 "CapInh by default"
  [[ $(val cap_eff) != 0000000000000000 ]] || fail "effective set empty: config not applied?"
}

# The attack of test_sec_exe_overwrite succeeds against a writable executable: proves the probe
# finds a target and reports "ok", so a vulnerable runtime would make that test fail.
test_sec_exe_overwrite_selftest() {
  new_bundle
  cp "$PROBE" "$BUNDLE/rootfs/bin/victim"
  args /bin/sh -c '/probe try-exe-overwrite 4 & sleep 0.5; /bin/victim sleep 1; wait'
  run_container
  expect_ok
  expect_eq "$(val exe_target)" /bin/victim "target found"
  expect_eq "$(val exe_write)" ok "reopening a writable executable"
}

# CVE-2025-31133 class: an image whose /dev/null is a symlink (to a file the container could
# then see through every masked path) cannot redirect maskedPaths. Here /dev comes from the image
# (no tmpfs on /dev), /dev/null points at /proc/sys/kernel/hostname: masked paths must still read
# empty, /dev/null must be the real device.
test_sec_devnull_symlink() {
  unsupported_by runc "runc 1.1.5 predates the CVE-2025-31133 fix (runc 1.2.8): with this image the container's output vanishes and the masked-path check fails"
  local masked=
  for masked in /proc/kcore /proc/timer_list /proc/keys; do
    [[ -e $masked ]] && break
  done
  new_bundle
  cfg '.mounts |= map(select(.destination | startswith("/dev") | not))'
  ln -s ../proc/sys/kernel/hostname "$BUNDLE/rootfs/dev/null"
  args /bin/sh -c "/probe try-read $masked; stat -c devnull=%F:%t:%T /dev/null"
  run_container
  if [[ $RC == 0 ]]; then
    expect_eq "$(val read_bytes)" 0 "bytes read from masked $masked"
    expect_eq "$(val devnull)" "character special file:1:3" "/dev/null"
  else
    log "refused: $ERR"
  fi
  expect_nothing_left "$CID"
}

# CVE-2016-9962: the container's PID 1 (default capabilities, no CAP_SYS_PTRACE, which would
# override non-dumpability) tries to ptrace every process that appears while `exec` joins; the
# runtime must not be attachable before it has exec'd the user's program.
test_sec_ptrace_joining_exec() {
  new_bundle
  args /probe try-ptrace-join 8 # or until SIGUSR1, sent once the execs are done
  create_container
  rt start "$CID"
  wait_file_match "$WORK/ctr.out" '^ready'
  local i
  for i in 1 2 3 4 5; do
    rt exec "$CID" /bin/true >/dev/null 2>&1 || true
  done
  # no joining process is left to try: report (a joining process the probe caught at a bad moment
  # can stall until the window is over, and the probe with it; then it has reported already)
  rt kill "$CID" USR1 || log "kill USR1 failed: the probe's window is over (it reported already)"
  wait_file_match "$WORK/ctr.out" '^ptrace_runtime_attached=' 15
  OUT=$(cat "$WORK/ctr.out")
  log "attempts $(val ptrace_attempts), last error $(val ptrace_last_error)"
  expect_eq "$(val ptrace_runtime_attached)" 0 "ptrace attach to the joining runtime ($(val ptrace_runtime_exe))"
  [[ $(val ptrace_attempts) -gt 0 ]] || fail "the probe saw no joining process"
  rt delete --force "$CID"
  expect_nothing_left "$CID"
}
