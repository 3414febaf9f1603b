// The terminal side of `run` without --console-socket: run owns the pty master and stands
// between it and the caller's terminal, as `runc run` does.
#pragma once

namespace isobox::oci {

/// The first of stdin, stdout, stderr that is a terminal, or -1.
int host_terminal();

/// Copies the window size of terminal `tty` to the pty `master` (TIOCGWINSZ -> TIOCSWINSZ);
/// the kernel then sends SIGWINCH to the container's foreground process group if it changed.
/// Does nothing when `tty` is -1 or has no size.
void copy_window_size(int tty, int master);

/// Copies stdin to `master` and `master` to stdout until the container side hangs up, with
/// the caller's terminal in raw mode meanwhile (the container's pty does the line discipline).
/// Each byte readable on `winch_fd` (written by a SIGWINCH handler) means the caller's
/// terminal was resized: its size is copied to `master` again. `winch_fd` may be -1.
void proxy_pty(int master, int winch_fd);

} // namespace isobox::oci
