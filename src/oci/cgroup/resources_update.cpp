// `update`: memory sizes as runc parses them and the merge of new values into the saved ones.
#include "oci/cgroup/resources_update.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/parse_number.hpp"

namespace isobox::oci::cgroup {
namespace {

// The binary multiplier of a unit letter (k, m, g, t, p in any case), 0 if none of them.
int64_t unit_multiplier(char c) {
  switch (std::tolower(static_cast<unsigned char>(c))) {
  case 'k': return int64_t{1} << 10;
  case 'm': return int64_t{1} << 20;
  case 'g': return int64_t{1} << 30;
  case 't': return int64_t{1} << 40;
  case 'p': return int64_t{1} << 50;
  default: return 0;
  }
}

// The unit part after the number: " "? [kmgtp]? i? b?  (the "i" only after a unit letter).
Result<int64_t> parse_unit(std::string_view unit, std::string_view text, std::string_view flag) {
  if (unit.starts_with(' '))
    unit.remove_prefix(1);
  int64_t multiplier = 1;
  if (!unit.empty() && unit_multiplier(unit.front()) != 0) {
    multiplier = unit_multiplier(unit.front());
    unit.remove_prefix(1);
    if (!unit.empty() && (unit.front() == 'i' || unit.front() == 'I'))
      unit.remove_prefix(1);
  }
  if (!unit.empty() && (unit.front() == 'b' || unit.front() == 'B'))
    unit.remove_prefix(1);
  if (!unit.empty())
    return make_error("invalid value for {}: {:?} is not a memory size (e.g. 64m, 1.5GiB, -1)",
                      flag, text);
  return multiplier;
}

} // namespace

Result<int64_t> parse_memory_size(std::string_view text, std::string_view flag) {
  if (text == "-1")
    return -1;
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) ||
                                  (digits > 0 && text[digits] == '.')))
    ++digits;
  std::string_view number = text.substr(0, digits);
  if (number.empty() || number.back() == '.' || number.find("..") != std::string_view::npos)
    return make_error("invalid value for {}: {:?} is not a memory size (e.g. 64m, 1.5GiB, -1)",
                      flag, text);
  const int64_t multiplier = ISOBOX_TRY(parse_unit(text.substr(digits), text, flag));
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  const double bytes = value * static_cast<double>(multiplier);
  if (ec != std::errc() || end != number.data() + number.size() ||
      !(bytes < static_cast<double>(std::numeric_limits<int64_t>::max())))
    return make_error("invalid value for {}: {:?} is out of range", flag, text);
  return static_cast<int64_t>(bytes);
}

Result<int64_t> parse_update_number(std::string_view text, std::string_view flag,
                                    bool allow_negative) {
  auto value = parse_number<int64_t>(text, allow_negative ? std::numeric_limits<int64_t>::min()
                                                          : int64_t{0});
  if (!value)
    return std::unexpected(value.error().wrap(fmt::format("invalid value for {}", flag)));
  return value;
}

namespace {

template <typename T> void take(std::optional<T> &to, const std::optional<T> &from) {
  if (from)
    to = from;
}

void merge_memory(LinuxResources &out, const LinuxMemory &m) {
  LinuxMemory &to = out.memory ? *out.memory : out.memory.emplace();
  take(to.limit, m.limit);
  take(to.reservation, m.reservation);
  take(to.swap, m.swap);
  if (m.limit == -1 && !m.swap)
    to.swap = -1; // "unlimited memory" lifts memory+swap too (cgroup v1 semantics)
}

void merge_cpu(LinuxResources &out, const LinuxCpu &c) {
  LinuxCpu &to = out.cpu ? *out.cpu : out.cpu.emplace();
  take(to.shares, c.shares);
  take(to.quota, c.quota);
  take(to.period, c.period);
  take(to.realtime_runtime, c.realtime_runtime);
  take(to.realtime_period, c.realtime_period);
  take(to.idle, c.idle);
  if (!c.cpus.empty())
    to.cpus = c.cpus;
  if (!c.mems.empty())
    to.mems = c.mems;
}

} // namespace

LinuxResources merge_resources(const LinuxResources &saved, const LinuxResources &update) {
  LinuxResources out = saved;
  out.devices.clear();
  if (update.memory)
    merge_memory(out, *update.memory);
  if (update.cpu)
    merge_cpu(out, *update.cpu);
  if (update.pids && update.pids->limit != 0)
    out.pids = update.pids;
  if (update.block_io && update.block_io->weight) {
    LinuxBlockIO &to = out.block_io ? *out.block_io : out.block_io.emplace();
    to.weight = update.block_io->weight;
  }
  for (const auto &[key, value] : update.unified)
    out.unified[key] = value;
  return out;
}

} // namespace isobox::oci::cgroup
