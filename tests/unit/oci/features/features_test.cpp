// The features document: valid JSON with the runtime-spec fields, consistent with the tables.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "oci/caps/caps.hpp"
#include "oci/features/features.hpp"
#include "oci/seccomp/seccomp.hpp"
#include "oci/seccomp/seccomp_filter.hpp"

namespace isobox::oci {
namespace {

TEST(Features, IsTheRuntimeSpecDocument) {
  const std::string text = features_json();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc.at("ociVersionMin"), "1.0.0");
  EXPECT_EQ(doc.at("ociVersionMax"), "1.1.0");
  EXPECT_EQ(doc.at("hooks").size(), 6u);
  const auto &opts = doc.at("mountOptions");
  for (const char *o : {"ro", "rbind", "nosuid", "rprivate", "strictatime"})
    EXPECT_NE(std::find(opts.begin(), opts.end(), o), opts.end()) << o;
  const auto &linux = doc.at("linux");
  EXPECT_EQ(linux.at("namespaces").size(), 7u);
  EXPECT_EQ(linux.at("capabilities").size(), 41u);
  EXPECT_EQ(linux.at("capabilities").front(), "CAP_CHOWN");
  EXPECT_EQ(linux.at("capabilities").back(), "CAP_CHECKPOINT_RESTORE");
  EXPECT_TRUE(linux.at("cgroup").at("v1").get<bool>());
  EXPECT_TRUE(linux.at("cgroup").at("v2").get<bool>());
  EXPECT_FALSE(linux.at("apparmor").at("enabled").get<bool>());
  EXPECT_FALSE(linux.at("selinux").at("enabled").get<bool>());
  EXPECT_EQ(doc.at("annotations").count("io.github.seccomp.libseccomp.version"), 1u);
}

TEST(Features, SeccompListsWhatTheTranslationAccepts) {
  const auto sec = nlohmann::json::parse(features_json()).at("linux").at("seccomp");
  EXPECT_TRUE(sec.at("enabled").get<bool>());
  // Every advertised action, operator and arch is accepted by the profile translation.
  for (const auto &action : sec.at("actions"))
    EXPECT_TRUE(seccomp::parse_action(action.get<std::string>(), std::nullopt)) << action;
  LinuxSeccomp p{.default_action = "SCMP_ACT_ALLOW"};
  for (const auto &arch : sec.at("archs")) {
    p.architectures = {arch.get<std::string>()};
    EXPECT_TRUE(validate_seccomp(p)) << arch;
  }
  p.architectures.clear();
  for (const auto &op : sec.at("operators")) {
    p.syscalls = {{{"mkdir"}, "SCMP_ACT_ERRNO", std::nullopt, {{1, 0, 0, op.get<std::string>()}}}};
    EXPECT_TRUE(validate_seccomp(p)) << op;
  }
  p.syscalls.clear();
  for (const auto &flag : sec.at("supportedFlags")) {
    p.flags = {flag.get<std::string>()};
    EXPECT_TRUE(validate_seccomp(p)) << flag;
  }
  EXPECT_EQ(std::find(sec.at("actions").begin(), sec.at("actions").end(), "SCMP_ACT_NOTIFY"),
            sec.at("actions").end());
}

} // namespace
} // namespace isobox::oci
