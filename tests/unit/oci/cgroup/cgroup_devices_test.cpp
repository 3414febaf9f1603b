// cgroup v2 device filter: the generated eBPF, and (root, cgroup2 mounted) its effect on open().
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "cgroup_fake.hpp"
#include "oci/cgroup/cgroup_fs.hpp"
#include "oci/cgroup/device_bpf.hpp"
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

/// Child: waits for the parent to move it into the cgroup, then reports open() results.
int probe_devices(int ready_fd) {
  char c;
  if (::read(ready_fd, &c, 1) != 1)
    return 10;
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd < 0)
    return 1;
  const int kmsg = ::open("/dev/kmsg", O_RDONLY);
  if (kmsg >= 0 || errno != EPERM)
    return 2;
  return 0;
}

TEST(DeviceBpfHost, WhitelistIsEnforcedOnCgroup2) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root";
  auto host = detect_layout();
  ASSERT_TRUE(host);
  if (host->unified.empty())
    GTEST_SKIP() << "no cgroup2 mount";
  // Use only the cgroup2 hierarchy, as on a pure v2 host (on this hybrid host the v1 devices
  // controller of the child stays the permissive root, so only the BPF program can deny).
  CgroupLayout v2only{CgroupMode::V2, {}, host->unified};
  const std::string id = fmt::format("dev-{}", ::getpid());
  const std::string subtree_before =
      read_file(host->unified, "cgroup.subtree_control").value_or("");
  auto m = make_fs_cgroup_manager(v2only, CgroupConfig{id, "/isobox-unit-dev/" + id, false});
  ASSERT_TRUE(m);
  auto created = (*m)->create({});
  ASSERT_TRUE(created) << created.error().message;

  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipefd[1]);
    ::_exit(probe_devices(pipefd[0]));
  }
  ::close(pipefd[0]);
  EXPECT_TRUE((*m)->add_process(child));
  ASSERT_EQ(::write(pipefd[1], "x", 1), 1);
  ::close(pipefd[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: /dev/null refused, 2: /dev/kmsg not refused";

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
}

} // namespace
} // namespace isobox::oci::cgroup
