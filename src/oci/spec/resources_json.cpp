// LinuxResources -> runtime-spec JSON (config-linux.md "Control groups").
#include "oci/spec/resources_json.hpp"

namespace isobox::oci {
namespace {

template <typename T> void put(nlohmann::json &j, const char *key, const std::optional<T> &value) {
  if (value)
    j[key] = *value;
}

nlohmann::json memory_json(const LinuxMemory &m) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "limit", m.limit);
  put(j, "reservation", m.reservation);
  put(j, "swap", m.swap);
  put(j, "kernel", m.kernel);
  put(j, "kernelTCP", m.kernel_tcp);
  put(j, "swappiness", m.swappiness);
  put(j, "disableOOMKiller", m.disable_oom_killer);
  put(j, "useHierarchy", m.use_hierarchy);
  return j;
}

nlohmann::json cpu_json(const LinuxCpu &c) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "shares", c.shares);
  put(j, "quota", c.quota);
  put(j, "period", c.period);
  put(j, "realtimeRuntime", c.realtime_runtime);
  put(j, "realtimePeriod", c.realtime_period);
  if (!c.cpus.empty())
    j["cpus"] = c.cpus;
  if (!c.mems.empty())
    j["mems"] = c.mems;
  put(j, "idle", c.idle);
  return j;
}

nlohmann::json throttle_json(const std::vector<LinuxThrottleDevice> &devices) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto &d : devices)
    a.push_back({{"major", d.major}, {"minor", d.minor}, {"rate", d.rate}});
  return a;
}

nlohmann::json block_io_json(const LinuxBlockIO &b) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "weight", b.weight);
  put(j, "leafWeight", b.leaf_weight);
  nlohmann::json devices = nlohmann::json::array();
  for (const auto &d : b.weight_device) {
    nlohmann::json dev = {{"major", d.major}, {"minor", d.minor}};
    put(dev, "weight", d.weight);
    put(dev, "leafWeight", d.leaf_weight);
    devices.push_back(std::move(dev));
  }
  j["weightDevice"] = std::move(devices);
  j["throttleReadBpsDevice"] = throttle_json(b.throttle_read_bps_device);
  j["throttleWriteBpsDevice"] = throttle_json(b.throttle_write_bps_device);
  j["throttleReadIOPSDevice"] = throttle_json(b.throttle_read_iops_device);
  j["throttleWriteIOPSDevice"] = throttle_json(b.throttle_write_iops_device);
  return j;
}

} // namespace

nlohmann::json resources_to_json(const LinuxResources &r) {
  nlohmann::json j = nlohmann::json::object();
  if (r.memory)
    j["memory"] = memory_json(*r.memory);
  if (r.cpu)
    j["cpu"] = cpu_json(*r.cpu);
  if (r.pids)
    j["pids"] = {{"limit", r.pids->limit}};
  if (r.block_io)
    j["blockIO"] = block_io_json(*r.block_io);
  if (!r.hugepage_limits.empty()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto &h : r.hugepage_limits)
      a.push_back({{"pageSize", h.page_size}, {"limit", h.limit}});
    j["hugepageLimits"] = std::move(a);
  }
  if (!r.unified.empty())
    j["unified"] = r.unified;
  return j;
}

} // namespace isobox::oci
