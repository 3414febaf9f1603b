// Unit tests for the audit's setuid / file-capability and modelled scenarios: their fields parsed
// and refused, the root-owned helper placed as the scenario asks.
#include <filesystem>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "eval/audit/privileged_helper.hpp"
#include "eval/audit/scenario.hpp"

namespace isobox::eval::audit {
namespace {

nlohmann::json helper_scenario() {
  return nlohmann::json::parse(R"({"id": "s", "group": "kernel", "threat": "t", "attempt": "a",
    "program": "setuid_gain", "args": ["attack", "{dir}", "audit-suid-helper"], "user": 65534,
    "privileged_helper": "suid", "host_check": "h", "check": {"kind": "root_file_absent"},
    "expected": {"native": "escaped"}})");
}

nlohmann::json modelled_scenario() {
  return nlohmann::json::parse(R"({"id": "m", "group": "cve", "threat": "t", "attempt": "a",
    "modelled_by": "tests/oci: oci.sec_x", "host_check": "h",
    "expected": {"container": "not-expressible"}})");
}

TEST(AuditScenarioFields, HelperUserAndModelledParse) {
  auto s = parse_scenario(helper_scenario());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->privileged_helper, "suid");
  EXPECT_EQ(s->user, 65534);
  EXPECT_EQ(s->check.kind, "root_file_absent");
  EXPECT_FALSE(s->modelled());
  auto m = parse_scenario(modelled_scenario());
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->modelled());
  EXPECT_EQ(m->modelled_by, "tests/oci: oci.sec_x");
  EXPECT_TRUE(m->program.empty());
}

TEST(AuditScenarioFields, RefusedWithOneClearError) {
  auto bad_helper = helper_scenario();
  bad_helper["privileged_helper"] = "sudo";
  auto r = parse_scenario(bad_helper);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sudo"), std::string::npos);
  auto bad_user = helper_scenario();
  bad_user["user"] = 70000;
  EXPECT_FALSE(parse_scenario(bad_user));
  auto modelled_with_program = modelled_scenario();
  modelled_with_program["program"] = "read_path";
  EXPECT_FALSE(parse_scenario(modelled_with_program));
  auto unmodelled = modelled_scenario();
  unmodelled.erase("modelled_by"); // then program and check are required
  EXPECT_FALSE(parse_scenario(unmodelled));
}

TEST(AuditPrivilegedHelper, PlacedSetuidRootOrWithAFileCapability) {
  const std::string programs = default_program_dir();
  if (::geteuid() != 0 || !std::filesystem::exists(programs + "/setuid_gain.native"))
    GTEST_SKIP() << "needs root and the built audit programs";
  char tmpl[] = "/tmp/isobox-audit-helper-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  ASSERT_TRUE(place_privileged_helper(programs, "suid", {dir}));
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/audit-suid-helper").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
  EXPECT_EQ(st.st_mode & 07777, 04755u);
  auto fcap = place_privileged_helper(programs, "fcap", {dir});
  if (fcap) { // setcap present (libcap2-bin): the capability is an xattr on the file
    const std::string path = dir + "/audit-fcap-helper";
    EXPECT_GT(::getxattr(path.c_str(), "security.capability", nullptr, 0), 0);
  } else {
    EXPECT_NE(fcap.error().message.find("libcap2-bin"), std::string::npos) << fcap.error().message;
  }
  EXPECT_FALSE(place_privileged_helper(programs, "sudo", {dir}));
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace isobox::eval::audit
