#!/usr/bin/env python3
"""Issue 9 item 9: inetd-style socket activation. stdin and stdout of `isobox wasm run` are one end
of a socketpair; the guest echoes with sock_recv on fd 0 and sock_send on fd 1, which the engine's
seccomp filter used to refuse (EPERM, exit 163). Confined, the echo must arrive and the guest exit 0.
usage: run_socket_stdio.py ISOBOX WAT2WASM sock_echo_stdio.wat"""
import os
import socket
import subprocess
import sys
import tempfile

isobox, wat2wasm, wat = sys.argv[1:4]
with tempfile.TemporaryDirectory(prefix="isobox-sock-stdio-") as tmp:
    module = os.path.join(tmp, "m.wasm")
    subprocess.run([wat2wasm, wat, "-o", module], check=True)
    ours, theirs = socket.socketpair()
    ours.sendall(b"ping")
    proc = subprocess.run([isobox, "wasm", "run", module], stdin=theirs, stdout=theirs,
                          stderr=subprocess.PIPE, timeout=30)
    theirs.close()
    ours.settimeout(5)
    echo = ours.recv(16) if proc.returncode == 0 else b""
    print(f"exit {proc.returncode}, echo {echo!r}, stderr {proc.stderr.decode()!r}")
    sys.exit(0 if proc.returncode == 0 and echo == b"ping" else 1)
