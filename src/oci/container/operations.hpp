// The container operations behind the runc verbs; one .cpp per operation.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/container/state.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

struct CreateOptions {
  std::string root; // --root
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;
  bool systemd_cgroup = false; // global --systemd-cgroup: ask systemd for a scope over D-Bus
  int preserve_fds = 0;
  int console_fd = -1; // an already connected console socket (used by `run` for its own pty)
};

/// A container whose init waits on exec.fifo; the init is a child of the calling process.
struct CreatedContainer {
  ContainerState state;
  Spec spec;
};

/// `create`: validates everything first, then builds state dir, cgroup and init. On any
/// failure nothing is left behind (process killed, cgroup and state dir removed).
Result<CreatedContainer> create_container(const CreateOptions &opt);

/// `start`: releases the init from exec.fifo and runs poststart hooks.
Result<> start_container(const std::string &root, const std::string &id);

/// Signal number from "KILL", "SIGKILL", "9" (runc's parser); nullopt if unknown.
std::optional<int> parse_signal(const std::string &name);

/// `kill`: signals the init, or with `all` every process of the container's cgroup.
Result<> kill_container(const std::string &root, const std::string &id, int signal, bool all);

/// `delete`: removes a stopped (or created) container; `force` kills a running one first.
Result<> delete_container(const std::string &root, const std::string &id, bool force);

/// `state`: runc's JSON.
Result<std::string> container_state_json(const std::string &root, const std::string &id);

/// All containers under root (for `list`), sorted by id; unreadable entries are skipped.
std::vector<ContainerState> list_containers(const std::string &root);

/// Pids of the container (cgroup first, the init as a fallback).
Result<std::vector<pid_t>> container_pids(const std::string &root, const std::string &id);

/// `pause` / `resume` through the cgroup freezer.
Result<> pause_container(const std::string &root, const std::string &id);
Result<> resume_container(const std::string &root, const std::string &id);

/// `update`: `update` merged into the saved resources (cgroup::merge_resources), written into
/// the cgroup (devices untouched) and saved in state.json. Created, running or paused only.
Result<> update_container(const std::string &root, const std::string &id,
                          const LinuxResources &update);

struct ExecOptions {
  std::string root;
  std::string id;
  Process process;
  std::string pid_file;
  std::string console_socket;
  bool detach = false;
  int preserve_fds = 0;
};

/// `exec`: runs process inside a running container; returns the exit code (0 when detached).
Result<int> exec_in_container(const ExecOptions &opt);

/// Waits for a child and turns its status into a shell-style exit code (128+signal).
int wait_exit_code(pid_t pid);

/// Writes a pid file atomically (runc writes it via a temp file and rename).
Result<> write_pid_file(const std::string &path, pid_t pid);

} // namespace isobox::oci
