// Capabilities: name table, validation, and applying sets in a forked child (root only),
// checked through /proc/self/status CapBnd/CapEff/CapPrm/CapInh/CapAmb.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "oci/caps/caps.hpp"

namespace isobox::oci {
namespace {

TEST(Caps, NameTable) {
  EXPECT_EQ(capability_from_name("CAP_CHOWN"), 0);
  EXPECT_EQ(capability_from_name("CAP_NET_BIND_SERVICE"), 10);
  EXPECT_EQ(capability_from_name("CAP_SYS_ADMIN"), 21);
  EXPECT_EQ(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_EQ(capability_from_name("CAP_NOPE"), std::nullopt);
  EXPECT_EQ(capability_from_name("chown"), std::nullopt); // runtime-spec names only
  EXPECT_EQ(capability_name(21), "CAP_SYS_ADMIN");
  EXPECT_EQ(capability_name(41), "");
  EXPECT_EQ(known_capabilities().size(), 41u);
  for (int i = 0; i < 41; ++i)
    EXPECT_EQ(capability_from_name(capability_name(i)), i);
}

TEST(Caps, ValidateRejectsUnknownNames) {
  LinuxCapabilities caps{.bounding = {"CAP_CHOWN"}, .ambient = {"CAP_BOGUS"}};
  auto r = validate_capabilities(caps);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ambient"), std::string::npos);
  EXPECT_NE(r.error().message.find("CAP_BOGUS"), std::string::npos);
  caps.ambient = {"CAP_KILL"};
  EXPECT_TRUE(validate_capabilities(caps));
}

/// The Cap* lines of /proc/self/status as numbers.
std::map<std::string, uint64_t> read_status_caps() {
  std::ifstream in("/proc/self/status");
  std::map<std::string, uint64_t> out;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("Cap"))
      out[line.substr(0, line.find(':'))] =
          std::stoull(line.substr(line.find(':') + 1), nullptr, 16);
  return out;
}

/// Runs `body` in a forked child; returns its Cap* values (or an "error" entry on failure).
std::map<std::string, uint64_t> in_child(const std::function<Result<>()> &body) {
  int fds[2];
  if (::pipe(fds) != 0)
    return {{"error", 1}};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::ostringstream out;
    auto r = body();
    if (!r)
      out << "error " << r.error().message << "\n";
    else
      for (const auto &[k, v] : read_status_caps())
        out << k << " " << v << "\n";
    const std::string text = out.str();
    (void)!::write(fds[1], text.data(), text.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  std::map<std::string, uint64_t> result;
  std::istringstream in(text);
  for (std::string key; in >> key;) {
    if (key == "error") {
      std::string msg;
      std::getline(in, msg);
      ADD_FAILURE() << "child: " << msg;
      result["error"] = 1;
      continue;
    }
    in >> result[key];
  }
  return result;
}

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

TEST(Caps, RootKeepsOnlyTheConfiguredSets) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root (CAP_SETPCAP) to change capability sets";
  const LinuxCapabilities caps{.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"},
                               .effective = {"CAP_CHOWN", "CAP_KILL"},
                               .permitted = {"CAP_CHOWN", "CAP_KILL"}};
  auto got = in_child([&]() -> Result<> {
    ISOBOX_CHECK(drop_bounding_set(caps));
    return apply_capabilities(caps);
  });
  ASSERT_EQ(got.count("error"), 0u);
  EXPECT_EQ(got["CapBnd"], bit(0) | bit(5) | bit(10));
  EXPECT_EQ(got["CapEff"], bit(0) | bit(5));
  EXPECT_EQ(got["CapPrm"], bit(0) | bit(5));
  EXPECT_EQ(got["CapInh"], 0u); // empty unless the config asks
  EXPECT_EQ(got["CapAmb"], 0u);
}

TEST(Caps, NonRootUserKeepsAmbientAcrossSetuid) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to setuid";
  const LinuxCapabilities caps{.bounding = {"CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID"},
                               .effective = {"CAP_NET_BIND_SERVICE"},
                               .inheritable = {"CAP_NET_BIND_SERVICE"},
                               .permitted = {"CAP_NET_BIND_SERVICE"},
                               .ambient = {"CAP_NET_BIND_SERVICE"}};
  // The order the container init uses: bounding, KEEPCAPS, setgid/setuid, then the sets.
  auto got = in_child([&]() -> Result<> {
    ISOBOX_CHECK(drop_bounding_set(caps));
    ISOBOX_CHECK(keep_capabilities_on_setuid(true));
    if (::setgid(65534) != 0 || ::setuid(65534) != 0)
      return sys_error("setuid 65534");
    return apply_capabilities(caps);
  });
  ASSERT_EQ(got.count("error"), 0u);
  EXPECT_EQ(got["CapBnd"], bit(6) | bit(7) | bit(10));
  EXPECT_EQ(got["CapEff"], bit(10));
  EXPECT_EQ(got["CapPrm"], bit(10));
  EXPECT_EQ(got["CapInh"], bit(10));
  EXPECT_EQ(got["CapAmb"], bit(10)); // survives the coming execve of a non-root program
}

TEST(Caps, EffectiveOutsidePermittedIsAnError) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root";
  const LinuxCapabilities caps{.bounding = {"CAP_CHOWN"},
                               .effective = {"CAP_CHOWN", "CAP_KILL"},
                               .permitted = {"CAP_CHOWN"}};
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto r = apply_capabilities(caps);
    ::_exit(!r && r.error().errno_value == EPERM ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

} // namespace
} // namespace isobox::oci
