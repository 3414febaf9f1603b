#!/usr/bin/env python3
"""Checks an `isobox eval` report: results.json is complete and honest, and report.html, loaded
in headless Chromium, has non-empty charts whose figures match results.json.

usage: check_report.py OUT_DIR [--require B1,B2...] [--merged RESULTS.json...]
       (exit 77 when chromium is missing; --require: those backends must have run, not been skipped)
Writes OUT_DIR/report.png (a screenshot) and OUT_DIR/report.dom.html (Chromium's DOM).
"""
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

SCHEMA_VERSION = 2  # kSchemaVersion in src/eval/results.hpp: what this isobox writes
BACKENDS = ["native", "isobox-container", "isobox-container-seccomp", "runc", "crun", "isobox-wasm",
            "isobox-wasm-aot", "isobox-wasm-container", "node-wasi"]


def fail(msg):
    print(f"check_report: FAIL: {msg}")
    sys.exit(1)


def fmt_ms(ms):
    if not ms > 0:
        return "-"
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def expected_keys(res, suffix=""):
    """The figures the report must show, recomputed here from results.json."""
    bench = res["sections"]["bench"]
    keys = {}
    for b in res["backends"]:
        if not b["available"]:
            continue
        name = b["name"]
        ms = [m for m in bench["measurements"] if m["backend"] == name]
        hello = [m for m in ms if m["workload"] == "hello" and m["ok"]]
        if hello:
            keys[f"startup_ms/{name}{suffix}"] = fmt_ms(hello[0]["summary"]["median"] * 1000)
            if hello[0]["peak_rss_kib"] > 0:
                keys[f"rss_mib/{name}{suffix}"] = f"{hello[0]['peak_rss_kib'] / 1024:.1f}"
        ratios = [1.0 if name == "native" else m["ratio_median"]
                  for m in ms if m["kind"] == "compute" and m["ok"]]
        if ratios:
            geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            keys[f"geomean/{name}{suffix}"] = f"{geo:.2f}"
        for d in bench["density"]:
            if d["backend"] == name and d["ok"] and d["fits"] > 0:
                keys[f"density/{name}{suffix}"] = str(d["fits"])
        if not suffix:
            for m in bench.get("instantiate", []):
                if m["backend"] == name and m["ok"]:
                    keys[f"instantiate_ms/{name}"] = fmt_ms(m["summary"]["median"] * 1000)
            for m in ms:
                if m["kind"] == "compute" and m["ok"] and name != "native":
                    keys[f"ratio/{name}/{m['workload']}"] = f"{m['ratio_median']:.2f}x"
    return keys


def check_required(res, required):
    """Backends that need nothing beyond root and this build must have run."""
    for b in res["backends"]:
        if b["name"] in required and not b["available"]:
            fail(f"backend {b['name']} skipped ({b['skip_reason']}), but it is required here")


def check_results(res):
    if res.get("schema") != "isobox-eval" or res.get("version") != SCHEMA_VERSION:
        fail("results.json: wrong schema or version")
    names = [b["name"] for b in res["backends"]]
    if names != BACKENDS:
        fail(f"results.json: backends {names}, expected every one listed: {BACKENDS}")
    for b in res["backends"]:
        if not b["available"] and not b["skip_reason"]:
            fail(f"backend {b['name']} skipped without a reason")
        if b["available"] and not (b["version"] and b["command"]):
            fail(f"backend {b['name']}: no version or command recorded")
    bench = res["sections"]["bench"]
    bad = [f"{m['backend']}/{m['workload']}: {m['error']}"
           for m in bench["measurements"] + bench.get("instantiate", []) if not m["ok"]]
    if bad:
        fail("failed measurements: " + "; ".join(bad))
    for m in bench["measurements"]:
        # A static hello needs well under 2 MiB; more means the figure includes the harness's
        # own RSS (inherited at exec when the harness spawns the workload directly).
        if m["backend"] == "native" and m["workload"] == "hello" and \
                not 0 < m["peak_rss_kib"] < 2048:
            fail(f"native hello peak RSS {m['peak_rss_kib']} KiB: not the program's own")
        if len(m["samples_s"]) != bench["samples"]:
            fail(f"{m['backend']}/{m['workload']}: {len(m['samples_s'])} samples")
        if m["backend"] != "native" and len(m["ratios"]) != bench["samples"]:
            fail(f"{m['backend']}/{m['workload']}: ratios not paired")


class Dom(HTMLParser):
    """Collects data-key cells and, per <svg class="chart">, how many marks it draws."""

    def __init__(self):
        super().__init__()
        self.cells, self.charts, self.key, self.text = {}, [], None, ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in a.get("class", ""):
            self.charts.append(0)
        if tag in ("rect", "circle", "path") and a.get("class") in ("bar", "pt", "curve"):
            self.charts[-1] += 1
        if tag == "td" and "data-key" in a:
            self.key, self.text = a["data-key"], ""

    def handle_data(self, data):
        if self.key:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "td" and self.key:
            self.cells[self.key] = self.text.strip()
            self.key = None


def chromium(args, profile):
    base = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            f"--user-data-dir={profile}"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120)


def main(argv):
    out = argv[0]
    required = []
    if len(argv) > 2 and argv[1] == "--require":
        required = argv[2].split(",")
        argv = argv[:1] + argv[3:]
    merged = argv[2:] if len(argv) > 1 and argv[1] == "--merged" else None
    if merged:
        expected = {}
        for i, path in enumerate(merged):
            with open(path) as f:
                expected.update(expected_keys(json.load(f), f"/{i}"))
    else:
        with open(os.path.join(out, "results.json")) as f:
            res = json.load(f)
        check_results(res)
        check_required(res, required)
        expected = expected_keys(res)
    if not shutil.which("chromium"):
        print("check_report: chromium missing (scripts/install-deps.sh installs it)")
        sys.exit(77)
    page = "file://" + os.path.abspath(os.path.join(out, "report.html"))
    with tempfile.TemporaryDirectory() as profile:
        dom = chromium(["--dump-dom", page], profile)
        shot = os.path.join(out, "report.png")
        chromium(["--window-size=1200,6400", f"--screenshot={shot}", page], profile)
    if dom.returncode != 0 or "</html>" not in dom.stdout:
        fail(f"chromium --dump-dom failed: {dom.stderr[-500:]}")
    with open(os.path.join(out, "report.dom.html"), "w") as f:
        f.write(dom.stdout)
    if not os.path.exists(shot) or os.path.getsize(shot) < 20000:
        fail("no screenshot (or an empty one)")
    parsed = Dom()
    parsed.feed(dom.stdout)
    if not parsed.charts or min(parsed.charts) == 0:
        fail(f"empty chart(s): marks per chart {parsed.charts}")
    for key, want in expected.items():
        got = parsed.cells.get(key)
        if got is None or not got.startswith(want):
            fail(f"report shows {key} = {got!r}, results.json says {want!r}")
    print(f"check_report: ok: {len(parsed.charts)} charts ({sum(parsed.charts)} marks), "
          f"{len(expected)} figures match results.json; screenshot {shot}")


if __name__ == "__main__":
    main(sys.argv[1:])
