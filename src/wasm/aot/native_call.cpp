// Invoke boundary, trap unwinding and the guard-page fault handler of compiled code.
#include "wasm/aot/native_call.hpp"

#include <pthread.h>
#include <signal.h>
#include <ucontext.h>

#include <array>
#include <atomic>
#include <csetjmp>
#include <mutex>

namespace isobox::wasm::aot {
namespace {

struct Boundary {
  sigjmp_buf jmp;
  TrapCode code = TrapCode::Unreachable;
  std::optional<Trap> host_trap; ///< a trap from a host function (or proc_exit)
};

thread_local Boundary *t_boundary = nullptr;
thread_local uintptr_t t_stack_limit = 0;

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

/// A fault in compiled code with a boundary to return to is a guest memory access outside the
/// accessible part of its memory (the guard regions): the trap "out of bounds memory access".
/// Anything else is not ours: the previous disposition is restored and the fault repeats.
void on_fault(int sig, siginfo_t *, void *uctx) {
  const auto *uc = static_cast<const ucontext_t *>(uctx);
  const auto pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (t_boundary != nullptr && is_compiled_code(pc)) {
    t_boundary->code = TrapCode::MemOob;
    siglongjmp(t_boundary->jmp, 1);
  }
  sigaction(sig, sig == SIGSEGV ? &g_old_segv : &g_old_bus, nullptr);
}

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
/// stack, left for host functions and the runtime's helpers.
uintptr_t compute_stack_limit() {
  constexpr uintptr_t kReserve = 256 * 1024;
  pthread_attr_t attr;
  void *addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (addr == nullptr || size <= 2 * kReserve)
    return here - 1024 * 1024; // unknown stack: allow 1 MiB below this frame
  return reinterpret_cast<uintptr_t>(addr) + kReserve;
}

} // namespace

void prepare_thread() {
  static std::once_flag once;
  std::call_once(once, install_handler);
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
  // A trap skips the returns that give calls back: the counter is restored here.
  const uint32_t saved_depth = ctx->depth_left ? *ctx->depth_left : 0;
  ctx->stack_limit = t_stack_limit;
  t_boundary = &b;
  if (sigsetjmp(b.jmp, 0) == 0) {
    entry(ctx, cells);
    t_boundary = outer;
    ctx->stack_limit = saved_limit;
    return {};
  }
  t_boundary = outer;
  ctx->stack_limit = saved_limit;
  if (ctx->depth_left)
    *ctx->depth_left = saved_depth;
  if (b.host_trap)
    return std::unexpected(std::move(*b.host_trap));
  return std::unexpected(Trap{trap_message(b.code), std::nullopt});
}

void raise_trap(Trap &&trap) {
  t_boundary->host_trap = std::move(trap);
  siglongjmp(t_boundary->jmp, 1);
}

void raise_trap(TrapCode code) {
  t_boundary->code = code;
  siglongjmp(t_boundary->jmp, 1);
}

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
