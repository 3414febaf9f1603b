// Unit tests for backend adapters run for real: node-wasi past the ~64 MiB linear memory where
// node 20's WASI fast calls used to crash it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "eval/backend.hpp"
#include "eval/bench_runner.hpp"
#include "eval/paths.hpp"

namespace isobox::eval {
namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/isobox-eval-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// The memory workload at the full run's size (64 MiB): node used to print the right answer and
// then die with SIGSEGV (exit 139), so the eval listed node-wasi/memory as failed.
TEST(NodeWasiBackend, MemoryWorkloadAt64MiBRunsToCompletion) {
  const std::string dir = default_workload_dir();
  if (find_in_path("node").empty() || !std::filesystem::exists(dir + "/memory.wasm"))
    GTEST_SKIP() << "node or the wasm32-wasi workloads missing";
  TempDir work;
  auto node = make_node_wasi_backend();
  auto ready = node->prepare(BackendEnv{"", dir, work.path});
  ASSERT_TRUE(ready) << ready.error().message;
  auto native = make_native_backend();
  ASSERT_TRUE(native->prepare(BackendEnv{"", dir, work.path}));
  const RunSpec spec = make_spec("memory", 64, false);
  auto expected = checked_run(*native, spec, "", 60);
  ASSERT_TRUE(expected) << expected.error().message;
  for (int i = 0; i < 3; i++) { // it crashed 20 runs of 20; three make a pass meaningful
    auto run = checked_run(*node, spec, expected->output, 60);
    ASSERT_TRUE(run) << "run " << i << ": " << run.error().message;
  }
}

} // namespace
} // namespace isobox::eval
