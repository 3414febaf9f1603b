// Tests for Error, Result helpers and the TRY macros.
#include "common/error.hpp"

#include <gtest/gtest.h>

namespace isobox {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0)
    return make_error("not positive: {}", v);
  return v;
}

Result<int> doubled(int v) {
  int x = ISOBOX_TRY(parse_positive(v));
  return 2 * x;
}

Result<> check_positive(int v) {
  ISOBOX_CHECK(parse_positive(v));
  return {};
}

TEST(Error, TryPropagatesValueAndError) {
  EXPECT_EQ(doubled(21).value(), 42);
  auto bad = doubled(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "not positive: -1");
  EXPECT_TRUE(check_positive(1));
  EXPECT_FALSE(check_positive(0));
}

TEST(Error, SysErrorCapturesErrno) {
  errno = ENOENT;
  Result<> r = sys_error("open {}", "/nope");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errno_value, ENOENT);
  EXPECT_EQ(r.error().message, "open /nope: ENOENT (No such file or directory)");
}

TEST(Error, WrapPrefixesContext) {
  Error e{"EPERM", EPERM};
  Error w = e.wrap("mount /proc");
  EXPECT_EQ(w.message, "mount /proc: EPERM");
  EXPECT_EQ(w.errno_value, EPERM);
}

} // namespace
} // namespace isobox
