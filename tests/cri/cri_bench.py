# cri_bench.py: startup through the CRI, RunPodSandbox to container exit, of a hello-world
# container: Wasm (wasm32-wasi) and native (static) on handler isobox, native on handler runc.
# Each run: RunPodSandbox, CreateContainer, StartContainer, poll ContainerStatus (2 ms) until
# exited; the pod is then stopped and removed outside the timed span. Prints medians, also per
# phase (the per-phase medians need not add up to the total's median).
#   cri_bench.py SOCK STUBS WORKDIR CGROUP RUNS
import statistics
import sys
import time

import grpc

from cri_client import Cri, Fail, check, read_log

CASES = [("wasm", "isobox", "isobox.test/hello-wasm:cri"),
         ("native", "isobox", "isobox.test/hello-native:cri"),
         ("native", "runc", "isobox.test/hello-native:cri")]


PHASES = ("RunPodSandbox", "CreateContainer", "StartContainer", "start to exit seen")


def one_run(cri, image):
    """Seconds of each phase of one run, in PHASES order (their sum is the run)."""
    config = cri.pod_config("bench")
    marks = [time.monotonic()]
    pod_id = cri.run_pod(config)
    marks.append(time.monotonic())
    cid = cri.create(pod_id, config, "hello", image, [])
    marks.append(time.monotonic())
    cri.start(cid)
    marks.append(time.monotonic())
    st = cri.wait_exit(cid, poll=0.002)
    marks.append(time.monotonic())
    lines = read_log(f"{config.log_directory}/hello.log")
    check(st.exit_code == 0 and ("stdout", "hello") in lines,
          f"{image}: exit {st.exit_code}, log {lines}")
    cri.teardown(pod_id)
    return [b - a for a, b in zip(marks, marks[1:])]


def ms(values):
    return f"{statistics.median(values) * 1e3:.1f} ms"


def report(runs, times):
    print(f"CRI RunPodSandbox -> container exit, hello world, {runs} runs each")
    print("| workload | handler | median | min | max | " + " | ".join(PHASES) + " |")
    print("|---" * (5 + len(PHASES)) + "|")
    for (kind, handler, _), samples in times.items():
        total = [sum(p) for p in samples]
        phases = " | ".join(ms([p[i] for p in samples]) for i in range(len(PHASES)))
        print(f"| {kind} | {handler} | {ms(total)} | {min(total) * 1e3:.1f} ms "
              f"| {max(total) * 1e3:.1f} ms | {phases} |")
    wasm, native = (statistics.median(sum(p) for p in times[c]) for c in CASES[:2])
    print(f"ratio Wasm/native (isobox): {wasm / native:.2f}")


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
    report(runs, times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
