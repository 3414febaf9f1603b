# cri_scenarios.py: the CRI scenarios, driven as a kubelet would (runtime.v1 over containerd's
# socket): a host-network pod with a workload container (Wasm for handler isobox, native for the
# runc control) and a native busybox sidecar; logs from the CRI log file, ExecSync, ContainerStats,
# exit code, a trap, a restricted security context, a memory limit, pod annotations;
# Stop/RemovePodSandbox leaving nothing behind.
#   cri_scenarios.py SOCK STUBS WORKDIR CGROUP HANDLER STATE_DIR...
import glob
import json
import os
import sys
import time

import grpc

from cri_client import RUNNING, Cri, Fail, check, leftovers, read_log, wait_for, wait_gone

BUSYBOX = "isobox.test/busybox:cri"
WASM = "isobox.test/wasm:cri"


class Scenarios:
    def __init__(self, cri, state_dirs):
        self.cri = cri
        self.wasm = cri.handler == "isobox"
        self.state_dirs = state_dirs
        self.pod_config = None
        self.pod_id = None
        self.ids = []

    def log(self, name):
        return read_log(f"{self.pod_config.log_directory}/{name}.log")

    def run(self, name, wasm_args, native_args, **kw):
        """Runs the workload container to its exit: Wasm probe (isobox) or busybox (runc)."""
        image, args = (WASM, wasm_args) if self.wasm else (BUSYBOX, native_args)
        cid, st = self.cri.run_to_exit(self.pod_id, self.pod_config, name, image, args, **kw)
        self.ids.append(cid)
        return st

    def sidecar(self):
        cid = self.cri.create(self.pod_id, self.pod_config, "sidecar", BUSYBOX, [])
        self.cri.start(cid)
        self.ids.append(cid)
        r = self.cri.exec_sync(cid, ["/bin/sh", "-c", "echo exec-ok; echo err >&2; exit 3"])
        check(r.stdout == b"exec-ok\n" and r.stderr == b"err\n" and r.exit_code == 3,
              f"ExecSync into the sidecar: {r}")
        print("ok: ExecSync into the native sidecar (stdout, stderr, exit code 3)")

    def hello_and_exit(self):
        st = self.run("hello", [], ["/bin/echo", "hello from native"])
        want = "hello from wasm" if self.wasm else "hello from native"
        check(st.exit_code == 0, f"hello: exit {st.exit_code} ({st.reason} {st.message})")
        check(("stdout", want) in self.log("hello"), f"hello: log {self.log('hello')}")
        st = self.run("exit5", ["/probe.wasm", "exit", "5"], ["/probe", "exit", "5"])
        check(st.exit_code == 5 and st.reason == "Error", f"exit5: {st.exit_code} {st.reason}")
        print("ok: output in the CRI log file; exit code 5 in ContainerStatus")

    def trap(self):
        if not self.wasm:
            return
        st = self.run("trap", ["/probe.wasm", "trap"], [])
        check(st.exit_code == 134, f"trap: exit {st.exit_code}")
        lines = self.log("trap")
        check(any(s == "stderr" and "trap: unreachable" in t for s, t in lines),
              f"trap line missing from the log: {lines}")
        print("ok: trap -> exit 134 in ContainerStatus, trap line on stderr in the log")

    def stats(self):
        """ContainerStats (kubectl top) of a container holding 32 MiB: the Wasm guest's linear
        memory, or a 32 MiB shell variable."""
        shell = ("x=0123456789abcdef; i=0; while [ $i -lt 21 ]; do x=$x$x; i=$((i+1)); done; "
                 "echo held_mib=32; while :; do sleep 1; done")
        image, args = (WASM, ["/probe.wasm", "hold", "32"]) if self.wasm else \
            (BUSYBOX, ["/bin/sh", "-c", shell])
        cid = self.cri.create(self.pod_id, self.pod_config, "hold", image, args)
        self.cri.start(cid)
        self.ids.append(cid)
        wait_for(lambda: ("stdout", "held_mib=32") in self.log("hold"), "held_mib=32 in the log")
        s = self.cri.stats(cid)
        cpu, mem = s.cpu.usage_core_nano_seconds.value, s.memory.working_set_bytes.value
        check(cpu > 0 and mem >= 32 << 20, f"ContainerStats: cpu {cpu} ns, working set {mem} B")
        self.update(cid)
        if self.wasm:
            self.exec_into_wasm(cid)
        self.cri.stop_container(cid, timeout=1)
        st = self.cri.wait_exit(cid)
        check(st.exit_code in (137, 143), f"stopped hold: exit {st.exit_code}")
        print(f"ok: ContainerStats cpu {cpu / 1e6:.0f} ms, working set {mem >> 20} MiB "
              f"(holding 32 MiB); StopContainer -> exit {st.exit_code}")

    def update(self, cid):
        """UpdateContainerResources (`isobox update` through the shim) reaches the cgroup."""
        self.cri.update_cpu_quota(cid, 20000)
        cg = self.cri.cgroup
        files = glob.glob(f"/sys/fs/cgroup/cpu/{cg}/*/{cid}/cpu.cfs_quota_us") + \
            glob.glob(f"/sys/fs/cgroup/{cg}/*/{cid}/cpu.max")
        values = [open(f, encoding="utf-8").read().split()[0] for f in files]
        check(values == ["20000"], f"cpu quota after UpdateContainerResources: {files} {values}")
        print("ok: UpdateContainerResources: CPU quota 20000/100000 in the container's cgroup")

    def exec_into_wasm(self, cid):
        """ExecSync of a module runs it in the engine; a shell the image lacks fails clearly."""
        r = self.cri.exec_sync(cid, ["/probe.wasm", "exit", "4"])
        check(r.exit_code == 4, f"ExecSync of a module into the Wasm container: {r}")
        try:
            r = self.cri.exec_sync(cid, ["/bin/sh", "-c", "echo hi"])
            raise Fail(f"ExecSync of /bin/sh into the Wasm container succeeded: {r}")
        except grpc.RpcError as e:
            why = e.details()
        check("not found in the container" in why, f"exec /bin/sh: {why}")
        check(self.cri.status(cid).state == RUNNING, "the Wasm container stopped after exec")
        print("ok: ExecSync into the Wasm container: a module runs (exit 4), /bin/sh: " +
              why.split("exec failed: ")[-1][:100])

    def restricted(self):
        """RuntimeDefault seccomp, a non-root uid and a read-only rootfs, as restricted pods run."""
        shell = "mkdir /x 2>/dev/null && echo mkdir=ok || echo mkdir=refused; echo hello"
        st = self.run("restricted", ["/probe.wasm", "mkdir", "/x"], ["/bin/sh", "-c", shell],
                      security=self.cri.restricted())
        lines = self.log("restricted")
        check(st.exit_code == 0 and lines and ("stdout", "mkdir=ok") not in lines,
              f"restricted: exit {st.exit_code}, log {lines}")
        print(f"ok: RuntimeDefault seccomp, uid 65534, read-only rootfs: {lines[0][1]}")

    def memory_limit(self):
        grow = "x=xxxxxxxxxxxxxxxx; while :; do x=$x$x; done"
        st = self.run("grow", ["/probe.wasm", "grow"], ["/bin/sh", "-c", grow], memory=64 << 20)
        if not self.wasm:  # the control: the cgroup OOM-kills a native process
            check(st.exit_code == 137, f"native grow under 64 MiB: exit {st.exit_code}")
            print(f"ok: 64 MiB limit, native -> exit 137 ({st.reason})")
            return
        lines = self.log("grow")
        grown = [int(t.split("=")[1]) for s, t in lines if t.startswith("grown_mib=")]
        check(st.exit_code == 0 and grown and 0 < grown[0] < 64,
              f"grow under 64 MiB: exit {st.exit_code}, log {lines}")
        print(f"ok: 64 MiB limit, memory.grow failed inside after {grown[0]} MiB, exit 0")

    def leave_running(self):
        """A workload container still running when the pod is stopped (with the sidecar)."""
        image, args = (WASM, ["/probe.wasm", "hold", "1"]) if self.wasm else \
            (BUSYBOX, ["/bin/sleep", "1000"])
        cid = self.cri.create(self.pod_id, self.pod_config, "running", image, args)
        self.cri.start(cid)
        self.ids.append(cid)
        check(self.cri.status(cid).state == RUNNING, "the container left running is not running")

    def teardown(self):
        live = leftovers([self.pod_id] + self.ids, self.cri.cgroup, self.state_dirs)
        for kind in ("process", "mount", "cgroup", "state"):  # the check sees a live pod
            check(any(x.startswith(kind) for x in live), f"no {kind} seen for the live pod")
        self.cri.teardown(self.pod_id)
        left = wait_gone([self.pod_id] + self.ids, self.cri.cgroup, self.state_dirs)
        check(not left, "left after RemovePodSandbox: " + "; ".join(left))
        check(all(p.id != self.pod_id for p in self.cri.pods()), "pod still listed")
        print("ok: Stop/RemovePodSandbox left no process, mount, cgroup or state dir")

    def pod_network(self):
        """A pod on the bridge CNI: own network and UTS namespaces, joined by path."""
        if not os.path.exists(f"{self.cri.workdir}/cni-conf/10-isobox.conflist"):
            print("skipped: pod network (no CNI plugins in /usr/lib/cni)")
            return
        config = self.cri.pod_config("netpod", hostname="isobox-netpod")
        self.pod_config, self.pod_id, self.ids = config, self.cri.run_pod(config), []
        status = self.cri.pod_status(self.pod_id)
        ip = status.status.network.ip
        spec = json.loads(status.info["info"])["runtimeSpec"]
        netns = [n.get("path", "") for n in spec["linux"]["namespaces"] if n["type"] == "network"]
        netns = netns[0] if netns else "(none)"
        check(ip.startswith("10.88.") and os.path.exists(netns), f"pod network: ip {ip}, {netns}")
        st = self.run("host", ["/probe.wasm", "cat", "/etc/hostname"], ["/bin/cat", "/etc/hostname"])
        check(("stdout", "isobox-netpod") in self.log("host"), f"hostname: {self.log('host')}")
        st = self.run("net", ["/probe.wasm", "cat", "/proc/net/dev"], ["/bin/cat", "/proc/net/dev"])
        check(st.exit_code == 0 and any("eth0:" in t for _, t in self.log("net")),
              f"no eth0 in the pod's /proc/net/dev: {self.log('net')}")
        self.teardown()
        check(not os.path.exists(netns), f"network namespace {netns} left")
        print(f"ok: bridge CNI pod ({ip}): hostname and eth0 seen from inside; netns removed")

    def annotations(self):
        """Pod annotations pass through to the Wasm container (the snippet's pod_annotations)."""
        if not self.wasm:
            return
        config = self.cri.pod_config("annot", {"isobox.wasm/fuel": "100000"})
        self.pod_config, self.pod_id, self.ids = config, self.cri.run_pod(config), []
        st = self.run("fuel", ["/probe.wasm", "spin"], [])
        check(st.exit_code == 134, f"isobox.wasm/fuel pod annotation: exit {st.exit_code}")
        self.teardown()
        print("ok: pod annotation isobox.wasm/fuel reached the engine (spin -> 134)")

    def all(self):
        self.pod_config = self.cri.pod_config("pod")
        self.pod_id = self.cri.run_pod(self.pod_config)
        print(f"ok: RunPodSandbox runtime_handler={self.cri.handler} -> {self.pod_id[:12]}")
        self.sidecar()
        self.hello_and_exit()
        self.trap()
        self.stats()
        self.restricted()
        self.memory_limit()
        self.leave_running()
        self.teardown()
        self.pod_network()
        self.annotations()


def main():
    sock, stubs, workdir, cgroup, handler = sys.argv[1:6]
    cri = Cri(sock, stubs, workdir, cgroup, handler)
    try:
        Scenarios(cri, sys.argv[6:]).all()
    except Fail as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    except grpc.RpcError as e:
        print(f"FAIL: CRI call: {e.code().name}: {e.details()}", file=sys.stderr)
        return 1
    print(f"PASS: CRI scenarios, handler {handler}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
