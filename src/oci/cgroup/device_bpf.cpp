// The cgroup v2 device filter as eBPF (see device_bpf.hpp).
#include "oci/cgroup/device_bpf.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.hpp"

namespace isobox::oci::cgroup {
namespace {

// Registers: r1 = ctx on entry; r2 = device type, r3 = requested access, r4 = major,
// r5 = minor, r6 = scratch, r0 = verdict.
constexpr uint8_t R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6;

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst & 0xf;
  i.src_reg = src & 0xf;
  i.off = off;
  i.imm = imm;
  return i;
}
bpf_insn load_ctx_u32(uint8_t dst, int16_t off) {
  return insn(BPF_LDX | BPF_MEM | BPF_W, dst, R1, off, 0);
}
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) {
  return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}
bpf_insn mov32_reg(uint8_t dst, uint8_t src) {
  return insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
}
bpf_insn jne_imm(uint8_t dst, int32_t imm, int16_t skip) {
  return insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, skip, imm);
}
bpf_insn mov64_imm(uint8_t dst, int32_t imm) {
  return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}
bpf_insn exit_insn() { return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

int32_t access_mask(const std::string &access) {
  if (access.empty())
    return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  int32_t mask = 0;
  for (char c : access)
    mask |= c == 'm'   ? BPF_DEVCG_ACC_MKNOD
            : c == 'r' ? BPF_DEVCG_ACC_READ
            : c == 'w' ? BPF_DEVCG_ACC_WRITE
                       : 0;
  return mask;
}

/// One rule: a block of tests, each jumping past the block on mismatch, then the verdict.
std::vector<bpf_insn> rule_block(const LinuxDeviceCgroup &rule) {
  std::vector<bpf_insn> tests;
  const std::string type = rule.type.empty() ? "a" : rule.type;
  if (type != "a") {
    tests.push_back(jne_imm(R2, type == "b" ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0));
    const int32_t all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
    if (const int32_t mask = access_mask(rule.access); mask != all) {
      // Every requested access bit must be in the rule: (access & ~mask) == 0.
      tests.push_back(mov32_reg(R6, R3));
      tests.push_back(alu32_imm(BPF_AND, R6, ~mask & all));
      tests.push_back(jne_imm(R6, 0, 0));
    }
    if (rule.major && *rule.major >= 0)
      tests.push_back(jne_imm(R4, static_cast<int32_t>(*rule.major), 0));
    if (rule.minor && *rule.minor >= 0)
      tests.push_back(jne_imm(R5, static_cast<int32_t>(*rule.minor), 0));
  }
  // Each jump skips the remaining tests and the two verdict instructions.
  for (size_t i = 0; i < tests.size(); ++i)
    if (tests[i].code == (BPF_JMP | BPF_JNE | BPF_K)) // (BPF_OP alone is also ALU's BPF_AND)
      tests[i].off = static_cast<int16_t>(tests.size() - i - 1 + 2);
  tests.push_back(mov64_imm(R0, rule.allow ? 1 : 0));
  tests.push_back(exit_insn());
  return tests;
}

long bpf(int cmd, bpf_attr &attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

/// Detaches every program attached to `cgroup_fd` (BPF_CGROUP_DEVICE), so re-applying
/// resources replaces the filter instead of stacking another one.
void detach_existing(int cgroup_fd) {
  uint32_t ids[64];
  bpf_attr query{};
  query.query.target_fd = static_cast<uint32_t>(cgroup_fd);
  query.query.attach_type = BPF_CGROUP_DEVICE;
  query.query.prog_ids = reinterpret_cast<uint64_t>(ids);
  query.query.prog_cnt = 64;
  if (bpf(BPF_PROG_QUERY, query) != 0)
    return;
  for (uint32_t i = 0; i < query.query.prog_cnt; ++i) {
    bpf_attr get{};
    get.prog_id = ids[i];
    UniqueFd prog(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, get)));
    if (!prog)
      continue;
    bpf_attr detach{};
    detach.target_fd = static_cast<uint32_t>(cgroup_fd);
    detach.attach_bpf_fd = static_cast<uint32_t>(prog.get());
    detach.attach_type = BPF_CGROUP_DEVICE;
    bpf(BPF_PROG_DETACH, detach);
  }
}

} // namespace

std::vector<bpf_insn> compile_device_program(const std::vector<LinuxDeviceCgroup> &rules) {
  std::vector<bpf_insn> prog = {
      load_ctx_u32(R2, offsetof(bpf_cgroup_dev_ctx, access_type)),
      alu32_imm(BPF_AND, R2, 0xffff), // device type
      load_ctx_u32(R3, offsetof(bpf_cgroup_dev_ctx, access_type)),
      alu32_imm(BPF_RSH, R3, 16), // requested access
      load_ctx_u32(R4, offsetof(bpf_cgroup_dev_ctx, major)),
      load_ctx_u32(R5, offsetof(bpf_cgroup_dev_ctx, minor)),
  };
  // Last matching rule wins: emit the rules backwards, the first hit exits.
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    const auto block = rule_block(*it);
    prog.insert(prog.end(), block.begin(), block.end());
    // A rule that matches every device ends the program: code after it would be unreachable,
    // which the verifier rejects (EINVAL).
    if (block.size() == 2)
      return prog;
  }
  prog.push_back(mov64_imm(R0, 0)); // no rule: deny
  prog.push_back(exit_insn());
  return prog;
}

Result<> attach_device_program(const std::string &dir,
                               const std::vector<LinuxDeviceCgroup> &rules) {
  const auto prog = compile_device_program(rules);
  static const char license[] = "Apache";
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(prog.data());
  load.insn_cnt = static_cast<uint32_t>(prog.size());
  load.license = reinterpret_cast<uint64_t>(license);
  UniqueFd prog_fd(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
  if (!prog_fd) {
    // Load again with the verifier log, for a message that says what was wrong.
    const int err = errno;
    std::string log(1 << 16, '\0');
    load.log_buf = reinterpret_cast<uint64_t>(log.data());
    load.log_size = static_cast<uint32_t>(log.size());
    load.log_level = 1;
    UniqueFd(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
    log.resize(std::strlen(log.c_str()));
    while (!log.empty() && log.back() == '\n')
      log.pop_back();
    errno = err;
    const size_t last = log.rfind('\n', log.rfind('\n') - 1); // the verdict line and the stats
    return sys_error("load cgroup device program ({} instructions; verifier: {})", prog.size(),
                     log.substr(last == std::string::npos ? 0 : last + 1));
  }
  UniqueFd cgroup_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup_fd)
    return sys_error("open {}", dir);
  detach_existing(cgroup_fd.get());
  bpf_attr attach{};
  attach.target_fd = static_cast<uint32_t>(cgroup_fd.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attach) != 0)
    return sys_error("attach device program to {}", dir);
  return {};
}

} // namespace isobox::oci::cgroup
