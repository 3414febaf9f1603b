#!/usr/bin/env python3
"""Checks an `isobox eval audit --quick` run (issue 13): results.json's audit section holds a verdict
for every scenario x available backend; the isobox backends show no verdict other than the expected
one (no unexpected escape, crash or harness error); the native baseline really escapes where its
host check is meaningful (proving the checks can fail); report.md/report.html show the matrix."""
import json
import sys

ISOBOX = ("isobox-container", "isobox-container-seccomp", "isobox-wasm", "isobox-wasm-container")
NATIVE_MUST_ESCAPE = ("file_read_canary", "file_write_outside", "file_delete_outside",
                      "dotdot_traversal", "symlink_absolute", "symlink_relative", "proc_self_root",
                      "proc_host_pid_root", "proc_pid_environ", "env_leak", "hostname_leak", "signal_host",
                      "ptrace_host", "mount_tmpfs", "keyctl_user_keyring", "hardlink_outside",
                      "rename_into_grant", "truncate_outside", "sys_net_leak", "host_loopback",
                      "packet_socket", "userfaultfd", "cve_2024_21626_fd_walk",
                      "cve_2022_0492_release_agent", "capset_all", "cve_2019_5736_parent_exe",
                      "proc_mounts_leak", "symlink_race", "ro_truncate", "ro_rename_in", "ro_link_out",
                      "setuid_root_helper", "file_capability_helper")
# Marked "quick": false (full runs only, to keep --quick short); native must escape them there too.
FULL_ONLY = ("ro_write", "ro_append", "ro_unlink", "ro_rename", "ro_mkdir", "ro_utimes", "ro_chmod",
             "ro_rename_out", "ro_link_in")
MIN_SCENARIOS = 40


def check_surface(audit, available):
    """The attack-surface table: one measured entry per available backend, and the figures that
    tell the sandboxes apart (the native baseline holds more capabilities than a container, a
    container has private namespaces, the engine's seccomp allowlist is smaller than the table)."""
    errors = []
    surface = {s["backend"]: s for s in audit.get("surface", [])}
    for b in available:
        if b not in surface or "error" in surface[b]:
            errors.append(f"attack surface of {b} not measured: {surface.get(b)}")
    if errors:
        return errors
    native = surface["native"]
    if native["syscalls"]["allowed"] != native["syscalls"]["total"] or native["namespaces"]:
        errors.append(f"native surface: {native}")
    if "isobox-container" in surface:
        c = surface["isobox-container"]
        if not {"mnt", "pid", "net"} <= set(c["namespaces"]) or \
                c["capabilities"]["held"] >= native["capabilities"]["held"]:
            errors.append(f"isobox-container surface: {c}")
    if "isobox-container-seccomp" in surface:
        f = surface["isobox-container-seccomp"]["syscalls"]
        if f["allowed"] is None or not 0 < f["allowed"] < f["total"]:
            errors.append(f"isobox-container-seccomp surface: {f}")
    if "isobox-wasm" in surface:
        w = surface["isobox-wasm"]["syscalls"]
        if w["allowed"] is None or not 0 < w["allowed"] < w["total"] or surface["isobox-wasm"]["devices"]:
            errors.append(f"isobox-wasm surface: {surface['isobox-wasm']}")
    return errors


def main(out):
    doc = json.load(open(f"{out}/results.json"))
    errors = []
    if doc.get("version") != 2:
        errors.append(f"results.json version {doc.get('version')}, expected 2")
    audit = doc["sections"]["audit"]
    scenarios = [s["id"] for s in audit["scenarios"]]
    if len(scenarios) < MIN_SCENARIOS:
        errors.append(f"{len(scenarios)} scenarios, issue 13 asks for at least {MIN_SCENARIOS}")
    available = [b["name"] for b in audit["backends"] if b["available"]]
    cells = {(o["scenario"], o["backend"]): o for o in audit["outcomes"]}
    for s in scenarios:
        for b in available:
            if (s, b) not in cells:
                errors.append(f"no verdict for {s} on {b}")
    for o in audit["outcomes"]:
        if o["backend"] in ISOBOX and o["verdict"] != o["expected"]:
            errors.append(f"{o['scenario']} on {o['backend']}: {o['verdict']} "
                          f"(expected {o['expected']}): {o['detail']}")
    for b in audit["backends"]:  # a malformed module of the audit must not cost a whole backend
        if b["name"] == "isobox-wasm-aot" and ".wasm" in b["skip_reason"]:
            errors.append(f"isobox-wasm-aot skipped over one module: {b['skip_reason']}")
    if "native" not in available:
        errors.append("the native baseline did not run")
    must_escape = NATIVE_MUST_ESCAPE
    if audit.get("quick"):
        errors += [f"{s} ran in a --quick run (marked full-only)" for s in FULL_ONLY if s in scenarios]
    else:
        must_escape += FULL_ONLY
    for s in must_escape:
        o = cells.get((s, "native"))
        if o is None or o["verdict"] != "escaped":
            errors.append(f"native {s}: {o and o['verdict']} (must escape: the check must be able "
                          f"to fail) {o and o['detail']}")
    errors += check_surface(audit, available)
    md = open(f"{out}/report.md").read()
    html = open(f"{out}/report.html").read()
    if "## Audit: the same attacks in every sandbox" not in md:
        errors.append("report.md has no audit section")
    if '<td class="v-blocked"><a href="#d-' not in html or 'id="d-file_read_canary-native"' not in html:
        errors.append("report.html: matrix cells do not link to their detail")
    if "| backend | syscalls allowed |" not in md:
        errors.append("report.md has no attack-surface table")
    if 'class="v-escaped"' not in html or 'class="v-blocked"' not in html:
        errors.append("report.html has no coloured verdict cells")
    for e in errors:
        print("check_audit:", e)
    print(f"check_audit: {len(audit['outcomes'])} outcomes, {len(scenarios)} scenarios, "
          f"backends {', '.join(available)}; {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
