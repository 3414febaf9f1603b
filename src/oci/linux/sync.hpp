// SyncChannel: typed messages between the runtime and a container init/exec child over a
// socketpair. Nothing unwinds across the fork: the child reports failures as an Error message.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace isobox::oci {

enum class SyncType : uint32_t {
  Go = 1,         // parent -> child: ids mapped, cgroup joined; continue
  RunHooks = 2,   // child -> parent: namespaces + mounts ready, run prestart/createRuntime hooks
  HooksDone = 3,  // parent -> child
  Ready = 4,      // child -> parent: about to wait on exec.fifo (create) or to execve (exec)
  Error = 5,      // child -> parent: payload is the error line
  PtyMaster = 6,  // child -> parent: an fd (the pty master) rides along (SCM_RIGHTS)
  ChildPid = 7,   // intermediate -> parent: payload is the decimal pid of the real child
  Committed = 8,  // parent -> child: record saved, outlive me; child -> parent: done
  WasmModule = 9, // child -> parent: the process's module file rides along; choose its code
  WasmCode = 10,  // parent -> child: "TIER ORIGIN SHA256", the object in a sealed memfd (or none)
};

struct SyncMessage {
  SyncType type = SyncType::Go;
  std::string payload;
  UniqueFd fd; // only for PtyMaster, WasmModule and WasmCode
};

/// One end of the channel (SOCK_SEQPACKET, so one send is one message).
class SyncChannel {
public:
  SyncChannel() = default;
  explicit SyncChannel(UniqueFd fd) : m_fd(std::move(fd)) {}

  /// A connected pair: [0] for the parent, [1] for the child.
  static Result<std::pair<SyncChannel, SyncChannel>> make_pair();

  Result<> send(SyncType type, std::string_view payload = {}, int fd = -1);
  /// Blocks for the next message; EOF (peer exited) is an Error "child exited ...".
  Result<SyncMessage> receive();
  /// Receives and requires `type`; an Error message from the peer becomes this Result's error.
  Result<SyncMessage> expect(SyncType type);

  [[nodiscard]] int fd() const { return m_fd.get(); }
  void close() { m_fd.reset(); }

private:
  UniqueFd m_fd;
};

/// Sends the pty master over a `--console-socket` connection (runc's protocol: SCM_RIGHTS).
Result<> send_console_fd(int socket, int master);

} // namespace isobox::oci
