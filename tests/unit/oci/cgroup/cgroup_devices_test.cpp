// cgroup v2 device filter: the generated eBPF, and (root, cgroup2 mounted) its effect on open().
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "cgroup_fake.hpp"
#include "oci/cgroup/cgroup_fs.hpp"
#include "oci/cgroup/device_bpf.hpp"
#include "oci/cgroup/device_rules.hpp"
#include "oci/cgroup/fs_cgroup_manager.hpp"

namespace isobox::oci::cgroup {
namespace {

constexpr size_t kPrologue = 6, kEpilogue = 2;

TEST(DeviceBpf, ProgramShape) {
  // deny all: one unconditional verdict ends the program (no unreachable default after it).
  EXPECT_EQ(compile_device_program({{false, "a", std::nullopt, std::nullopt, "rwm"}}).size(),
            kPrologue + 2);
  EXPECT_EQ(compile_device_program({}).size(), kPrologue + kEpilogue);
  // c 1:3 rwm: type, major, minor tests + verdict; "rw" adds the 3-instruction access test.
  const auto prog = compile_device_program({{true, "c", 1, 3, "rwm"}, {true, "b", 8, 0, "rw"}});
  ASSERT_EQ(prog.size(), kPrologue + (3 + 2) + (6 + 2) + kEpilogue);
  // Rules are emitted last-first: the block right after the prologue is "b 8:0 rw".
  const bpf_insn &type_test = prog[kPrologue];
  EXPECT_EQ(BPF_OP(type_test.code), BPF_JNE);
  EXPECT_EQ(type_test.imm, BPF_DEVCG_DEV_BLOCK);
  EXPECT_EQ(type_test.off, 5 + 2); // skips 5 more tests and the verdict
  const bpf_insn &access_and = prog[kPrologue + 2];
  EXPECT_EQ(access_and.imm, BPF_DEVCG_ACC_MKNOD); // requesting mknod falls through
  EXPECT_EQ(access_and.off, 0);                   // ALU instructions have no offset
  const bpf_insn &verdict = prog[kPrologue + 6];
  EXPECT_EQ(verdict.imm, 1);
  // The final default is deny.
  EXPECT_EQ(prog[prog.size() - 2].imm, 0);
}

/// Child: waits for the parent to move it into the cgroup, then reports open() results:
/// 0 when `allowed` opens and `refused` fails with EPERM.
int probe_devices(int ready_fd, const char *allowed, const char *refused) {
  char c;
  if (::read(ready_fd, &c, 1) != 1)
    return 10;
  const int ok_fd = ::open(allowed, O_WRONLY);
  if (ok_fd < 0)
    return 1;
  const int bad_fd = ::open(refused, O_WRONLY);
  if (bad_fd >= 0 || errno != EPERM)
    return 2;
  return 0;
}

/// Makes a cgroup in this host's cgroup2 hierarchy alone (as on a pure v2 host: on this hybrid
/// host the v1 devices controller of the child stays the permissive root, so only the BPF
/// program can deny), applies `resources`, runs probe_devices in it and returns its exit code.
/// Skips (returns -1) when not root or no cgroup2 is mounted.
int run_in_v2_cgroup(const LinuxResources &resources, const char *allowed, const char *refused) {
  auto host = detect_layout();
  if (::geteuid() != 0 || !host || host->unified.empty())
    return -1;
  CgroupLayout v2only{CgroupMode::V2, {}, host->unified};
  const std::string id = fmt::format("dev-{}", ::getpid());
  const std::string subtree_before =
      read_file(host->unified, "cgroup.subtree_control").value_or("");
  auto m = make_fs_cgroup_manager(v2only, CgroupConfig{id, "/isobox-unit-dev/" + id, false});
  EXPECT_TRUE(m);
  if (!m)
    return 20;
  auto created = (*m)->create(resources);
  EXPECT_TRUE(created) << created.error().message;

  int pipefd[2];
  EXPECT_EQ(::pipe(pipefd), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipefd[1]);
    ::_exit(probe_devices(pipefd[0], allowed, refused));
  }
  ::close(pipefd[0]);
  EXPECT_TRUE((*m)->add_process(child));
  EXPECT_EQ(::write(pipefd[1], "x", 1), 1);
  ::close(pipefd[1]);
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status)) << status;

  EXPECT_TRUE((*m)->destroy());
  ::rmdir((host->unified + "/isobox-unit-dev").c_str());
  // Leave the host's cgroup2 root as it was (create() enabled its controllers).
  if (subtree_before.empty()) {
    const std::string now = read_file(host->unified, "cgroup.subtree_control").value_or("");
    for (size_t s = 0; s < now.size();) {
      size_t e = now.find(' ', s);
      if (e == std::string::npos)
        e = now.size();
      (void)write_file(host->unified, "cgroup.subtree_control", "-" + now.substr(s, e - s));
      s = e + 1;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 30;
}

TEST(DeviceBpfHost, WhitelistIsEnforcedOnCgroup2) {
  const int rc = run_in_v2_cgroup({}, "/dev/null", "/dev/kmsg");
  if (rc < 0)
    GTEST_SKIP() << "needs root and a cgroup2 mount";
  EXPECT_EQ(rc, 0) << "1: /dev/null refused, 2: /dev/kmsg (c 1:11) not refused";
}

TEST(DeviceBpfHost, ConfiguredDeviceIsAllowedOnCgroup2) {
  // What create() passes for linux.devices = [/dev/kmsg] under a deny-all resources.devices.
  LinuxDevice kmsg;
  kmsg.path = "/dev/kmsg";
  kmsg.major = 1;
  kmsg.minor = 11;
  LinuxResources r;
  r.devices = with_configured_devices({{false, "", std::nullopt, std::nullopt, "rwm"}}, {kmsg});
  if (::access("/dev/fuse", F_OK) != 0)
    GTEST_SKIP() << "no /dev/fuse to show an unlisted device is still refused";
  const int rc = run_in_v2_cgroup(r, "/dev/kmsg", "/dev/fuse");
  if (rc < 0)
    GTEST_SKIP() << "needs root and a cgroup2 mount";
  EXPECT_EQ(rc, 0) << "1: listed /dev/kmsg refused, 2: unlisted /dev/fuse (c 10:229) not refused";
}

} // namespace
} // namespace isobox::oci::cgroup
