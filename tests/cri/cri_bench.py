# cri_bench.py: startup through the CRI, RunPodSandbox to container exit, of a hello-world
# container: Wasm (wasm32-wasi) and native (static) on handler isobox, native on handler runc.
# Each run: RunPodSandbox, CreateContainer, StartContainer, poll ContainerStatus (2 ms) until
# exited; the pod is then stopped and removed outside the timed span. Prints medians.
#   cri_bench.py SOCK STUBS WORKDIR CGROUP RUNS
import statistics
import sys
import time

import grpc

from cri_client import Cri, Fail, check, read_log

CASES = [("wasm", "isobox", "isobox.test/hello-wasm:cri"),
         ("native", "isobox", "isobox.test/hello-native:cri"),
         ("native", "runc", "isobox.test/hello-native:cri")]


def one_run(cri, image):
    config = cri.pod_config("bench")
    t0 = time.monotonic()
    pod_id = cri.run_pod(config)
    cid = cri.create(pod_id, config, "hello", image, [])
    cri.start(cid)
    st = cri.wait_exit(cid, poll=0.002)
    elapsed = time.monotonic() - t0
    lines = read_log(f"{config.log_directory}/hello.log")
    check(st.exit_code == 0 and ("stdout", "hello") in lines,
          f"{image}: exit {st.exit_code}, log {lines}")
    cri.teardown(pod_id)
    return elapsed


def main():
    sock, stubs, workdir, cgroup, runs = sys.argv[1:6]
    clients = {h: Cri(sock, stubs, workdir, cgroup, h) for h in ("isobox", "runc")}
    times = {case: [] for case in CASES}
    try:
        for _ in range(int(runs)):
            for case in CASES:  # interleaved, so load changes hit every case alike
                times[case].append(one_run(clients[case[1]], case[2]))
    except (Fail, grpc.RpcError) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        return 1
    print(f"CRI RunPodSandbox -> container exit, hello world, {runs} runs each")
    print("| workload | handler | median | min | max |")
    print("|----------|---------|--------|-----|-----|")
    for (kind, handler, _), t in times.items():
        print(f"| {kind} | {handler} | {statistics.median(t) * 1e3:.1f} ms "
              f"| {min(t) * 1e3:.1f} ms | {max(t) * 1e3:.1f} ms |")
    wasm, native = (statistics.median(times[c]) for c in CASES[:2])
    print(f"ratio Wasm/native (isobox): {wasm / native:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
