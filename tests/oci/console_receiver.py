#!/usr/bin/env python3
"""Console socket peer for OCI tests: receives the pty master (SCM_RIGHTS) that a runtime sends
for --tty/--console-socket and copies everything read from it to a file until the pty closes."""
import os
import signal
import socket
import sys

sock_path, out_path = sys.argv[1], sys.argv[2]
signal.alarm(30)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(sock_path)
server.listen(1)
server.settimeout(20)
conn, _ = server.accept()
_, fds, _, _ = socket.recv_fds(conn, 1024, 1)
if not fds:
    sys.exit("no fd received")
master = fds[0]
with open(out_path, "wb") as out:
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO once the last slave fd closes
            break
        if not data:
            break
        out.write(data)
        out.flush()
