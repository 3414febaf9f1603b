// Lexical container-path helpers.
#include "oci/spec/path.hpp"

#include <gtest/gtest.h>

namespace isobox::oci {
namespace {

TEST(Path, StaysInside) {
  EXPECT_TRUE(path_stays_inside("/a/b"));
  EXPECT_TRUE(path_stays_inside("/a/../b"));
  EXPECT_TRUE(path_stays_inside("a/./b"));
  EXPECT_FALSE(path_stays_inside("/.."));
  EXPECT_FALSE(path_stays_inside("/a/../../etc"));
  EXPECT_FALSE(path_stays_inside("../x"));
}

TEST(Path, Clean) {
  EXPECT_EQ(clean_path(""), "/");
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("a//b/"), "/a/b");
  EXPECT_EQ(clean_path("/a/./b/../c"), "/a/c");
  EXPECT_EQ(clean_path("/../../x"), "/x");
}

} // namespace
} // namespace isobox::oci
