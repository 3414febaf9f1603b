// Default locations the eval uses: the running isobox binary, the built workloads.
#include "eval/paths.hpp"

#include <cstdlib>
#include <filesystem>

#ifndef ISOBOX_EVAL_WORKLOAD_DIR
#define ISOBOX_EVAL_WORKLOAD_DIR "eval-workloads"
#endif

namespace isobox::eval {

std::string self_executable() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "isobox" : p.string();
}

std::string default_workload_dir() {
  if (const char *env = std::getenv("ISOBOX_EVAL_WORKLOADS"); env && *env)
    return env;
  return ISOBOX_EVAL_WORKLOAD_DIR;
}

} // namespace isobox::eval
