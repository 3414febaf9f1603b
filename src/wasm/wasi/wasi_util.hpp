// Internal helpers shared by the WASI function files: errno plumbing and iovec gathering.
#pragma once

#include <sys/uio.h>

#include <time.h>

#include <array>
#include <optional>
#include <vector>

#include "wasm/wasi/guest_memory.hpp"
#include "wasm/wasi/sandbox_path.hpp"

/// Yields the value of a WasiResult or returns its Errno from the enclosing function.
#define ISOBOX_WASI_TRY(expr)                                                                      \
  __extension__({                                                                                  \
    auto isobox_wasi_result_ = (expr);                                                             \
    if (!isobox_wasi_result_.has_value())                                                          \
      return isobox_wasi_result_.error();                                                          \
    std::move(isobox_wasi_result_).value();                                                        \
  })

/// Returns `fault` from the enclosing function when a guest-memory store is out of bounds.
#define ISOBOX_WASI_STORE(mem, ptr, value)                                                         \
  do {                                                                                             \
    if (!(mem).store((ptr), (value)))                                                              \
      return ::isobox::wasm::wasi::Errno::Fault;                                                   \
  } while (0)

namespace isobox::wasm::wasi {

/// An optional from GuestMemory as a WasiResult (nothing => fault).
template <typename T> WasiResult<T> need(std::optional<T> v) {
  if (!v)
    return std::unexpected(Errno::Fault);
  return std::move(*v);
}

/// Host iovecs for a guest (c)iovec array; each buffer is bounds-checked. Arrays longer than
/// IOV_MAX are cut (a short read/write, which POSIX allows).
WasiResult<std::vector<iovec>> gather_iovs(GuestMemory m, uint32_t iovs, uint32_t iovs_len);

/// futimens/utimensat times for preview1 (atim, mtim, fstflags); inval on contradicting flags.
WasiResult<std::array<timespec, 2>> host_times(uint64_t atim, uint64_t mtim, uint32_t fstflags);

/// The host errno of the last failed syscall as a WASI errno.
Errno last_errno();

} // namespace isobox::wasm::wasi
