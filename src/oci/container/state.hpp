// Container state: <root>/<id>/state.json, the status machine and runc's `state` JSON.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Partial: a create that died before the handoff (its record says "creating" and the process that
/// wrote it is gone); only `delete` applies to it.
enum class ContainerStatus { Creating, Created, Running, Paused, Stopped, Partial };

/// "creating", "created", "running", "paused", "stopped" (runtime-spec runtime.md "State"), and
/// isobox's "partial".
const char *status_name(ContainerStatus status);

/// What the runtime remembers about a container between invocations.
struct ContainerState {
  std::string id;
  pid_t pid = 0;                    // host pid of the init
  unsigned long long pid_start = 0; // /proc/<pid>/stat starttime: guards against pid reuse
  std::string bundle;
  std::string rootfs;
  std::string created; // RFC 3339 with nanoseconds, UTC
  uid_t owner = 0;
  std::map<std::string, std::string> annotations;
  std::string cgroup_path;     // as passed to make_cgroup_manager
  LinuxResources resources;    // linux.resources as created and then updated (no devices)
  bool systemd_cgroup = false; // --systemd-cgroup at create: the cgroup is a systemd scope
  // Crash consistency: create saves this record before it makes a cgroup or a process, so a
  // killed create leaves a state a later `delete --force` can undo (docs/crash-consistency.md).
  bool creating = false;                   // until create handed the container over
  pid_t creator_pid = 0;                   // the create/run process that wrote the record
  unsigned long long creator_start = 0;    // its /proc starttime
  std::vector<std::string> cgroup_created; // cgroup dirs create made: the only ones delete
                                           // kills in and removes (a pre-existing one is not ours)
  std::string state_dir;                   // <root>/<id> (not saved; filled on load)
};

/// Container ids: [A-Za-z0-9][A-Za-z0-9_.+-]* up to 1024 chars (runc's rule), no path tricks.
Result<> validate_id(const std::string &id);

/// <root>/<id>.
std::string state_dir(const std::string &root, const std::string &id);

/// Writes state.json atomically (temp file + rename).
Result<> save_state(const ContainerState &state);

/// Makes <root>/<id> holding `state`'s record in one step (a temp dir renamed into place), so a
/// state dir never lacks its state.json; "container <id> already exists" if the id is taken.
Result<> claim_state_dir(const std::string &root, ContainerState &state);

/// Reads <root>/<id>/state.json; a missing container is "container <id> does not exist". A dir
/// without a readable state.json (an older isobox killed mid-create) loads as a partial record.
Result<ContainerState> load_state(const std::string &root, const std::string &id);

/// Status computed from the living system: init gone or zombie -> stopped; exec.fifo present ->
/// created; cgroup frozen -> paused; else running.
ContainerStatus current_status(const ContainerState &state);

/// True when pid is alive (not a zombie) and still the process started at `start`.
bool process_alive(pid_t pid, unsigned long long start);

/// The start time field of /proc/<pid>/stat, 0 if unreadable.
unsigned long long process_start_time(pid_t pid);

/// runc's `state` output (indented JSON): ociVersion, id, pid, status, bundle, rootfs,
/// created, owner, annotations. pid is 0 when stopped.
std::string state_json(const ContainerState &state, ContainerStatus status);

/// The runtime-spec state document given to hooks on stdin (ociVersion, id, status, pid,
/// bundle, annotations).
std::string hook_state_json(const ContainerState &state, ContainerStatus status);

/// Current time as RFC 3339 with nanoseconds ("2026-11-25T04:26:16.123456789Z").
std::string rfc3339_now();

} // namespace isobox::oci
