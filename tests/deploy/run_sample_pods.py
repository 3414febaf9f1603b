#!/usr/bin/env python3
"""Runs deploy/samples/{wasm,native}-pod.yaml through containerd's CRI as a kubelet would: the pod's
annotations go into the sandbox config, the RuntimeClass's handler is the runtime handler, command
and args and limits into the container config (cpu limit -> quota over a 100 ms period). Checks what
a cluster admin would see: the output in the CRI log file (kubectl logs), the exit code, exec into
the native pod, and in the OCI spec containerd gave the runtime the Wasm annotations and the limits.

usage: run_sample_pods.py DEPLOY_DIR SOCK STUBS WORKDIR CGROUP STATE_DIR...
"""
import json
import os
import re
import sys
import time

import grpc
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cri"))
from cri_client import Cri, Fail, check, read_log, wait_gone  # noqa: E402

RUNNING = 1  # runtime.v1 ContainerState CONTAINER_RUNNING
UNITS = {"": 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}


def memory_bytes(q):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi|)", q)
    check(m is not None, f"memory quantity {q!r} not understood by this test")
    return int(m.group(1)) * UNITS[m.group(2)]


def cpu_millis(q):
    return int(q[:-1]) if q.endswith("m") else int(float(q) * 1000)


def load(deploy, rel):
    with open(os.path.join(deploy, rel)) as f:
        return yaml.safe_load(f)


class Kubelet:
    """The part of a kubelet that turns a one-container Pod manifest into CRI calls."""

    def __init__(self, cri):
        self.cri = cri
        self.ids = []

    def container_config(self, c, pod_config):
        pb = self.cri.pb
        limits = c.get("resources", {}).get("limits", {})
        res = pb.LinuxContainerResources(memory_limit_in_bytes=memory_bytes(limits.get("memory", "0")))
        if "cpu" in limits:
            res.cpu_period = 100000
            res.cpu_quota = cpu_millis(limits["cpu"]) * 100000 // 1000
            res.cpu_shares = cpu_millis(limits["cpu"]) * 1024 // 1000
        return pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=c["name"]), image=pb.ImageSpec(image=c["image"]),
            command=c.get("command", []), args=c.get("args", []), log_path=f"{c['name']}.log",
            linux=pb.LinuxContainerConfig(resources=res))

    def run(self, pod):
        meta = pod["metadata"]
        pod_config = self.cri.pod_config(meta["name"], meta.get("annotations", {}))
        pod_id = self.cri.run_pod(pod_config)
        self.ids.append(pod_id)
        (c,) = pod["spec"]["containers"]
        req = self.cri.pb.CreateContainerRequest(pod_sandbox_id=pod_id, sandbox_config=pod_config,
                                                 config=self.container_config(c, pod_config))
        cid = self.cri.rt.CreateContainer(req, timeout=60).container_id
        self.ids.append(cid)
        self.cri.start(cid)
        return pod_id, cid, f"{pod_config.log_directory}/{c['name']}.log"

    def runtime_spec(self, cid):
        req = self.cri.pb.ContainerStatusRequest(container_id=cid, verbose=True)
        return json.loads(self.cri.rt.ContainerStatus(req, timeout=30).info["info"])["runtimeSpec"]


def wasm_pod(kubelet, pod):
    pod_id, cid, log = kubelet.run(pod)
    spec = kubelet.runtime_spec(cid)
    st = kubelet.cri.wait_exit(cid)
    lines = read_log(log)
    check(st.exit_code == 0, f"wasm pod: exit {st.exit_code} ({st.reason} {st.message}) {lines}")
    want = [("stdout", "hello from a Wasm pod"), ("stdout", "arg 1: from"), ("stdout", "arg 2: kubernetes")]
    check(lines == want, f"wasm pod: log {lines}")
    print("ok: wasm-pod.yaml exits 0; its log (what kubectl logs shows) holds the guest's lines and args")
    for key, value in pod["metadata"]["annotations"].items():
        check(spec["annotations"].get(key) == value, f"wasm pod: annotation {key} not in the OCI spec")
    print("ok: wasm-pod.yaml's annotations reach the runtime's config.json (pod_annotations)")
    limits = pod["spec"]["containers"][0]["resources"]["limits"]
    r = spec["linux"]["resources"]
    check(r["memory"]["limit"] == memory_bytes(limits["memory"])
          and r["cpu"]["quota"] == cpu_millis(limits["cpu"]) * 100, f"wasm pod: resources {r}")
    print(f"ok: its limits reach config.json (memory {r['memory']['limit']}, cpu quota {r['cpu']['quota']})")
    kubelet.cri.teardown(pod_id)


def native_pod(kubelet, pod):
    pod_id, cid, log = kubelet.run(pod)
    end = time.monotonic() + 30
    while not read_log(log) and time.monotonic() < end:
        time.sleep(0.05)
    check(kubelet.cri.status(cid).state == RUNNING, "native pod: not running")
    check(read_log(log) == [("stdout", "hello from a native pod")], f"native pod: log {read_log(log)}")
    r = kubelet.cri.exec_sync(cid, ["sh", "-c", "echo exec-ok"])
    check(r.exit_code == 0 and r.stdout == b"exec-ok\n", f"native pod: exec {r}")
    print("ok: native-pod.yaml runs, logs its line, kubectl-exec-style ExecSync works")
    kubelet.cri.stop_container(cid)
    kubelet.cri.teardown(pod_id)


def forced_wasm_pod(kubelet, pod):
    """A forcing annotation on a pod: its Wasm container runs as Wasm, its pause container natively
    (isobox never forces the sandbox container, which gets the pod's annotations too)."""
    for key, value in (("run.oci.handler", "wasm"), ("module.wasm.image/variant", "compat")):
        forced = dict(pod, metadata=dict(pod["metadata"], name="forced"))
        forced["metadata"]["annotations"] = {key: value}
        pod_id, cid, log = kubelet.run(forced)
        st = kubelet.cri.wait_exit(cid)
        check(st.exit_code == 0 and read_log(log)[:1] == [("stdout", "hello from a Wasm pod")],
              f"forced pod {key}={value}: exit {st.exit_code} ({st.reason} {st.message}) {read_log(log)}")
        kubelet.cri.teardown(pod_id)
        print(f"ok: a pod annotated {key}={value} runs: pause natively, its module as Wasm")


def bad_annotation_pod(kubelet, pod):
    """A bad isobox.wasm/* value: StartContainer fails with isobox's one line (kubectl describe)."""
    bad = dict(pod, metadata=dict(pod["metadata"], name="bad-timeout"))
    bad["metadata"]["annotations"] = dict(pod["metadata"]["annotations"], **{"isobox.wasm/timeout": "soon"})
    try:
        kubelet.run(bad)
        raise Fail("a pod annotated isobox.wasm/timeout=soon started")
    except grpc.RpcError as e:
        check("annotation isobox.wasm/timeout: 'soon': expected a duration" in e.details(),
              f"bad annotation: {e.details()}")
    kubelet.cri.teardown(kubelet.ids[-2])
    print("ok: isobox.wasm/timeout=soon fails StartContainer with isobox's reason")


def main(deploy, sock, stubs, workdir, cgroup, *state_dirs):
    handler = load(deploy, "runtimeclass.yaml")["handler"]
    pods = {name: load(deploy, f"samples/{name}-pod.yaml") for name in ("wasm", "native")}
    for name, pod in pods.items():
        check(pod["spec"]["runtimeClassName"] == "isobox", f"{name}: runtimeClassName")
    kubelet = Kubelet(Cri(sock, stubs, workdir, cgroup, handler))
    try:
        wasm_pod(kubelet, pods["wasm"])
        native_pod(kubelet, pods["native"])
        forced_wasm_pod(kubelet, pods["wasm"])
        bad_annotation_pod(kubelet, pods["wasm"])
        left = wait_gone(kubelet.ids, cgroup, state_dirs)
        check(not left, f"left behind after the pods were removed: {left}")
        print("ok: nothing left behind (processes, mounts, cgroups, state dirs)")
    except Fail as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    print("run_sample_pods: ok")


if __name__ == "__main__":
    main(*sys.argv[1:])
