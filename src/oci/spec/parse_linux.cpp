// Parser for config.json's "linux" object (config-linux.md): namespaces, ids, devices,
// resources, seccomp, masked/readonly paths.
#include "oci/spec/parse_detail.hpp"

namespace isobox::oci::detail {
namespace {

NamespaceType namespace_type(const std::string &name, const std::string &path) {
  static const std::pair<const char *, NamespaceType> kTypes[] = {
      {"pid", NamespaceType::Pid},       {"network", NamespaceType::Network},
      {"mount", NamespaceType::Mount},   {"ipc", NamespaceType::Ipc},
      {"uts", NamespaceType::Uts},       {"user", NamespaceType::User},
      {"cgroup", NamespaceType::Cgroup}, {"time", NamespaceType::Time}};
  for (const auto &[n, t] : kTypes)
    if (name == n)
      return t;
  fail(path, "unknown namespace type \"" + name + "\"");
}

LinuxNamespace parse_namespace(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  const auto *type = member(v, "type");
  if (!type)
    fail(child(path, "type"), "missing");
  LinuxNamespace ns;
  ns.type = namespace_type(as_string(*type, child(path, "type")), child(path, "type"));
  opt_string(v, "path", path, ns.path);
  return ns;
}

IdMapping parse_id_mapping(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  IdMapping m;
  std::optional<uint32_t> c, h, s;
  opt_int(v, "containerID", path, c);
  opt_int(v, "hostID", path, h);
  opt_int(v, "size", path, s);
  if (!c || !h || !s)
    fail(path, "containerID, hostID and size are required");
  m.container_id = *c;
  m.host_id = *h;
  m.size = *s;
  return m;
}

LinuxDevice parse_device(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxDevice d;
  opt_string(v, "path", path, d.path);
  std::string type;
  opt_string(v, "type", path, type);
  if (type != "c" && type != "b" && type != "u" && type != "p")
    fail(child(path, "type"), "expected one of c, b, u, p");
  d.type = type[0];
  std::optional<int64_t> major, minor;
  opt_int(v, "major", path, major);
  opt_int(v, "minor", path, minor);
  if (d.type != 'p' && (!major || !minor))
    fail(path, "major and minor are required for a c/b/u device");
  d.major = major.value_or(0);
  d.minor = minor.value_or(0);
  opt_int(v, "fileMode", path, d.file_mode);
  opt_int(v, "uid", path, d.uid);
  opt_int(v, "gid", path, d.gid);
  return d;
}

LinuxDeviceCgroup parse_device_rule(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxDeviceCgroup r;
  const auto *allow = member(v, "allow");
  if (!allow)
    fail(child(path, "allow"), "missing");
  r.allow = as_bool(*allow, child(path, "allow"));
  opt_string(v, "type", path, r.type);
  opt_int(v, "major", path, r.major);
  opt_int(v, "minor", path, r.minor);
  opt_string(v, "access", path, r.access);
  return r;
}

LinuxMemory parse_memory(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxMemory m;
  opt_int(v, "limit", path, m.limit);
  opt_int(v, "reservation", path, m.reservation);
  opt_int(v, "swap", path, m.swap);
  opt_int(v, "kernel", path, m.kernel);
  opt_int(v, "kernelTCP", path, m.kernel_tcp);
  opt_int(v, "swappiness", path, m.swappiness);
  opt_bool(v, "disableOOMKiller", path, m.disable_oom_killer);
  opt_bool(v, "useHierarchy", path, m.use_hierarchy);
  return m;
}

LinuxCpu parse_cpu(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxCpu c;
  opt_int(v, "shares", path, c.shares);
  opt_int(v, "quota", path, c.quota);
  opt_int(v, "period", path, c.period);
  opt_int(v, "realtimeRuntime", path, c.realtime_runtime);
  opt_int(v, "realtimePeriod", path, c.realtime_period);
  opt_string(v, "cpus", path, c.cpus);
  opt_string(v, "mems", path, c.mems);
  opt_int(v, "idle", path, c.idle);
  return c;
}

LinuxWeightDevice parse_weight_device(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxWeightDevice d;
  opt_int(v, "major", path, d.major);
  opt_int(v, "minor", path, d.minor);
  opt_int(v, "weight", path, d.weight);
  opt_int(v, "leafWeight", path, d.leaf_weight);
  return d;
}

LinuxThrottleDevice parse_throttle(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxThrottleDevice d;
  opt_int(v, "major", path, d.major);
  opt_int(v, "minor", path, d.minor);
  opt_int(v, "rate", path, d.rate);
  return d;
}

LinuxBlockIO parse_block_io(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxBlockIO b;
  opt_int(v, "weight", path, b.weight);
  opt_int(v, "leafWeight", path, b.leaf_weight);
  opt_array(v, "weightDevice", path, b.weight_device, parse_weight_device);
  opt_array(v, "throttleReadBpsDevice", path, b.throttle_read_bps_device, parse_throttle);
  opt_array(v, "throttleWriteBpsDevice", path, b.throttle_write_bps_device, parse_throttle);
  opt_array(v, "throttleReadIOPSDevice", path, b.throttle_read_iops_device, parse_throttle);
  opt_array(v, "throttleWriteIOPSDevice", path, b.throttle_write_iops_device, parse_throttle);
  return b;
}

LinuxHugepageLimit parse_hugepage(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxHugepageLimit h;
  opt_string(v, "pageSize", path, h.page_size);
  opt_int(v, "limit", path, h.limit);
  return h;
}

LinuxInterfacePriority parse_if_priority(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxInterfacePriority p;
  opt_string(v, "name", path, p.name);
  opt_int(v, "priority", path, p.priority);
  if (p.name.empty())
    fail(path, "name is required");
  return p;
}

LinuxPids parse_pids(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxPids p;
  opt_int(v, "limit", path, p.limit);
  return p;
}

LinuxNetwork parse_network(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxNetwork n;
  opt_int(v, "classID", path, n.class_id);
  opt_array(v, "priorities", path, n.priorities, parse_if_priority);
  return n;
}

} // namespace

LinuxResources parse_resources(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxResources r;
  opt_array(v, "devices", path, r.devices, parse_device_rule);
  opt_object(v, "memory", path, r.memory, parse_memory);
  opt_object(v, "cpu", path, r.cpu, parse_cpu);
  opt_object(v, "pids", path, r.pids, parse_pids);
  opt_object(v, "blockIO", path, r.block_io, parse_block_io);
  opt_array(v, "hugepageLimits", path, r.hugepage_limits, parse_hugepage);
  opt_object(v, "network", path, r.network, parse_network);
  opt_object(v, "unified", path, r.unified, as_string_map);
  return r;
}

namespace {

LinuxSeccompArg parse_seccomp_arg(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxSeccompArg a;
  std::optional<uint32_t> index;
  opt_int(v, "index", path, index);
  opt_int(v, "value", path, a.value);
  opt_int(v, "valueTwo", path, a.value_two);
  opt_string(v, "op", path, a.op);
  if (!index || a.op.empty())
    fail(path, "index and op are required");
  a.index = *index;
  return a;
}

LinuxSyscall parse_syscall(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxSyscall s;
  opt_strings(v, "names", path, s.names);
  opt_string(v, "action", path, s.action);
  if (s.action.empty())
    fail(child(path, "action"), "missing");
  opt_int(v, "errnoRet", path, s.errno_ret);
  opt_array(v, "args", path, s.args, parse_seccomp_arg);
  return s;
}

LinuxSeccomp parse_seccomp(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxSeccomp s;
  opt_string(v, "defaultAction", path, s.default_action);
  if (s.default_action.empty())
    fail(child(path, "defaultAction"), "missing");
  opt_int(v, "defaultErrnoRet", path, s.default_errno_ret);
  opt_strings(v, "architectures", path, s.architectures);
  opt_strings(v, "flags", path, s.flags);
  opt_string(v, "listenerPath", path, s.listener_path);
  opt_string(v, "listenerMetadata", path, s.listener_metadata);
  opt_array(v, "syscalls", path, s.syscalls, parse_syscall);
  return s;
}

} // namespace

Linux parse_linux(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Linux l;
  opt_array(v, "namespaces", path, l.namespaces, parse_namespace);
  opt_array(v, "uidMappings", path, l.uid_mappings, parse_id_mapping);
  opt_array(v, "gidMappings", path, l.gid_mappings, parse_id_mapping);
  opt_array(v, "devices", path, l.devices, parse_device);
  opt_string(v, "cgroupsPath", path, l.cgroups_path);
  opt_object(v, "resources", path, l.resources, parse_resources);
  opt_object(v, "sysctl", path, l.sysctl, as_string_map);
  opt_object(v, "seccomp", path, l.seccomp, parse_seccomp);
  opt_string(v, "rootfsPropagation", path, l.rootfs_propagation);
  opt_strings(v, "maskedPaths", path, l.masked_paths);
  opt_strings(v, "readonlyPaths", path, l.readonly_paths);
  opt_string(v, "mountLabel", path, l.mount_label);
  return l;
}

} // namespace isobox::oci::detail
