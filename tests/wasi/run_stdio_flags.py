#!/usr/bin/env python3
"""Issue 9 item 7: WASI stdio are dup()s of the caller's fds, so a guest's fd_fdstat_set_flags
changes the caller's open file descriptions. Runs a guest that sets O_NONBLOCK on stdin (a pipe
the test keeps) and O_APPEND on stdout (a file the test keeps), ending it in each way a run can
end, and checks the test's own descriptions afterwards.
usage: run_stdio_flags.py ISOBOX WAT2WASM stdio_flags.wat"""
import fcntl
import os
import subprocess
import sys
import tempfile

isobox, wat2wasm, wat = sys.argv[1:4]
CASES = [  # export, extra flags, expected exit status
    ("ret", [], 0), ("trap", [], 134), ("exit", [], 3),
    ("spin", ["--timeout", "200ms"], 134), ("block", ["--timeout", "200ms"], 134),
]
failed = 0
with tempfile.TemporaryDirectory(prefix="isobox-stdio-flags-") as tmp:
    module = os.path.join(tmp, "m.wasm")
    subprocess.run([wat2wasm, wat, "-o", module], check=True)
    for export, flags, want in CASES:
        r, w = os.pipe()
        with open(os.path.join(tmp, "out"), "w") as out:
            before = (fcntl.fcntl(r, fcntl.F_GETFL), fcntl.fcntl(out.fileno(), fcntl.F_GETFL))
            rc = subprocess.run([isobox, "wasm", "run", *flags, module, "--invoke", export],
                                stdin=r, stdout=out, stderr=subprocess.DEVNULL, timeout=30).returncode
            after = (fcntl.fcntl(r, fcntl.F_GETFL), fcntl.fcntl(out.fileno(), fcntl.F_GETFL))
        os.close(r)
        os.close(w)
        ok = rc == want and before == after
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {export}: exit {rc} (want {want}); stdin flags "
              f"{before[0]:#o} -> {after[0]:#o}, stdout flags {before[1]:#o} -> {after[1]:#o}")
sys.exit(1 if failed else 0)
