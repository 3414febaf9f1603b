// Invoke boundary, trap unwinding and the guard-page fault handler of compiled code.
#include "wasm/aot/native_call.hpp"

#include "wasm/aot/trap_site.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csetjmp>
#include <mutex>
#include <utility>

namespace isobox::wasm::aot {
namespace {

struct Boundary {
  sigjmp_buf jmp;
  TrapCode code = TrapCode::Unreachable;
  std::optional<Trap> host_trap; ///< a trap from a host function (or proc_exit)
  TrapSite site;                 ///< where in compiled code, to name the function
  uintptr_t outer_call = 0;      ///< see enter_outer_call
};

/// A return address as a code address inside the call instruction: a call to a noreturn helper
/// may be a function's last instruction, its return address the next function's first byte.
uintptr_t in_call(const void *return_address) {
  return return_address ? reinterpret_cast<uintptr_t>(return_address) - 1 : 0;
}

thread_local Boundary *t_boundary = nullptr;
thread_local uintptr_t t_stack_limit = 0;
thread_local uintptr_t t_stack_low = 0; ///< lowest address of this thread's stack, if known

/// Code ranges of loaded modules; read by the signal handler, so lock-free slots.
constexpr size_t kMaxRanges = 4096;
std::array<std::atomic<uintptr_t>, kMaxRanges> g_begin{}, g_end{};
std::mutex g_ranges_mutex; // writers only

bool is_compiled_code(uintptr_t pc) {
  for (size_t i = 0; i < kMaxRanges; ++i) {
    const uintptr_t b = g_begin[i].load(std::memory_order_acquire);
    if (b != 0 && pc >= b && pc < g_end[i].load(std::memory_order_acquire))
      return true;
  }
  return false;
}

struct sigaction g_old_segv, g_old_bus;

/// Whether a fault at `addr` (with the stack pointer at `sp`) is this thread's stack
/// overflowing: in the guard below its lowest address (a guard page, or the gap the kernel keeps
/// below a growing main-thread stack), or, where the stack's extent is unknown, right at the stack
/// pointer (linear memories are reserved far from any stack).
bool is_stack_overflow(uintptr_t addr, uintptr_t sp) {
  constexpr uintptr_t kGuardWindow = 1 << 20, kPage = 4096, kNearSp = 64 * 1024;
  if (t_stack_low != 0 && addr < t_stack_low + kPage && addr + kGuardWindow >= t_stack_low)
    return true;
  return addr + kNearSp >= sp && addr < sp + kNearSp;
}

/// Async-signal-safe: one line on stderr, then the process ends as a trapped guest does.
[[noreturn]] void die_of_host_stack_overflow() {
  static constexpr char kLine[] =
      "isobox: trap: call stack exhausted (native stack overflow in a host function)\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kLine, sizeof kLine - 1);
  ::_exit(134);
}

/// Runs on the alternate signal stack (a stack overflow leaves no room on the thread's own).
/// A fault in compiled code with a boundary to return to is a guest trap: "call stack exhausted"
/// when it hit the stack's guard, else "out of bounds memory access" (a guard region of a linear
/// memory). A stack overflow in host code below a boundary (a host function called by the guest)
/// cannot be unwound safely (it may hold locks): one line and exit status 134. Anything else is not
/// ours: the previous disposition is restored and the fault repeats.
void on_fault(int sig, siginfo_t *info, void *uctx) {
  const auto *uc = static_cast<const ucontext_t *>(uctx);
  const auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  const auto sp = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]);
  const bool overflow = is_stack_overflow(reinterpret_cast<uintptr_t>(info->si_addr), sp);
  if (t_boundary != nullptr && is_compiled_code(pc)) {
    t_boundary->code = overflow ? TrapCode::StackExhausted : TrapCode::MemOob;
    t_boundary->site = TrapSite{.pc = pc};
    siglongjmp(t_boundary->jmp, 1);
  }
  if (t_boundary != nullptr && overflow)
    die_of_host_stack_overflow();
  sigaction(sig, sig == SIGSEGV ? &g_old_segv : &g_old_bus, nullptr);
}

/// This thread's alternate signal stack, made on first use and freed when the thread ends (a
/// stack the thread already had is kept).
class AltStack {
public:
  AltStack() {
    stack_t old{};
    if (sigaltstack(nullptr, &old) == 0 && !(old.ss_flags & SS_DISABLE))
      return;
    const long min = sysconf(_SC_MINSIGSTKSZ);
    m_size = std::max<size_t>(64 * 1024, min > 0 ? 4 * static_cast<size_t>(min) : 0);
    void *p = mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return;
    stack_t st{.ss_sp = p, .ss_flags = 0, .ss_size = m_size};
    if (sigaltstack(&st, nullptr) == 0)
      m_mem = p;
    else
      munmap(p, m_size);
  }
  ~AltStack() {
    if (m_mem == nullptr)
      return;
    stack_t off{.ss_sp = nullptr, .ss_flags = SS_DISABLE, .ss_size = 0};
    sigaltstack(&off, nullptr);
    munmap(m_mem, m_size);
  }
  AltStack(const AltStack &) = delete;
  AltStack &operator=(const AltStack &) = delete;

private:
  void *m_mem = nullptr;
  size_t m_size = 0;
};

void install_handler() {
  struct sigaction sa {};
  sa.sa_sigaction = on_fault;
  // NODEFER: the handler leaves with siglongjmp without restoring a mask, so do not block.
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, &g_old_segv);
  sigaction(SIGBUS, &sa, &g_old_bus);
}

/// The lowest stack address compiled code may use: 256 KiB above the end of this thread's
/// stack (a quarter of a smaller stack), left for host functions and the runtime's helpers.
/// Also records the end of the stack (t_stack_low) for the fault handler.
uintptr_t compute_stack_limit() {
  constexpr uintptr_t kReserve = 256 * 1024;
  pthread_attr_t attr;
  void *addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  if (addr == nullptr) // unknown stack: allow 1 MiB below this frame
    return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) - 1024 * 1024;
  t_stack_low = reinterpret_cast<uintptr_t>(addr);
  return t_stack_low + std::min<uintptr_t>(kReserve, size / 4);
}

} // namespace

void prepare_thread() {
  static std::once_flag once;
  std::call_once(once, install_handler);
  thread_local AltStack alt_stack;
  if (t_stack_limit == 0)
    t_stack_limit = compute_stack_limit();
}

void register_code(uintptr_t begin, uintptr_t end) {
  std::lock_guard lock(g_ranges_mutex);
  for (size_t i = 0; i < kMaxRanges; ++i)
    if (g_begin[i].load() == 0) {
      g_end[i].store(end, std::memory_order_release);
      g_begin[i].store(begin, std::memory_order_release);
      return;
    }
}

void unregister_code(uintptr_t begin) {
  std::lock_guard lock(g_ranges_mutex);
  for (size_t i = 0; i < kMaxRanges; ++i)
    if (g_begin[i].load() == begin)
      g_begin[i].store(0, std::memory_order_release);
}

std::expected<void, Trap> run_native(AotContext *ctx, void (*entry)(AotContext *, uint64_t *),
                                     uint64_t *cells) {
  prepare_thread();
  Boundary b;
  Boundary *const outer = t_boundary;
  const uintptr_t saved_limit = ctx->stack_limit;
  // Calls out to the runtime raise the depth in use; each boundary puts it back as it was.
  const uint32_t saved_depth = ctx->depth_in_use ? *ctx->depth_in_use : 0;
  ctx->stack_limit = t_stack_limit;
  t_boundary = &b;
  if (sigsetjmp(b.jmp, 0) == 0) {
    entry(ctx, cells);
    t_boundary = outer;
    ctx->stack_limit = saved_limit;
    if (ctx->depth_in_use)
      *ctx->depth_in_use = saved_depth;
    return {};
  }
  t_boundary = outer;
  ctx->stack_limit = saved_limit;
  if (ctx->depth_in_use)
    *ctx->depth_in_use = saved_depth;
  if (b.host_trap)
    return std::unexpected(locate(std::move(*b.host_trap), b.site, ctx->linkage));
  return std::unexpected(locate(Trap{trap_message(b.code), std::nullopt}, b.site, ctx->linkage));
}

void raise_trap(Trap &&trap, const void *return_address) {
  t_boundary->host_trap = std::move(trap);
  t_boundary->site = TrapSite{.pc = in_call(return_address)};
  siglongjmp(t_boundary->jmp, 1);
}

void raise_trap(TrapCode code, const void *return_address) {
  t_boundary->code = code;
  t_boundary->site = TrapSite{.pc = in_call(return_address)};
  siglongjmp(t_boundary->jmp, 1);
}

void raise_entry_trap(TrapCode code, const void *return_address, const void *caller) {
  t_boundary->code = code;
  t_boundary->site = TrapSite{.pc = in_call(return_address),
                              .caller = in_call(caller),
                              .outer_call = t_boundary->outer_call,
                              .prologue = true,
                              .code = code};
  siglongjmp(t_boundary->jmp, 1);
}

uintptr_t enter_outer_call(const void *return_address) {
  return std::exchange(t_boundary->outer_call, in_call(return_address));
}

void leave_outer_call(uintptr_t previous) { t_boundary->outer_call = previous; }

const char *trap_message(TrapCode code) {
  switch (code) {
  case TrapCode::Unreachable: return trap_text::kUnreachable;
  case TrapCode::DivByZero: return trap_text::kDivByZero;
  case TrapCode::IntOverflow: return trap_text::kIntOverflow;
  case TrapCode::InvalidConversion: return trap_text::kInvalidConversion;
  case TrapCode::MemOob: return trap_text::kMemOob;
  case TrapCode::TableOob: return trap_text::kTableOob;
  case TrapCode::UndefinedElement: return trap_text::kUndefinedElement;
  case TrapCode::UninitializedElement: return trap_text::kUninitializedElement;
  case TrapCode::IndirectMismatch: return trap_text::kIndirectMismatch;
  case TrapCode::StackExhausted: return trap_text::kStackExhausted;
  case TrapCode::Interrupted: return trap_text::kInterrupted;
  case TrapCode::FuelExhausted: return trap_text::kFuelExhausted;
  }
  return "unknown trap";
}

} // namespace isobox::wasm::aot
