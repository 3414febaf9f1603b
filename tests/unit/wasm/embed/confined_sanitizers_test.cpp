// The sanitizer build runs the real confined path (issue 9 item 12): inside a process confined
// as run_module confines itself, ASan still reports a heap overflow with symbolised frames and
// UBSan's vptr check still works. In a plain build these tests are skipped.
#include <gtest/gtest.h>

#include "wasm/embed/confine.hpp"
#include "wasm/embed/landlock.hpp"

namespace isobox::wasm::embed {
namespace {

#if defined(__SANITIZE_ADDRESS__)
void confine_like_run_module() {
  prepare_sanitizers_for_confinement();
  if (!set_no_new_privs() || !landlock_confine({}) ||
      !confine_wasm_engine(ConfineOptions{.filesystem = true}))
    ::_exit(10);
}

struct Shape {
  virtual ~Shape() = default;
  virtual int corners() const { return 0; }
};
struct Square : Shape {
  int corners() const override { return 4; }
};

[[gnu::noinline]] int overflow_in_confined_engine(int index) {
  auto *cells = new int[4];
  const int v = cells[index]; // index 4: one past the end
  delete[] cells;
  return v;
}

TEST(ConfinedSanitizersDeathTest, HeapOverflowIsReportedWithSymbols) {
  EXPECT_DEATH(
      {
        confine_like_run_module();
        overflow_in_confined_engine(4);
      },
      "heap-buffer-overflow(.|\n)*overflow_in_confined_engine");
}

TEST(ConfinedSanitizers, VptrCheckWorksWhileConfined) {
  EXPECT_EXIT(
      {
        confine_like_run_module();
        const Shape *s = new Square; // first check of this type: a vptr cache miss
        const int n = s->corners();
        delete s;
        ::_exit(n == 4 ? 0 : 11);
      },
      ::testing::ExitedWithCode(0), "");
}
#else
TEST(ConfinedSanitizers, OnlyInSanitizerBuilds) { GTEST_SKIP() << "not a sanitizer build"; }
#endif

} // namespace
} // namespace isobox::wasm::embed
