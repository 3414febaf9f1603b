#!/usr/bin/env python3
"""Checks deploy/'s Kubernetes manifests offline (kubectl --dry-run=client needs an API server):
they parse, have the fields Kubernetes requires, and run `isobox eval bench` through the isobox
RuntimeClass with a per-node output directory.

usage: check_manifests.py DEPLOY_DIR
"""
import os
import sys

import yaml


def fail(msg):
    print(f"check_manifests: FAIL: {msg}")
    sys.exit(1)


def load(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for d in docs:
        for field in ("apiVersion", "kind", "metadata"):
            if field not in d:
                fail(f"{path}: {field} missing")
    return docs


def main(deploy):
    rc = load(os.path.join(deploy, "runtimeclass.yaml"))[0]
    if rc["kind"] != "RuntimeClass" or rc["apiVersion"] != "node.k8s.io/v1" or not rc.get("handler"):
        fail("runtimeclass.yaml: not a node.k8s.io/v1 RuntimeClass with a handler")
    job = load(os.path.join(deploy, "eval-job.yaml"))[0]
    if job["kind"] != "Job" or job["apiVersion"] != "batch/v1":
        fail("eval-job.yaml: not a batch/v1 Job")
    pod = job["spec"]["template"]["spec"]
    if pod.get("runtimeClassName") != rc["metadata"]["name"]:
        fail("the Job does not run through the isobox RuntimeClass")
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        fail("a Job's pods need restartPolicy Never or OnFailure")
    (c,) = pod["containers"]
    cmd = c["command"]
    if cmd[1:3] != ["eval", "bench"] or "--out" not in cmd:
        fail(f"the container does not run `isobox eval bench --out ...`: {cmd}")
    out = cmd[cmd.index("--out") + 1]
    env = {e["name"] for e in c.get("env", [])}
    if "$(NODE_NAME)" not in out or "NODE_NAME" not in env:
        fail("the output directory is not per node")
    mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
    if not any(out.startswith(m) for m in mounts):
        fail(f"{out} is not on a mounted volume")
    print("check_manifests: ok")


if __name__ == "__main__":
    main(sys.argv[1])
