// Decoder tests: commented byte vectors, each checking a decoded field or the spec's malformed
// text.
#include "wasm/binary/decoder.hpp"

#include <gtest/gtest.h>

#include "module_bytes.hpp"
#include "wasm/binary/print_code.hpp"

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

TEST(PrintCode, ListingIsLinearInNestingDepth) {
  // Issue 9 item 11: indentation by depth made the listing quadratic (60 KB -> 800 MB).
  constexpr uint32_t kDepth = 3000;
  testing::Bytes code;
  for (uint32_t i = 0; i < kDepth; ++i)
    code.insert(code.end(), {0x02, 0x40});   // block
  code.insert(code.end(), kDepth + 1, 0x0b); // the ends, the body's included
  const auto bytes = testing::module({testing::func_type({}, {})}, testing::body({}, code));
  auto m = decode(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  auto text = print_code(*m, 0);
  ASSERT_TRUE(text.has_value());
  EXPECT_LT(text->size(), 16 * bytes.size()) << text->size() << " bytes for " << bytes.size();
  // Shallow lines keep their indentation, deep ones show the depth.
  EXPECT_EQ(text->substr(0, 8), "  block\n");
  EXPECT_NE(text->find("\n[3000] block\n[3000] end\n"), std::string::npos);
}

} // namespace
} // namespace isobox::wasm
