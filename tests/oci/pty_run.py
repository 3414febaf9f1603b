#!/usr/bin/env python3
"""Runs a command on a fresh pty, as a person at a terminal would, to test `run` with
process.terminal and no --console-socket (the runtime proxies the pty and must pass window
size changes on).

    pty_run.py ROWSxCOLS NEWROWSxNEWCOLS STOPFILE -- CMD...

The pty starts at ROWSxCOLS. Once the output shows "ROWS COLS" (the container's `stty size`),
the terminal is resized to NEWROWSxNEWCOLS (the kernel sends SIGWINCH to the command, the
foreground process group) and SIGWINCH is also sent to the command directly. Once the output
shows the new size, STOPFILE is created so the container's loop ends. Everything read from the
pty goes to stdout; the exit code is the command's, or 124 if a step timed out."""
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time


def set_size(fd, size):
    rows, cols = (int(x) for x in size.split("x"))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return f"{rows} {cols}"


def take_tty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def main():
    first, second, stop_file = sys.argv[1:4]
    cmd = sys.argv[sys.argv.index("--") + 1 :]
    master, slave = os.openpty()
    want_first = set_size(slave, first)
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, preexec_fn=take_tty)
    os.close(slave)
    out = b""
    step = 0  # 0: waiting for the first size, 1: for the second, 2: for the end
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every slave fd is closed
                data = b""
            if not data:
                break
            out += data
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        text = out.decode(errors="replace")
        if step == 0 and want_first in text:
            want_second = set_size(master, second)
            os.kill(proc.pid, signal.SIGWINCH)
            step = 1
        elif step == 1 and want_second in text:
            open(stop_file, "w").close()
            step = 2
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = 124
    if step < 2:
        print(f"\npty_run: timed out at step {step}", file=sys.stderr)
        rc = rc or 124
    sys.exit(rc)


if __name__ == "__main__":
    main()
