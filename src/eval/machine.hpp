// What the eval records about the node: CPU, cores, kernel, cgroup mode, governor, load.
#pragma once

#include "eval/results.hpp"

namespace isobox::eval {

/// Reads the machine description (load_after and duration are filled in at the end).
Machine describe_machine(const std::string &isobox_version);
/// The 1, 5 and 15 minute load averages.
std::vector<double> load_average();

} // namespace isobox::eval
