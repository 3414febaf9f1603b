// `isobox update [-r FILE|-] [--memory N] [--cpu-quota N] ... ID` (runc-update.8): new cgroup
// limits for a created, running or paused container.
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include "cli/oci_verbs.hpp"
#include "common/file.hpp"
#include "common/log.hpp"
#include "common/parse_number.hpp"
#include "oci/cgroup/resources_update.hpp"
#include "oci/container/operations.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::cli {
namespace {

using oci::LinuxBlockIO;
using oci::LinuxCpu;
using oci::LinuxMemory;
using oci::LinuxPids;
using oci::LinuxResources;
using oci::cgroup::parse_memory_size;
using oci::cgroup::parse_update_number;

struct UpdateArgs {
  std::string id;
  std::string resources;                     // -r FILE or "-"
  std::map<std::string, std::string> values; // flag name -> value as given ("" = not given)
};

const std::pair<const char *, const char *> kFlags[] = {
    {"memory", "memory limit in bytes (k/m/g suffixes; -1 unlimited)"},
    {"memory-reservation", "memory soft limit in bytes"},
    {"memory-swap", "memory+swap limit in bytes (-1 unlimited swap)"},
    {"kernel-memory", "ignored (kernel memory limits are deprecated)"},
    {"kernel-memory-tcp", "ignored (kernel memory limits are deprecated)"},
    {"cpu-share", "cpu shares (relative weight)"},
    {"cpu-quota", "CFS quota in microseconds per period (-1 unlimited)"},
    {"cpu-period", "CFS period in microseconds"},
    {"cpu-rt-period", "realtime period in microseconds (cgroup v1)"},
    {"cpu-rt-runtime", "realtime runtime in microseconds per period (cgroup v1)"},
    {"cpuset-cpus", "cpus to use (0-3,7)"},
    {"cpuset-mems", "memory nodes to use"},
    {"pids-limit", "maximum number of pids (-1 unlimited)"},
    {"blkio-weight", "block I/O weight, 10 to 1000"},
};

Result<LinuxMemory> memory_from_flags(const std::map<std::string, std::string> &v) {
  LinuxMemory m;
  const std::pair<const char *, std::optional<int64_t> *> sizes[] = {
      {"memory", &m.limit}, {"memory-reservation", &m.reservation}, {"memory-swap", &m.swap}};
  for (const auto &[flag, field] : sizes)
    if (const std::string &text = v.at(flag); !text.empty())
      *field = ISOBOX_TRY(parse_memory_size(text, fmt::format("--{}", flag)));
  for (const char *flag : {"kernel-memory", "kernel-memory-tcp"})
    if (!v.at(flag).empty())
      log::warn("--{} is ignored (kernel memory limits are deprecated, as in runc)", flag);
  return m;
}

Result<LinuxCpu> cpu_from_flags(const std::map<std::string, std::string> &v) {
  LinuxCpu c;
  const std::pair<const char *, std::optional<uint64_t> *> unsigned_flags[] = {
      {"cpu-share", &c.shares}, {"cpu-period", &c.period}, {"cpu-rt-period", &c.realtime_period}};
  for (const auto &[flag, field] : unsigned_flags)
    if (const std::string &text = v.at(flag); !text.empty())
      *field = ISOBOX_TRY(parse_update_number(text, fmt::format("--{}", flag), false));
  const std::pair<const char *, std::optional<int64_t> *> signed_flags[] = {
      {"cpu-quota", &c.quota}, {"cpu-rt-runtime", &c.realtime_runtime}};
  for (const auto &[flag, field] : signed_flags)
    if (const std::string &text = v.at(flag); !text.empty())
      *field = ISOBOX_TRY(parse_update_number(text, fmt::format("--{}", flag), true));
  c.cpus = v.at("cpuset-cpus");
  c.mems = v.at("cpuset-mems");
  return c;
}

Result<LinuxResources> resources_from_flags(const std::map<std::string, std::string> &v) {
  LinuxResources r;
  r.memory = ISOBOX_TRY(memory_from_flags(v));
  r.cpu = ISOBOX_TRY(cpu_from_flags(v));
  if (const std::string &text = v.at("pids-limit"); !text.empty())
    r.pids = LinuxPids{ISOBOX_TRY(parse_update_number(text, "--pids-limit", true))};
  if (const std::string &text = v.at("blkio-weight"); !text.empty()) {
    auto weight = parse_number<uint16_t>(text, 10, 1000);
    if (!weight)
      return std::unexpected(weight.error().wrap("invalid value for --blkio-weight"));
    r.block_io = LinuxBlockIO{.weight = *weight};
  }
  return r;
}

Result<LinuxResources> resources_from_file(const std::string &path) {
  if (path != "-")
    return oci::parse_resources(ISOBOX_TRY(read_file(path)), path);
  const std::string text{std::istreambuf_iterator<char>(std::cin), {}};
  return oci::parse_resources(text, "stdin");
}

} // namespace

void register_oci_update(CLI::App &app, Context &ctx) {
  auto a = std::make_shared<UpdateArgs>();
  CLI::App *cmd = app.add_subcommand("update", "update the cgroup limits of a container");
  cmd->add_option("id", a->id, "container id")->required();
  cmd->add_option("-r,--resources", a->resources,
                  "LinuxResources JSON file, or - for stdin (the other flags are then ignored)");
  for (const auto &[flag, help] : kFlags)
    cmd->add_option(fmt::format("--{}", flag), a->values[flag], help);
  cmd->add_option("--cpu-shares", a->values["cpu-share"], "same as --cpu-share");
  cmd->callback([&ctx, a] {
    auto resources =
        a->resources.empty() ? resources_from_flags(a->values) : resources_from_file(a->resources);
    Result<> r = resources ? oci::update_container(ctx.global.root, a->id, *resources)
                           : Result<>(std::unexpected(resources.error()));
    ctx.exit_code = finish("update", r);
  });
}

} // namespace isobox::cli
