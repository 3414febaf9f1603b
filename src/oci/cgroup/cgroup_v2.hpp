// cgroup v2 (unified) writers and the v1 -> v2 value conversions runc and crun agree on.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup::v2 {

/// cpu.shares [2, 262144] -> cpu.weight [1, 10000]: 1 + ((shares - 2) * 9999) / 262142
/// (the linear map of runc's ConvertCPUSharesToCgroupV2Value and crun). 0 stays 0 (unset).
uint64_t shares_to_weight(uint64_t shares);

/// blkio weight [10, 1000] -> io.weight [1, 10000]: 1 + (weight - 10) * 9999 / 990; 0 stays 0.
uint64_t blkio_weight_to_io_weight(uint64_t weight);

/// OCI memory.swap is memory+swap; memory.swap.max is swap alone. Returns the value for
/// memory.swap.max: -1 = "max", 0 = unset when swap == 0; an error when swap < limit or a swap
/// limit comes without a memory limit.
Result<int64_t> swap_to_swap_max(int64_t swap, int64_t limit);

/// Enables in `cgroup.subtree_control` of the mount root and of every ancestor of `path`
/// (relative to `root`) the controllers listed in each level's `cgroup.controllers`, so the
/// leaf gets memory.max, cpu.max, ... files. Leaves the leaf's own subtree_control alone
/// (the "no internal processes" rule: the leaf holds tasks).
Result<> enable_controllers(const std::string &root, const std::string &path);

/// Writes every resource of `resources` into the v2 cgroup `dir`: memory.{max,swap.max,low},
/// cpu.{weight,max,idle}, cpuset.{cpus,mems}, pids.max, io.{weight|bfq.weight,max},
/// hugetlb.<size>.max, then linux.resources.unified key/values (which win, as in runc).
Result<> apply_resources(const std::string &dir, const LinuxResources &resources);

/// Hugepage limits only (hybrid hosts put hugetlb in the unified hierarchy).
Result<> apply_hugetlb(const std::string &dir, const std::vector<LinuxHugepageLimit> &limits);

/// Only the `unified` map.
Result<> apply_unified(const std::string &dir, const std::map<std::string, std::string> &unified);

/// cgroup.freeze 1/0, then waits for cgroup.events to say "frozen 1"/"frozen 0" (an error once
/// `budget` has passed).
Result<> set_frozen(const std::string &dir, bool frozen,
                    std::chrono::milliseconds budget = std::chrono::seconds(5));

} // namespace isobox::oci::cgroup::v2
