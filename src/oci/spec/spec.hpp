// OCI runtime-spec config.json as typed structs (runtime-spec v1.1 config.md / config-linux.md).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace isobox::oci {

/// process.user (config.md "POSIX-platform User").
struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
};

/// process.rlimits[] ("RLIMIT_NOFILE", hard, soft).
struct Rlimit {
  std::string type;
  uint64_t hard = 0;
  uint64_t soft = 0;
};

/// process.capabilities: capability names as in the spec ("CAP_CHOWN", ...).
struct LinuxCapabilities {
  std::vector<std::string> bounding;
  std::vector<std::string> effective;
  std::vector<std::string> inheritable;
  std::vector<std::string> permitted;
  std::vector<std::string> ambient;
};

struct ConsoleSize {
  unsigned height = 0;
  unsigned width = 0;
};

/// config.md "process"; also the whole of `exec --process process.json`.
struct Process {
  bool terminal = false;
  std::optional<ConsoleSize> console_size;
  User user;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd = "/";
  std::optional<LinuxCapabilities> capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
  std::string apparmor_profile;
  std::optional<int> oom_score_adj;
  std::string selinux_label;
};

struct Root {
  std::string path;
  bool readonly = false;
};

/// linux.uidMappings / gidMappings entry.
struct IdMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
};

/// mounts[] (config.md "Mounts"); options are the spec's strings ("ro", "rbind", "rprivate", ...).
struct Mount {
  std::string destination;
  std::string type;
  std::string source;
  std::vector<std::string> options;
};

/// One hook (config.md "POSIX-platform Hooks").
struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;
};

struct Hooks {
  std::vector<Hook> prestart; // deprecated in the spec, still run (after createRuntime order)
  std::vector<Hook> create_runtime;
  std::vector<Hook> create_container;
  std::vector<Hook> start_container;
  std::vector<Hook> poststart;
  std::vector<Hook> poststop;
};

enum class NamespaceType { Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time };

/// linux.namespaces[]: an empty path creates a new namespace, a path joins one with setns.
struct LinuxNamespace {
  NamespaceType type = NamespaceType::Pid;
  std::string path;
};

/// linux.devices[] (config-linux.md "Devices").
struct LinuxDevice {
  std::string path;
  char type = 'c'; // 'c', 'b', 'u' or 'p'
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

/// linux.resources.devices[] (device cgroup rule).
struct LinuxDeviceCgroup {
  bool allow = false;
  std::string type; // "a", "c", "b" or empty (= all)
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::string access; // subset of "rwm"
};

struct LinuxMemory {
  std::optional<int64_t> limit;
  std::optional<int64_t> reservation;
  std::optional<int64_t> swap;
  std::optional<int64_t> kernel;
  std::optional<int64_t> kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;
  std::optional<bool> use_hierarchy;
};

struct LinuxCpu {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::string cpus;
  std::string mems;
  std::optional<int64_t> idle;
};

struct LinuxPids {
  int64_t limit = 0;
};

struct LinuxWeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
};

struct LinuxThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
};

struct LinuxBlockIO {
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  std::vector<LinuxWeightDevice> weight_device;
  std::vector<LinuxThrottleDevice> throttle_read_bps_device;
  std::vector<LinuxThrottleDevice> throttle_write_bps_device;
  std::vector<LinuxThrottleDevice> throttle_read_iops_device;
  std::vector<LinuxThrottleDevice> throttle_write_iops_device;
};

struct LinuxHugepageLimit {
  std::string page_size; // "2MB"
  uint64_t limit = 0;
};

/// linux.resources.network: net_cls class id and net_prio per-interface priorities (cgroup v1).
struct LinuxInterfacePriority {
  std::string name;
  uint32_t priority = 0;
};
struct LinuxNetwork {
  std::optional<uint32_t> class_id;
  std::vector<LinuxInterfacePriority> priorities;
};

/// linux.resources (config-linux.md "Control groups"); filled into a cgroup by CgroupManager.
struct LinuxResources {
  std::vector<LinuxDeviceCgroup> devices;
  std::optional<LinuxMemory> memory;
  std::optional<LinuxCpu> cpu;
  std::optional<LinuxPids> pids;
  std::optional<LinuxBlockIO> block_io;
  std::vector<LinuxHugepageLimit> hugepage_limits;
  std::optional<LinuxNetwork> network;
  std::map<std::string, std::string> unified; // cgroup v2 file name -> value
};

/// linux.seccomp.syscalls[].args[] ("op" is SCMP_CMP_EQ etc.).
struct LinuxSeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;
};

/// linux.seccomp.syscalls[] ("action" is SCMP_ACT_ERRNO etc.).
struct LinuxSyscall {
  std::vector<std::string> names;
  std::string action;
  std::optional<uint32_t> errno_ret;
  std::vector<LinuxSeccompArg> args;
};

/// linux.seccomp (config-linux.md "Seccomp"); turned into a filter by install_seccomp().
struct LinuxSeccomp {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures; // "SCMP_ARCH_X86_64", ...
  std::vector<std::string> flags;         // "SECCOMP_FILTER_FLAG_LOG", ...
  std::string listener_path;
  std::string listener_metadata;
  std::vector<LinuxSyscall> syscalls;
};

/// config-linux.md "linux" object.
struct Linux {
  std::vector<LinuxNamespace> namespaces;
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
  std::vector<LinuxDevice> devices;
  std::string cgroups_path;
  std::optional<LinuxResources> resources;
  std::map<std::string, std::string> sysctl;
  std::optional<LinuxSeccomp> seccomp;
  std::string rootfs_propagation;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::string mount_label;
};

/// The whole config.json.
struct Spec {
  std::string oci_version;
  Root root;
  std::optional<Process> process;
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;
  Hooks hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux;

  /// True when linux.namespaces has an entry of this type.
  [[nodiscard]] bool has_namespace(NamespaceType type) const;
};

/// Spec name of a namespace type ("pid", "network", ...).
const char *namespace_type_name(NamespaceType type);

} // namespace isobox::oci
