// Wasm detection rules (crun's annotations, the header sniffing) and a container's engine limits.
#include "oci/handlers/wasm_detect.hpp"
#include "oci/handlers/wasm_limits.hpp"

#include <gtest/gtest.h>

#include <array>

namespace isobox::oci {
namespace {

using Ann = std::map<std::string, std::string>;

WasmIntent intent(const Ann &a, const std::string &arg0) {
  auto r = wasm_intent(a, arg0);
  EXPECT_TRUE(r.has_value()) << r.error().message;
  return r.value_or(WasmIntent::Sniff);
}

TEST(WasmDetect, HandlerAnnotation) {
  EXPECT_EQ(intent({{"run.oci.handler", "wasm"}}, "/app"), WasmIntent::Forced);
  EXPECT_EQ(intent({{"run.oci.handler", "wasm-smart"}}, "/app.wasm"), WasmIntent::Forced);
  EXPECT_EQ(intent({{"run.oci.handler", "wasm-smart"}}, "/bin/sh"), WasmIntent::Sniff);
  auto bad = wasm_intent({{"run.oci.handler", "krun"}}, "/app.wasm");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "annotation run.oci.handler: unknown handler 'krun' (isobox knows wasm, wasm-smart)");
}

TEST(WasmDetect, VariantAnnotation) {
  EXPECT_EQ(intent({{"module.wasm.image/variant", "compat"}}, "/app"), WasmIntent::Forced);
  EXPECT_EQ(intent({{"module.wasm.image/variant", "compat-smart"}}, "x.wasm"), WasmIntent::Forced);
  EXPECT_EQ(intent({{"module.wasm.image/variant", "compat-smart"}}, "x.wasmx"), WasmIntent::Sniff);
  EXPECT_EQ(intent({{"module.wasm.image/variant", "other"}}, "x.wasm"), WasmIntent::Sniff);
  EXPECT_EQ(intent({}, "x.wasm"), WasmIntent::Sniff);
}

TEST(WasmDetect, PodSandboxIsNeverForced) {
  for (const char *type_key :
       {"io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType"}) {
    EXPECT_EQ(intent({{"run.oci.handler", "wasm"}, {type_key, "sandbox"}}, "/pause"),
              WasmIntent::Sniff);
    EXPECT_EQ(intent({{"module.wasm.image/variant", "compat"}, {type_key, "sandbox"}}, "/pause"),
              WasmIntent::Sniff);
    EXPECT_EQ(intent({{"run.oci.handler", "wasm"}, {type_key, "container"}}, "/app"),
              WasmIntent::Forced);
  }
}

WasmHeader header(std::initializer_list<uint8_t> bytes) {
  std::vector<uint8_t> v(bytes);
  return classify_header(v);
}

TEST(WasmDetect, Header) {
  EXPECT_EQ(header({0, 'a', 's', 'm', 1, 0, 0, 0}), WasmHeader::CoreModule);
  EXPECT_EQ(header({0, 'a', 's', 'm', 0x0d, 0, 1, 0}), WasmHeader::Component);
  EXPECT_EQ(header({0, 'a', 's', 'm', 2, 0, 0, 0}), WasmHeader::Other);
  EXPECT_EQ(header({0, 'a', 's', 'm', 1, 0, 0}), WasmHeader::Other); // short
  EXPECT_EQ(header({0x7f, 'E', 'L', 'F', 2, 1, 1, 0}), WasmHeader::Other);
  EXPECT_EQ(header({}), WasmHeader::Other);
}

TEST(WasmLimits, MemoryLimitBoundsLinearMemory) {
  EXPECT_EQ(linear_memory_budget(std::nullopt), std::nullopt);
  EXPECT_EQ(linear_memory_budget(-1), std::nullopt);
  EXPECT_EQ(linear_memory_budget(int64_t{64} << 20), uint64_t{48} << 20);
  EXPECT_EQ(linear_memory_budget(int64_t{8} << 20), uint64_t{4} << 20); // half kept for the engine
  EXPECT_EQ(linear_memory_budget(int64_t{64} << 30), uint64_t{1} << 32);
}

TEST(WasmLimits, Annotations) {
  Spec spec;
  spec.annotations = {{"isobox.wasm/fuel", "1000"},
                      {"isobox.wasm/timeout", "2s"},
                      {"isobox.wasm/max-stack", "500"}};
  auto l = container_wasm_limits(spec);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->store.fuel, 1000u);
  EXPECT_EQ(l->timeout_ms, 2000u);
  EXPECT_EQ(l->store.max_call_depth, 500u);
  for (const char *bad : {"", "-1", "1e3", " 5", "0x10", "99999999999999999999"}) {
    spec.annotations = {{"isobox.wasm/fuel", bad}};
    auto r = container_wasm_limits(spec);
    ASSERT_FALSE(r) << bad;
    EXPECT_TRUE(r.error().message.starts_with("annotation isobox.wasm/fuel: "))
        << r.error().message;
  }
  spec.annotations = {{"isobox.wasm/max-stack", "0"}};
  EXPECT_FALSE(container_wasm_limits(spec));
  spec.annotations = {{"isobox.wasm/timeout", "soon"}};
  EXPECT_FALSE(container_wasm_limits(spec));
}

} // namespace
} // namespace isobox::oci
