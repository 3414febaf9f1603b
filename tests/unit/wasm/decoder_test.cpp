// Decoder tests: commented byte vectors, each checking a decoded field or the spec's malformed
// text.
#include "wasm/binary/decoder.hpp"

#include <gtest/gtest.h>

namespace isobox::wasm {
namespace {

std::string decode_error(std::vector<uint8_t> bytes) {
  auto r = decode(bytes);
  return r ? std::string("ok") : r.error().message;
}

const std::vector<uint8_t> kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

std::vector<uint8_t> with_header(std::vector<uint8_t> rest) {
  std::vector<uint8_t> b = kHeader;
  b.insert(b.end(), rest.begin(), rest.end());
  return b;
}

TEST(Decoder, EmptyModule) {
  auto m = decode(kHeader);
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE(m->types.empty());
}

TEST(Decoder, HeaderErrors) {
  EXPECT_EQ(decode_error({}), "unexpected end");
  EXPECT_EQ(decode_error({0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_EQ(decode_error({0x00, 0x41, 0x53, 0x4d, 0x01, 0, 0, 0}), "magic header not detected");
  EXPECT_EQ(decode_error({0x00, 0x61, 0x73, 0x6d, 0x02, 0, 0, 0}), "unknown binary version");
}

TEST(Decoder, TypeAndFunction) {
  auto m = decode(with_header({
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7e, // type section: (i32) -> (i64)
      0x03, 0x02, 0x01, 0x00,                         // function section: one func of type 0
      0x0a, 0x07, 0x01,                               // code section, one body
      0x05, 0x00, 0x20, 0x00, 0xad, 0x0b, // size 5, no locals, local.get 0 i64.extend_i32_u end
  }));
  ASSERT_TRUE(m.has_value()) << m.error().message;
  ASSERT_EQ(m->types.size(), 1u);
  EXPECT_EQ(m->types[0].params, std::vector<ValType>{ValType::I32});
  EXPECT_EQ(m->types[0].results, std::vector<ValType>{ValType::I64});
  ASSERT_EQ(m->bodies.size(), 1u);
  EXPECT_EQ(m->bodies[0].code.size(), 4u);
}

TEST(Decoder, LebLimits) {
  // function section with count encoded in 6 bytes: too long for a u32.
  EXPECT_EQ(decode_error(with_header({0x03, 0x06, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})),
            "integer representation too long");
  // 5th byte of a u32 using bits above 32.
  EXPECT_EQ(decode_error(with_header({0x03, 0x05, 0x80, 0x80, 0x80, 0x80, 0x70})),
            "integer too large");
}

TEST(Decoder, SectionErrors) {
  EXPECT_EQ(decode_error(with_header({0x0d, 0x00})), "malformed section id");
  // type section claims 1 byte but holds 2 (count 0 + junk)
  EXPECT_EQ(decode_error(with_header({0x01, 0x02, 0x00, 0x00})), "section size mismatch");
  // function section without code section
  EXPECT_EQ(decode_error(with_header({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00})),
            "function and code section have inconsistent lengths");
  // import kind 4 does not exist
  EXPECT_EQ(decode_error(with_header({0x02, 0x05, 0x01, 0x00, 0x00, 0x04, 0x00})),
            "malformed import kind");
}

TEST(Decoder, CustomSectionKeptAndUtf8Checked) {
  auto m = decode(with_header({0x00, 0x04, 0x02, 'h', 'i', 0x07}));
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->customs.size(), 1u);
  EXPECT_EQ(m->customs[0].name, "hi");
  EXPECT_EQ(m->customs[0].bytes, std::vector<uint8_t>{0x07});
  // 0xc0 0x80 is an overlong encoding of NUL.
  EXPECT_EQ(decode_error(with_header({0x00, 0x03, 0x02, 0xc0, 0x80})), "malformed UTF-8 encoding");
}

} // namespace
} // namespace isobox::wasm
