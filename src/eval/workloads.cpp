// The eval's workloads as data: name, kind, what shape of work, sizes for quick and full runs.
#include "eval/workloads.hpp"

#include <algorithm>
#include <sstream>

namespace isobox::eval {

// Full sizes take about 0.1-0.4 s natively on the reference machine (2 vCPU EPYC); quick sizes
// about a tenth of that, enough to check the answer and see the shape.
const std::vector<Workload> &all_workloads() {
  static const std::vector<Workload> table = {
      {"hello", "startup", "print one line: process start to exit", 0, 0, false, "hello, world"},
      {"fib", "compute", "recursion, call-heavy", 27, 35, false, ""},
      {"sieve", "compute", "byte loads/stores over 4 MiB", 1, 8, false, ""},
      {"matmul", "compute", "f32 matrix multiply", 10, 120, false, ""},
      {"hash", "compute", "FNV-1a and multiply/rotate over 1 MiB", 3, 30, false, ""},
      {"sort", "compute", "quicksort of 256 Ki ints, branchy", 1, 3, false, ""},
      {"mandelbrot", "compute", "f64 arithmetic, loops", 150, 600, false, ""},
      {"nbody", "compute", "f64 with sqrt and divides", 40, 400, false, ""},
      {"tokenizer", "compute", "JSON-like tokenizer, string handling", 6, 60, false, ""},
      {"matcher", "compute", "backtracking regex-like matcher", 1, 10, false, ""},
      {"compress", "compute", "LZ77-style compress + decompress", 4, 40, false, ""},
      {"memory", "memory", "allocate and touch N MiB", 16, 64, false, ""},
      {"io_file", "io", "write N MiB to a file, read it back", 4, 64, true, ""},
      {"io_small", "io", "N small files: create, read back, delete", 100, 1000, true, ""},
  };
  return table;
}

const Workload *find_workload(const std::string &name) {
  const auto &table = all_workloads();
  auto it = std::find_if(table.begin(), table.end(), [&](const auto &w) { return w.name == name; });
  return it == table.end() ? nullptr : &*it;
}

std::vector<int> crossover_sizes(bool quick) {
  return quick ? std::vector<int>{1, 10, 100} : std::vector<int>{1, 4, 16, 64, 256, 1024};
}

Result<std::vector<std::string>> select_names(const std::string &selection,
                                              const std::vector<std::string> &valid,
                                              const std::string &what) {
  if (selection.empty())
    return valid;
  std::vector<std::string> chosen;
  std::vector<std::string> unknown;
  std::stringstream in(selection);
  for (std::string name; std::getline(in, name, ',');) {
    if (name.empty())
      continue;
    if (std::find(valid.begin(), valid.end(), name) == valid.end())
      unknown.push_back(name);
    else if (std::find(chosen.begin(), chosen.end(), name) == chosen.end())
      chosen.push_back(name);
  }
  std::string list;
  for (const auto &v : valid)
    list += (list.empty() ? "" : ", ") + v;
  if (!unknown.empty()) {
    std::string bad;
    for (const auto &u : unknown)
      bad += (bad.empty() ? "" : ", ") + u;
    return make_error("unknown {} {} (valid: {})", what, bad, list);
  }
  if (chosen.empty())
    return make_error("no {} selected (valid: {})", what, list);
  return chosen;
}

} // namespace isobox::eval
