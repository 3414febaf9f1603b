// Numeric functor tables: fmin/fmax zero signs and NaNs, truncation bounds, saturation.
#include "wasm/interp/numeric.hpp"

#include <gtest/gtest.h>

namespace isobox::wasm {
namespace {

TEST(Numeric, MinMaxSignedZerosAndNan) {
  EXPECT_TRUE(std::signbit(num::fmin(0.0f, -0.0f)));
  EXPECT_TRUE(std::signbit(num::fmin(-0.0, 0.0)));
  EXPECT_FALSE(std::signbit(num::fmax(-0.0f, 0.0f)));
  EXPECT_TRUE(std::isnan(num::fmin(1.0, std::nan(""))));
  EXPECT_TRUE(std::isnan(num::fmax(std::nanf(""), 1.0f)));
  EXPECT_EQ(num::fmin(-3.0, 2.0), -3.0);
  EXPECT_EQ(num::fmax(-3.0f, 2.0f), 2.0f);
}

TEST(Numeric, TruncCheckBounds) {
  struct Case {
    double x;
    num::TruncError i32, u32;
  } cases[] = {
      {2147483647.0, num::TruncError::None, num::TruncError::None},
      {2147483648.0, num::TruncError::Overflow, num::TruncError::None},
      {-2147483648.9, num::TruncError::None, num::TruncError::Overflow},
      {-2147483649.0, num::TruncError::Overflow, num::TruncError::Overflow},
      {-0.9, num::TruncError::None, num::TruncError::None},
      {-1.0, num::TruncError::None, num::TruncError::Overflow},
      {4294967296.0, num::TruncError::Overflow, num::TruncError::Overflow},
      {std::nan(""), num::TruncError::Nan, num::TruncError::Nan},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(num::trunc_check<int32_t>(c.x), c.i32) << c.x;
    EXPECT_EQ(num::trunc_check<uint32_t>(c.x), c.u32) << c.x;
  }
  // In f32, -2^31 is exact and valid; the next float below is not.
  EXPECT_EQ(num::trunc_check<int32_t>(-2147483648.0f), num::TruncError::None);
  EXPECT_EQ(num::trunc_check<int32_t>(-2147483904.0f), num::TruncError::Overflow);
  EXPECT_EQ(num::trunc_check<int64_t>(9223372036854775808.0), num::TruncError::Overflow);
  EXPECT_EQ(num::trunc_check<uint64_t>(18446744073709549568.0), num::TruncError::None);
}

TEST(Numeric, TruncSaturates) {
  EXPECT_EQ(num::trunc_sat<int32_t>(1e10), INT32_MAX);
  EXPECT_EQ(num::trunc_sat<int32_t>(-1e10), INT32_MIN);
  EXPECT_EQ(num::trunc_sat<uint32_t>(-5.0), 0u);
  EXPECT_EQ(num::trunc_sat<uint64_t>(1e30f), UINT64_MAX);
  EXPECT_EQ(num::trunc_sat<int64_t>(std::nan("")), 0);
  EXPECT_EQ(num::trunc_sat<int32_t>(-7.9), -7);
}

TEST(Numeric, NearestTiesToEven) {
  EXPECT_EQ(num::nearest(2.5), 2.0);
  EXPECT_EQ(num::nearest(3.5f), 4.0f);
  EXPECT_TRUE(std::signbit(num::nearest(-0.4)));
}

} // namespace
} // namespace isobox::wasm
