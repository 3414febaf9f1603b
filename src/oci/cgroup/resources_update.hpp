// `update`: runc's memory-size syntax and how new resource values merge into the saved ones.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup {

/// A memory size as runc's update flags take it (docker's RAMInBytes): a decimal number with an
/// optional fraction, an optional space, and an optional binary unit k/m/g/t/p (any case, with
/// an optional "i" and "b": "64m", "1.5GiB", "512 kb", "100b"), or "-1" for unlimited.
/// Anything else (empty, negative, a trailing word, overflow) is an error naming `flag`.
Result<int64_t> parse_memory_size(std::string_view text, std::string_view flag);

/// A whole number for a numeric update flag; `allow_negative` for quota and rt runtime.
Result<int64_t> parse_update_number(std::string_view text, std::string_view flag,
                                    bool allow_negative);

/// `saved` with every value `update` sets replacing the old one, as runc's update merges
/// (memory limit/reservation/swap, cpu shares/quota/period/realtime/idle/cpus/mems, pids limit
/// when non-zero, blockIO weight, unified keys). A memory limit of -1 without a swap value also
/// lifts swap (-1). Kernel memory, devices and hugepage limits are not updatable (ignored).
LinuxResources merge_resources(const LinuxResources &saved, const LinuxResources &update);

} // namespace isobox::oci::cgroup
