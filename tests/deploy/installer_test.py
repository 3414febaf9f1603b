#!/usr/bin/env python3
"""Runs deploy/installer/install.sh against scratch containerd configs: twice gives the same file
(valid TOML, the runtime once, one restart), 1.x and 2.x section names, --dry-run changes nothing,
--uninstall gives the original back, and bad input fails with one line, the file untouched.

usage: installer_test.py DEPLOY_DIR ISOBOX_BINARY
"""
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib

DEBIAN_CONFIG = """version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.internal.v1.opt"]
    path = "/var/lib/containerd/opt"
"""
# What containerd 2.x's `containerd config default` starts with (version 3, its plugin names).
V3_CONFIG = """version = 3
root = '/var/lib/containerd'

[plugins]
  [plugins.'io.containerd.cri.v1.runtime']
    enable_selinux = false
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes]
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
          runtime_type = 'io.containerd.runc.v2'
"""
V1_PLUGIN = "io.containerd.grpc.v1.cri"
V2_PLUGIN = "io.containerd.cri.v1.runtime"
failures = []
SCRATCH = None  # every scratch node lives under it; removed at the end, pass or fail


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


class Node:
    """A scratch node: a config path, an install path and a restart log in a temporary dir."""

    def __init__(self, deploy, binary, content, containerd="containerd"):
        self.dir = tempfile.mkdtemp(dir=SCRATCH)
        self.config = os.path.join(self.dir, "etc", "config.toml")
        self.bin = os.path.join(self.dir, "bin", "isobox")
        self.restarts = os.path.join(self.dir, "restarts")
        self.script = os.path.join(deploy, "installer", "install.sh")
        self.binary = binary
        self.containerd = containerd
        if content is not None:
            os.makedirs(os.path.dirname(self.config))
            with open(self.config, "w") as f:
                f.write(content)

    def run(self, *extra):
        cmd = [self.script, "--binary", self.binary, "--install-path", self.bin,
               "--config", self.config, "--containerd", self.containerd,
               "--restart-cmd", f"echo restart >> {self.restarts}", *extra]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)

    def read(self):
        with open(self.config, "rb") as f:
            return f.read()

    def restart_count(self):
        if not os.path.exists(self.restarts):
            return 0
        with open(self.restarts) as f:
            return len(f.read().split())

    def runtime(self, plugin):
        doc = tomllib.loads(self.read().decode())
        return doc["plugins"][plugin]["containerd"]["runtimes"]["isobox"]


def twice_is_once(node, plugin, name):
    first, second = node.run(), node.run()
    check(first.returncode == 0, f"{name}: first install exits 0 ({first.stderr.strip()})")
    after_first = node.read()
    check(second.returncode == 0, f"{name}: second install exits 0 ({second.stderr.strip()})")
    check(node.read() == after_first, f"{name}: the second run leaves the file byte-identical")
    check("up to date" in second.stdout, f"{name}: the second run says the config is up to date")
    check(node.restart_count() == 1, f"{name}: containerd restarted once, not {node.restart_count()}")
    rt = node.runtime(plugin)
    check(rt["runtime_type"] == "io.containerd.runc.v2" and rt["options"]["BinaryName"] == node.bin,
          f"{name}: valid TOML with the isobox runtime under {plugin}, BinaryName = the install path")
    check(all(k in rt["pod_annotations"] for k in ("run.oci.handler", "module.wasm.image/variant")),
          f"{name}: pod_annotations pass the Wasm annotations")
    check(after_first.count(b"runtimes.isobox]") == 1, f"{name}: the runtime table appears once")
    check(os.access(node.bin, os.X_OK), f"{name}: the binary is installed and executable")
    check(os.path.exists(node.config + ".isobox-backup") or name.startswith("missing"),
          f"{name}: a backup of the previous config is kept")


def scenario_roundtrip(deploy, binary, content, plugin, name, containerd="containerd"):
    node = Node(deploy, binary, content, containerd)
    twice_is_once(node, plugin, name)
    r = node.run("--uninstall")
    check(r.returncode == 0 and node.read() == content.encode(),
          f"{name}: --uninstall gives the original file back")
    check(not os.path.exists(node.bin), f"{name}: --uninstall removes the binary")


def scenario_dry_run(deploy, binary):
    node = Node(deploy, binary, DEBIAN_CONFIG)
    r = node.run("--dry-run")
    check(r.returncode == 0 and "+[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.isobox]"
          in r.stdout, "dry-run: prints the diff it would apply")
    check(node.read() == DEBIAN_CONFIG.encode() and not os.path.exists(node.bin)
          and node.restart_count() == 0, "dry-run: changes nothing, restarts nothing")


def scenario_missing(deploy, binary):
    node = Node(deploy, binary, None)
    twice_is_once(node, V1_PLUGIN, "missing config (containerd 1.x installed)")
    check(node.read().startswith(b"version = 2\n"), "missing config: created with version = 2")


def refused(deploy, binary, content, name, expect, *extra, containerd="containerd"):
    node = Node(deploy, binary, content, containerd)
    r = node.run(*extra)
    lines = r.stderr.strip().splitlines()
    check(r.returncode != 0 and len(lines) == 1 and expect in r.stderr,
          f"{name}: refused with one line containing '{expect}' (got rc {r.returncode}: {r.stderr!r})")
    if content is not None:
        check(node.read() == content.encode(), f"{name}: the config is untouched")
    check(not os.path.exists(node.bin) and node.restart_count() == 0,
          f"{name}: nothing installed, nothing restarted")


def scenario_refusals(deploy, binary):
    hand = DEBIAN_CONFIG + '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.isobox]\n'
    refused(deploy, binary, hand, "hand-written isobox runtime", "already defines a runtime named isobox")
    refused(deploy, binary, "[plugins.cri]\n  x = 1\n", "version 1 config", "no 'version = 2|3' line")
    refused(deploy, binary, "version = 3\n", "version 3 with containerd 1.x", "containerd 1.x does not read")
    refused(deploy, binary, "version = 4\n", "unknown version", "config version 4 is not supported",
            containerd="none")
    refused(deploy, binary, DEBIAN_CONFIG + "[oops\n", "broken TOML", "the patched config does not load")
    refused(deploy, binary, DEBIAN_CONFIG, "unknown flag", "unknown argument '--frobnicate'", "--frobnicate")
    refused(deploy, "/nonexistent/isobox", DEBIAN_CONFIG, "missing binary", "no executable isobox")
    broken = os.path.join(SCRATCH, "isobox-missing-libs")
    with open(broken, "w") as f:  # what the loader says on a node without the shared libraries
        f.write("#!/bin/sh\necho 'isobox: error while loading shared libraries: libfmt.so.9' >&2\nexit 127\n")
    os.chmod(broken, 0o755)
    refused(deploy, broken, DEBIAN_CONFIG, "binary that does not run", "does not run on this node: "
            "isobox: error while loading shared libraries: libfmt.so.9")


def main(deploy, binary):
    global SCRATCH
    SCRATCH = tempfile.mkdtemp(prefix="isobox-installer-test-")
    try:
        run_all(deploy, binary)
    finally:
        shutil.rmtree(SCRATCH)
    print(f"installer_test: {len(failures)} failed")
    sys.exit(1 if failures else 0)


def run_all(deploy, binary):
    default = subprocess.run(["containerd", "config", "default"], capture_output=True, text=True,
                             check=True).stdout
    scenario_roundtrip(deploy, binary, default, V1_PLUGIN, "containerd 1.6 default config")
    scenario_roundtrip(deploy, binary, DEBIAN_CONFIG, V1_PLUGIN, "Debian's /etc/containerd/config.toml")
    scenario_roundtrip(deploy, binary, V3_CONFIG, V2_PLUGIN, "containerd 2.x config (version 3)",
                       containerd="none")
    scenario_dry_run(deploy, binary)
    scenario_missing(deploy, binary)
    scenario_refusals(deploy, binary)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
