// config.json parsing and validation: typed fields, one-line errors that name the field.
#include "oci/spec/parse.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace isobox::oci {
namespace {

std::string base_config() {
  auto j = default_spec_json(false);
  j["process"].erase("capabilities"); // the caps table belongs to oci-lib; keep this test local
  return j.dump();
}

nlohmann::json base_json() { return nlohmann::json::parse(base_config()); }

TEST(SpecParse, DefaultSpecRoundTrips) {
  auto spec = parse_spec(default_spec_json(false).dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->root.path, "rootfs");
  EXPECT_TRUE(spec->root.readonly);
  ASSERT_TRUE(spec->process);
  EXPECT_EQ(spec->process->args, std::vector<std::string>{"sh"});
  EXPECT_TRUE(spec->process->no_new_privileges);
  ASSERT_EQ(spec->process->rlimits.size(), 1u);
  EXPECT_EQ(spec->process->rlimits[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ(spec->process->rlimits[0].hard, 1024u);
  ASSERT_EQ(spec->mounts.size(), 7u);
  EXPECT_EQ(spec->mounts[2].destination, "/dev/pts");
  EXPECT_EQ(spec->mounts[2].options.back(), "gid=5");
  ASSERT_TRUE(spec->linux);
  EXPECT_TRUE(spec->has_namespace(NamespaceType::Network));
  EXPECT_FALSE(spec->has_namespace(NamespaceType::User));
  EXPECT_EQ(spec->linux->masked_paths.size(), 10u);
  ASSERT_TRUE(spec->linux->resources);
  EXPECT_FALSE(spec->linux->resources->devices.at(0).allow);
}

TEST(SpecParse, RootlessSpecHasUserNamespaceAndMappings) {
  auto spec = parse_spec(default_spec_json(true).dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_TRUE(spec->has_namespace(NamespaceType::User));
  EXPECT_FALSE(spec->has_namespace(NamespaceType::Network));
  ASSERT_EQ(spec->linux->uid_mappings.size(), 1u);
  EXPECT_EQ(spec->linux->uid_mappings[0].size, 1u);
}

TEST(SpecParse, ResourcesAndSeccompAreTyped) {
  auto j = base_json();
  j["linux"]["resources"] = {{"memory", {{"limit", 1048576}, {"swap", -1}}},
                             {"cpu", {{"shares", 512}, {"quota", 50000}, {"cpus", "0-1"}}},
                             {"pids", {{"limit", 32}}},
                             {"unified", {{"memory.high", "1M"}}}};
  j["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ERRNO"},
                           {"defaultErrnoRet", 1},
                           {"architectures", {"SCMP_ARCH_X86_64"}},
                           {"syscalls",
                            {{{"names", {"read", "write"}},
                              {"action", "SCMP_ACT_ALLOW"},
                              {"args", {{{"index", 0}, {"value", 2}, {"op", "SCMP_CMP_EQ"}}}}}}}};
  auto spec = parse_spec(j.dump());
  ASSERT_TRUE(spec) << spec.error().message;
  const auto &r = *spec->linux->resources;
  EXPECT_EQ(*r.memory->limit, 1048576);
  EXPECT_EQ(*r.memory->swap, -1);
  EXPECT_EQ(*r.cpu->shares, 512u);
  EXPECT_EQ(r.cpu->cpus, "0-1");
  EXPECT_EQ(r.pids->limit, 32);
  EXPECT_EQ(r.unified.at("memory.high"), "1M");
  const auto &s = *spec->linux->seccomp;
  EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(*s.default_errno_ret, 1u);
  ASSERT_EQ(s.syscalls.size(), 1u);
  EXPECT_EQ(s.syscalls[0].names[1], "write");
  EXPECT_EQ(s.syscalls[0].args[0].op, "SCMP_CMP_EQ");
  EXPECT_EQ(s.syscalls[0].args[0].value, 2u);
}

// Every optional section and defaulted field, parsed into its struct (a refactoring guard).
TEST(SpecParse, OptionalSectionsAndDefaults) {
  auto j = base_json();
  j["root"]["readonly"] = true;
  j["process"]["consoleSize"] = {{"height", 24}, {"width", 80}};
  j["process"]["user"] = {{"uid", 7}};
  j["hooks"] = {{"poststop", {{{"path", "/bin/true"}, {"timeout", 3}}}}};
  j["annotations"] = {{"a", "b"}};
  j["linux"]["resources"] = {
      {"memory", {{"disableOOMKiller", true}, {"useHierarchy", false}}},
      {"pids", nlohmann::json::object()},
      {"blockIO",
       {{"weightDevice", {{{"major", 8}, {"weight", 10}}}},
        {"throttleReadBpsDevice", {{{"major", 8}, {"minor", 1}, {"rate", 99}}}}}},
      {"hugepageLimits", {{{"pageSize", "2MB"}}}},
      {"network", {{"priorities", {{{"name", "eth0"}}}}}}};
  j["linux"]["seccomp"] = {
      {"defaultAction", "SCMP_ACT_ALLOW"},
      {"syscalls",
       {{{"names", {"kill"}},
         {"action", "SCMP_ACT_ERRNO"},
         {"args", {{{"index", 1}, {"valueTwo", 5}, {"op", "SCMP_CMP_MASKED_EQ"}}}}}}}};
  auto spec = parse_spec(j.dump());
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_TRUE(spec->root.readonly);
  ASSERT_TRUE(spec->process->console_size);
  EXPECT_EQ(spec->process->console_size->height, 24u);
  EXPECT_EQ(spec->process->console_size->width, 80u);
  EXPECT_EQ(spec->process->user.uid, 7u);
  EXPECT_EQ(spec->process->user.gid, 0u);
  ASSERT_EQ(spec->hooks.poststop.size(), 1u);
  EXPECT_EQ(*spec->hooks.poststop[0].timeout, 3);
  EXPECT_EQ(spec->annotations.at("a"), "b");
  const auto &r = *spec->linux->resources;
  EXPECT_EQ(r.memory->disable_oom_killer, true);
  EXPECT_EQ(r.memory->use_hierarchy, false);
  EXPECT_FALSE(r.memory->limit);
  EXPECT_EQ(r.pids->limit, 0);
  ASSERT_EQ(r.block_io->weight_device.size(), 1u);
  EXPECT_EQ(r.block_io->weight_device[0].major, 8);
  EXPECT_EQ(r.block_io->weight_device[0].minor, 0);
  EXPECT_EQ(*r.block_io->weight_device[0].weight, 10);
  EXPECT_EQ(r.block_io->throttle_read_bps_device[0].rate, 99u);
  EXPECT_EQ(r.hugepage_limits[0].limit, 0u);
  EXPECT_EQ(r.network->priorities[0].priority, 0u);
  EXPECT_FALSE(r.cpu);
  const auto &arg = spec->linux->seccomp->syscalls[0].args[0];
  EXPECT_EQ(arg.index, 1u);
  EXPECT_EQ(arg.value, 0u);
  EXPECT_EQ(arg.value_two, 5u);
}

struct BadCase {
  const char *name;
  std::function<void(nlohmann::json &)> edit;
  const char *expected; // substring of the error line
};

class SpecErrors : public testing::TestWithParam<BadCase> {};

TEST_P(SpecErrors, AreOneClearLine) {
  auto j = base_json();
  GetParam().edit(j);
  auto spec = parse_spec(j.dump());
  Result<> r = spec ? validate_spec(*spec) : Result<>(std::unexpected(spec.error()));
  ASSERT_FALSE(r) << GetParam().name;
  EXPECT_NE(r.error().message.find(GetParam().expected), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Bad, SpecErrors,
    testing::Values(
        BadCase{"unknown namespace",
                [](auto &j) {
                  j["linux"]["namespaces"].push_back({{"type", "bogus"}});
                },
                "linux.namespaces[5].type: unknown namespace type \"bogus\""},
        BadCase{"args not strings",
                [](auto &j) {
                  j["process"]["args"] = {"sh", 3};
                },
                "process.args[1]: expected a string"},
        BadCase{"negative uid", [](auto &j) { j["process"]["user"]["uid"] = -1; },
                "process.user.uid: expected a non-negative integer"},
        BadCase{"missing oci version", [](auto &j) { j.erase("ociVersion"); }, "ociVersion"},
        BadCase{"escaping mount",
                [](auto &j) {
                  j["mounts"].push_back(
                      {{"destination", "/../../etc"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
                },
                "outside the rootfs"},
        BadCase{"empty args", [](auto &j) { j["process"]["args"] = nlohmann::json::array(); },
                "process.args: must not be empty"},
        BadCase{"relative cwd", [](auto &j) { j["process"]["cwd"] = "tmp"; }, "process.cwd"},
        BadCase{"duplicate namespace",
                [](auto &j) {
                  j["linux"]["namespaces"].push_back({{"type", "pid"}});
                },
                "duplicate \"pid\""},
        BadCase{"user ns without maps",
                [](auto &j) {
                  j["linux"]["namespaces"].push_back({{"type", "user"}});
                },
                "uidMappings"},
        BadCase{"hostname without uts",
                [](auto &j) {
                  auto &ns = j["linux"]["namespaces"];
                  for (size_t i = 0; i < ns.size(); ++i)
                    if (ns[i]["type"] == "uts")
                      ns.erase(i);
                },
                "UTS"},
        BadCase{"host sysctl",
                [](auto &j) {
                  j["linux"]["sysctl"] = {{"vm.swappiness", "1"}};
                },
                "vm.swappiness"},
        BadCase{"bad rlimit", [](auto &j) { j["process"]["rlimits"][0]["type"] = "RLIMIT_BOGUS"; },
                "RLIMIT_BOGUS"},
        BadCase{"no root", [](auto &j) { j.erase("root"); }, "root.path"},
        BadCase{"root not an object", [](auto &j) { j["root"] = "/"; },
                "config.json: root: expected an object"},
        BadCase{"console size not an object", [](auto &j) { j["process"]["consoleSize"] = 1; },
                "process.consoleSize: expected an object"},
        BadCase{"oom killer not a bool",
                [](auto &j) {
                  j["linux"]["resources"] = {{"memory", {{"disableOOMKiller", 1}}}};
                },
                "linux.resources.memory.disableOOMKiller: expected true or false"},
        BadCase{"pids limit a string",
                [](auto &j) {
                  j["linux"]["resources"] = {{"pids", {{"limit", "max"}}}};
                },
                "linux.resources.pids.limit: expected an integer"},
        BadCase{"negative rate",
                [](auto &j) {
                  j["linux"]["resources"]["blockIO"]["throttleReadBpsDevice"] = {{{"rate", -1}}};
                },
                "linux.resources.blockIO.throttleReadBpsDevice[0].rate: expected a non-negative "
                "integer"},
        BadCase{"sysctl not strings",
                [](auto &j) {
                  j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", 1}};
                },
                "linux.sysctl.net.ipv4.ip_forward: expected a string"},
        BadCase{"console height too large",
                [](auto &j) {
                  j["process"]["consoleSize"] = {{"height", 1ull << 40}};
                },
                "process.consoleSize.height: integer out of range"}),
    [](const auto &param_info) {
      std::string n = param_info.param.name;
      for (auto &c : n)
        if (!isalnum(static_cast<unsigned char>(c)))
          c = '_';
      return n;
    });

TEST(SpecParse, MalformedJsonIsOneLine) {
  auto spec = parse_spec("{\"ociVersion\": ");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().message, "config.json: not valid JSON");
}

TEST(SpecParse, ProcessJsonForExec) {
  auto p = parse_process(R"({"args":["ls","-l"],"cwd":"/tmp","env":["A=1"],
                             "user":{"uid":5,"gid":6,"additionalGids":[7]},"terminal":true})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->args.size(), 2u);
  EXPECT_EQ(p->cwd, "/tmp");
  EXPECT_EQ(p->user.uid, 5u);
  EXPECT_EQ(p->user.additional_gids, std::vector<uint32_t>{7});
  EXPECT_TRUE(p->terminal);
}

TEST(SpecParse, LoadSpecReportsMissingBundle) {
  auto spec = load_spec("/nonexistent-bundle-dir");
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message.find("/nonexistent-bundle-dir/config.json"), std::string::npos);
}

} // namespace
} // namespace isobox::oci
