// Default locations the eval uses: the running isobox binary, the built workloads.
#pragma once

#include <string>

namespace isobox::eval {

/// This process's executable (/proc/self/exe), so the isobox-* backends run the same build.
std::string self_executable();
/// $ISOBOX_EVAL_WORKLOADS, else the build tree's eval-workloads directory.
std::string default_workload_dir();

} // namespace isobox::eval
