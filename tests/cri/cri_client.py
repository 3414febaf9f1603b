# cri_client.py: a small kubelet stand-in over containerd's CRI (runtime.v1) for the CRI tests:
# pod and container configs, run/create/start/wait/stop/remove, log reading, and the
# "nothing left behind" check after a pod is removed.
import glob
import os
import sys
import time

import grpc

RUNNING, EXITED = 1, 2  # runtime.v1 ContainerState
NODE = 2  # runtime.v1 NamespaceMode NODE (host network)


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


class Cri:
    def __init__(self, sock, stubs, workdir, cgroup, handler):
        sys.path.insert(0, stubs)
        import api_pb2
        import api_pb2_grpc

        self.pb = api_pb2
        channel = grpc.insecure_channel("unix://" + sock)
        self.rt = api_pb2_grpc.RuntimeServiceStub(channel)
        self.workdir = workdir
        self.cgroup = cgroup
        self.handler = handler
        self.seq = 0

    def pod_config(self, name, annotations=None, hostname=""):
        """Host network unless a hostname is given (then a pod network through CNI)."""
        pb = self.pb
        self.seq += 1
        uid = f"{name}-{os.getpid()}-{self.seq}"
        logdir = os.path.join(self.workdir, "pods", uid)
        os.makedirs(logdir, exist_ok=True)
        network = pb.POD if hostname else NODE
        ns = pb.NamespaceOption(network=network, pid=pb.CONTAINER, ipc=pb.POD)
        linux = pb.LinuxPodSandboxConfig(
            cgroup_parent=f"/{self.cgroup}/{uid}",
            security_context=pb.LinuxSandboxSecurityContext(namespace_options=ns))
        return pb.PodSandboxConfig(
            metadata=pb.PodSandboxMetadata(name=name, uid=uid, namespace="isobox-test"),
            hostname=hostname,  # empty for host network (host UTS), as the kubelet sends
            log_directory=logdir, linux=linux,
            annotations=annotations or {})

    def pod_status(self, pod_id):
        req = self.pb.PodSandboxStatusRequest(pod_sandbox_id=pod_id, verbose=True)
        return self.rt.PodSandboxStatus(req, timeout=30)

    def run_pod(self, config):
        req = self.pb.RunPodSandboxRequest(config=config, runtime_handler=self.handler)
        return self.rt.RunPodSandbox(req, timeout=60).pod_sandbox_id

    def create(self, pod_id, pod_config, name, image, args, memory=0, security=None):
        pb = self.pb
        resources = pb.LinuxContainerResources(memory_limit_in_bytes=memory)
        config = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=name), image=pb.ImageSpec(image=image),
            args=args, log_path=f"{name}.log",
            linux=pb.LinuxContainerConfig(resources=resources, security_context=security))
        req = pb.CreateContainerRequest(pod_sandbox_id=pod_id, config=config,
                                        sandbox_config=pod_config)
        return self.rt.CreateContainer(req, timeout=60).container_id

    def start(self, cid):
        self.rt.StartContainer(self.pb.StartContainerRequest(container_id=cid), timeout=60)

    def status(self, cid):
        req = self.pb.ContainerStatusRequest(container_id=cid)
        return self.rt.ContainerStatus(req, timeout=30).status

    def wait_exit(self, cid, timeout=30.0, poll=0.005):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.status(cid)
            if st.state == EXITED:
                return st
            time.sleep(poll)
        raise Fail(f"container {cid[:12]} did not exit in {timeout}s")

    def run_to_exit(self, pod_id, pod_config, name, image, args, **kw):
        cid = self.create(pod_id, pod_config, name, image, args, **kw)
        self.start(cid)
        return cid, self.wait_exit(cid)

    def exec_sync(self, cid, cmd, timeout=10):
        req = self.pb.ExecSyncRequest(container_id=cid, cmd=cmd, timeout=timeout)
        return self.rt.ExecSync(req, timeout=timeout + 10)

    def stats(self, cid):
        req = self.pb.ContainerStatsRequest(container_id=cid)
        return self.rt.ContainerStats(req, timeout=30).stats

    def update_cpu_quota(self, cid, quota):
        resources = self.pb.LinuxContainerResources(cpu_period=100000, cpu_quota=quota)
        req = self.pb.UpdateContainerResourcesRequest(container_id=cid, linux=resources)
        self.rt.UpdateContainerResources(req, timeout=30)

    def stop_container(self, cid, timeout=1):
        req = self.pb.StopContainerRequest(container_id=cid, timeout=timeout)
        self.rt.StopContainer(req, timeout=60)

    def restricted(self):
        """A restricted container security context: RuntimeDefault seccomp, uid 65534, ro rootfs."""
        pb = self.pb
        return pb.LinuxContainerSecurityContext(
            seccomp=pb.SecurityProfile(profile_type=pb.SecurityProfile.RuntimeDefault),
            run_as_user=pb.Int64Value(value=65534), readonly_rootfs=True)

    def teardown(self, pod_id):
        self.rt.StopPodSandbox(self.pb.StopPodSandboxRequest(pod_sandbox_id=pod_id), timeout=60)
        self.rt.RemovePodSandbox(self.pb.RemovePodSandboxRequest(pod_sandbox_id=pod_id),
                                 timeout=60)

    def pods(self):
        return self.rt.ListPodSandbox(self.pb.ListPodSandboxRequest(), timeout=30).items


def read_log(path):
    """The CRI log file as (stream, text) lines: "TIMESTAMP STREAM TAG TEXT"."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 3)
            if len(parts) == 4:
                out.append((parts[1], parts[3]))
    return out


def leftovers(ids, cgroup, state_dirs):
    """What is left of the given pod/container ids: processes, mounts, cgroups, state dirs."""
    found = []
    for proc in glob.glob("/proc/[0-9]*"):
        try:
            with open(proc + "/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
            with open(proc + "/cgroup", encoding="utf-8") as f:
                cg = f.read()
        except OSError:
            continue
        if any(i in cmd for i in ids) or f"/{cgroup}/" in cg:
            found.append(f"process {proc[6:]}: {cmd.replace(chr(0), ' ')[:80]}")
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            if any(i in line for i in ids):
                found.append("mount " + line.split()[4])
    for i in ids:
        found += ["cgroup " + p for p in glob.glob(f"/sys/fs/cgroup/*/{cgroup}/*/{i}")]
        found += ["cgroup " + p for p in glob.glob(f"/sys/fs/cgroup/{cgroup}/*/{i}")]
        for d in state_dirs:
            if os.path.exists(os.path.join(d, i)):
                found.append("state " + os.path.join(d, i))
    return found


def wait_for(cond, what, timeout=20.0):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise Fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def wait_gone(ids, cgroup, state_dirs, timeout=10.0):
    end = time.monotonic() + timeout
    while True:
        left = leftovers(ids, cgroup, state_dirs)
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.05)
