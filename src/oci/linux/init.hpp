// The container init: the cloned child that builds the container around itself, waits on
// exec.fifo and execs process.args (runc's "standard init").
#pragma once

#include <string>
#include <vector>

#include "oci/linux/namespaces.hpp"
#include "oci/linux/rootfs.hpp"
#include "oci/linux/sync.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Everything the init needs; lives in the parent's memory, which the clone copied.
struct InitArgs {
  const Spec *spec = nullptr;
  RootfsOptions rootfs;
  SyncChannel channel;     // the child's end
  int parent_fd = -1;      // the parent's end, which the child closes (EOF = parent gone)
  int fifo_fd = -1;        // O_PATH fd of <state>/exec.fifo
  int state_dir_fd = -1;   // O_PATH fd of <state>: the init unlinks exec.fifo when released
  int console_socket = -1; // connected --console-socket, or -1
  int preserve_fds = 0;
  int unshare_flags = 0; // namespaces still to create after clone
  bool no_new_keyring = false;
  const std::vector<NamespaceJoin> *joins = nullptr;
  std::string start_hook_state; // filled by the init: stdin of the startContainer hooks
};

/// Runs in the child after clone; never returns (execs the container process or _exits after
/// sending an Error message to the parent).
[[noreturn]] void run_init(InitArgs &args);

} // namespace isobox::oci
