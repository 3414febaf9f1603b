#!/usr/bin/env python3
"""Checks deploy/ offline: every YAML manifest parses and has what Kubernetes requires, the
RuntimeClass, the containerd snippets, the installer DaemonSet, its image and the sample pods agree
with each other, and the sample pods' annotations are ones containerd passes through.
`kubectl apply --dry-run=client` needs an API server, so each object is checked against the API
models of Debian's python3-kubernetes instead: no unknown field, every value of its type, required
fields present. Where kubectl is installed, `kubectl label --local` also decodes each manifest.

usage: check_deploy.py DEPLOY_DIR
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib

import kubernetes.client
import yaml

failures = []


def check(cond, what):
    print(("ok:   " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def load_all(deploy):
    """Every YAML document under deploy/, by file; each must have apiVersion, kind, metadata.name."""
    manifests = {}
    for path in sorted(glob.glob(os.path.join(deploy, "**", "*.yaml"), recursive=True)):
        rel = os.path.relpath(path, deploy)
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        check(len(docs) >= 1, f"{rel}: parses, {len(docs)} document(s)")
        for d in docs:
            check(all(k in d for k in ("apiVersion", "kind")) and d.get("metadata", {}).get("name"),
                  f"{rel}: {d.get('kind')} has apiVersion, kind and metadata.name")
            check_schema(rel, d)
        manifests[rel] = docs
    return manifests


MODELS = {("v1", "Pod"): "V1Pod", ("node.k8s.io/v1", "RuntimeClass"): "V1RuntimeClass",
          ("apps/v1", "DaemonSet"): "V1DaemonSet", ("batch/v1", "Job"): "V1Job"}
SCALARS = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def schema_errors(value, type_name, path):
    """Where value does not fit the python3-kubernetes model type_name (unknown fields, wrong types)."""
    if type_name.startswith("list["):
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [e for i, v in enumerate(value) for e in schema_errors(v, type_name[5:-1], f"{path}[{i}]")]
    if type_name.startswith("dict("):
        inner = type_name[type_name.index(",") + 1:-1].strip()
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        return [e for k, v in value.items() for e in schema_errors(v, inner, f"{path}.{k}")]
    if type_name in SCALARS:
        ok = isinstance(value, SCALARS[type_name]) and (type_name == "bool") == isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a {type_name}"]
    if type_name == "object":
        return []
    model = getattr(kubernetes.client, type_name)
    if not isinstance(value, dict):
        return [f"{path}: not an object ({type_name})"]
    fields = {json: attr for attr, json in model.attribute_map.items()}
    errors = [f"{path}.{k}: no such field in {type_name}" for k in value if k not in fields]
    for k, v in value.items():
        if k in fields:
            errors += schema_errors(v, model.openapi_types[fields[k]], f"{path}.{k}")
    return errors


def check_schema(rel, doc):
    model = MODELS.get((doc.get("apiVersion"), doc.get("kind")))
    if model is None:
        check(False, f"{rel}: {doc.get('apiVersion')} {doc.get('kind')} has no model to check it against")
        return
    errors = schema_errors(doc, model, doc["kind"])
    try:  # the models' constructors refuse a missing required field
        kubernetes.client.ApiClient()._ApiClient__deserialize(doc, model)
    except ValueError as e:
        errors.append(str(e))
    check(not errors, f"{rel}: fits the {model} model" + "".join(f"\n      {e}" for e in errors))


def glob_match(pattern, key):
    """containerd matches pod_annotations with Go's filepath.Match: `*` stops at `/`."""
    regex = "".join("[^/]*" if c == "*" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, key) is not None


def check_snippets(deploy, handler):
    runtimes = {}
    for name, plugin in (("config-v1.toml", "io.containerd.grpc.v1.cri"),
                         ("config-v2.toml", "io.containerd.cri.v1.runtime")):
        with open(os.path.join(deploy, "containerd", name), "rb") as f:
            doc = tomllib.load(f)
        rt = doc["plugins"][plugin]["containerd"]["runtimes"].get(handler)
        check(rt is not None and rt["runtime_type"] == "io.containerd.runc.v2"
              and rt["options"]["BinaryName"] == "/usr/local/bin/isobox",
              f"containerd/{name}: runtime '{handler}' under {plugin}, runc v2 shim, BinaryName isobox")
        runtimes[name] = rt
    check(runtimes["config-v1.toml"] == runtimes["config-v2.toml"],
          "the 1.x and 2.x snippets configure the same runtime")
    return runtimes["config-v1.toml"]


def check_daemonset(deploy, ds, rc_selector):
    pod = ds["spec"]["template"]["spec"]
    (c,) = pod["containers"]
    check(pod.get("hostPID") is True and c["securityContext"].get("privileged") is True,
          "DaemonSet: privileged with hostPID (nsenter into the node's PID 1)")
    check(pod.get("nodeSelector") == rc_selector,
          "DaemonSet: runs on the nodes the RuntimeClass schedules isobox pods to")
    script = " ".join(c["command"] + c.get("args", []))
    mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
    paths = {v["name"]: v["hostPath"]["path"] for v in pod["volumes"] if "hostPath" in v}
    host_dir = paths[mounts["/host/var/lib/isobox-installer"]]
    check(f"{host_dir}/install.sh" in script and "nsenter --target 1" in script,
          f"DaemonSet: runs {host_dir}/install.sh in the node's namespaces")
    with open(os.path.join(deploy, "installer", "Containerfile")) as f:
        containerfile = f.read()
    copied = re.findall(r"^COPY .* (\S+)$", containerfile, re.M)
    check("/opt/isobox-installer/isobox" in copied and "/opt/isobox-installer/install.sh" in copied
          and "/opt/isobox-installer/containerd/" in copied and "/opt/isobox-installer/." in script,
          "DaemonSet: copies what installer/Containerfile puts in /opt/isobox-installer")


def check_samples(manifests, handler, runtime):
    for rel in ("samples/wasm-pod.yaml", "samples/native-pod.yaml"):
        (pod,) = manifests[rel]
        check(pod["kind"] == "Pod" and pod["spec"].get("runtimeClassName") == handler,
              f"{rel}: a Pod with runtimeClassName {handler}")
        check(all("limits" in c.get("resources", {}) for c in pod["spec"]["containers"]),
              f"{rel}: every container has limits")
    annotations = manifests["samples/wasm-pod.yaml"][0]["metadata"].get("annotations", {})
    check(any(k in annotations for k in ("module.wasm.image/variant", "run.oci.handler")),
          "samples/wasm-pod.yaml: asks for Wasm with crun's annotation")
    for key in annotations:
        check(any(glob_match(p, key) for p in runtime["pod_annotations"]),
              f"samples/wasm-pod.yaml: annotation {key} is passed through by pod_annotations")


def check_kubectl(deploy, manifests):
    if not shutil.which("kubectl"):
        print("note: kubectl not installed, its offline decode not run")
        return
    for rel in manifests:
        r = subprocess.run(["kubectl", "label", "--local", "-o", "name", "-f",
                            os.path.join(deploy, rel), "isobox.dev/check=1"],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, f"{rel}: kubectl decodes it offline ({r.stdout.strip()}{r.stderr.strip()})")


def main(deploy):
    manifests = load_all(deploy)
    (rc,) = manifests["runtimeclass.yaml"]
    handler = rc["handler"]
    check(rc["kind"] == "RuntimeClass" and rc["apiVersion"] == "node.k8s.io/v1",
          "runtimeclass.yaml: a node.k8s.io/v1 RuntimeClass")
    runtime = check_snippets(deploy, handler)
    (ds,) = manifests["installer/daemonset.yaml"]
    check(ds["kind"] == "DaemonSet" and ds["apiVersion"] == "apps/v1", "installer/daemonset.yaml: apps/v1")
    check_daemonset(deploy, ds, rc["scheduling"]["nodeSelector"])
    check_samples(manifests, handler, runtime)
    check_kubectl(deploy, manifests)
    print(f"check_deploy: {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main(sys.argv[1])
