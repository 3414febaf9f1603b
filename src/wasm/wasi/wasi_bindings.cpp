// Adapts each Wasi member function to a HostFunc: core Wasm i32/i64 arguments in, errno out.
#include "wasm/wasi/wasi_bindings.hpp"

#include <fmt/format.h>

#include <tuple>
#include <utility>

namespace isobox::wasm::wasi {
namespace {

template <typename T> constexpr ValType val_type() {
  static_assert(std::is_same_v<T, uint32_t> || std::is_same_v<T, uint64_t>);
  return sizeof(T) == 8 ? ValType::I64 : ValType::I32;
}

GuestMemory view(HostCall &call) {
  return call.memory ? GuestMemory(call.memory->bytes()) : GuestMemory();
}

Value errno_value(Errno e) { return Value::i32(static_cast<uint16_t>(e)); }

// Functions that touch guest memory: Errno (Wasi::*)(GuestMemory, A...).
template <typename... A, size_t... I>
Errno call_mem(Wasi &w, Errno (Wasi::*fn)(GuestMemory, A...), GuestMemory m,
               std::span<const Value> args, std::index_sequence<I...>) {
  return (w.*fn)(m, static_cast<A>(args[I].bits)...);
}
template <typename... A>
std::pair<FuncType, HostFunc> bind(Wasi &w, Errno (Wasi::*fn)(GuestMemory, A...)) {
  FuncType type{{val_type<A>()...}, {ValType::I32}};
  HostFunc f = [&w, fn](HostCall &call, std::span<const Value> args,
                        std::span<Value> results) -> std::optional<Trap> {
    results[0] = errno_value(call_mem(w, fn, view(call), args, std::index_sequence_for<A...>{}));
    return std::nullopt;
  };
  return {std::move(type), std::move(f)};
}

// Functions on descriptors only: Errno (Wasi::*)(A...).
template <typename... A, size_t... I>
Errno call_plain(Wasi &w, Errno (Wasi::*fn)(A...), std::span<const Value> args,
                 std::index_sequence<I...>) {
  (void)args; // unused for sched_yield
  return (w.*fn)(static_cast<A>(args[I].bits)...);
}
template <typename... A> std::pair<FuncType, HostFunc> bind(Wasi &w, Errno (Wasi::*fn)(A...)) {
  FuncType type{{val_type<A>()...}, {ValType::I32}};
  HostFunc f = [&w, fn](HostCall &, std::span<const Value> args,
                        std::span<Value> results) -> std::optional<Trap> {
    results[0] = errno_value(call_plain(w, fn, args, std::index_sequence_for<A...>{}));
    return std::nullopt;
  };
  return {std::move(type), std::move(f)};
}

// X-list of every preview1 function implemented by a Wasi member of the same name.
// clang-format off
#define ISOBOX_WASI_FUNCTIONS(X) \
  X(args_get) X(args_sizes_get) X(environ_get) X(environ_sizes_get) X(clock_res_get) \
  X(clock_time_get) X(random_get) X(sched_yield) X(fd_advise) X(fd_allocate) X(fd_close) \
  X(fd_datasync) X(fd_fdstat_get) X(fd_fdstat_set_flags) X(fd_fdstat_set_rights) \
  X(fd_filestat_get) X(fd_filestat_set_size) X(fd_filestat_set_times) X(fd_pread) \
  X(fd_prestat_get) X(fd_prestat_dir_name) X(fd_pwrite) X(fd_read) X(fd_readdir) \
  X(fd_renumber) X(fd_seek) X(fd_sync) X(fd_tell) X(fd_write) X(path_create_directory) \
  X(path_filestat_get) X(path_filestat_set_times) X(path_link) X(path_open) X(path_readlink) \
  X(path_remove_directory) X(path_rename) X(path_symlink) X(path_unlink_file) X(poll_oneoff) \
  X(sock_accept) X(sock_recv) X(sock_send) X(sock_shutdown)
// clang-format on

} // namespace

std::map<std::string, uint32_t, std::less<>> add_wasi_functions(Store &store, Wasi &wasi) {
  std::map<std::string, uint32_t, std::less<>> out;
#define ISOBOX_WASI_ADD(name)                                                                      \
  {                                                                                                \
    auto [type, fn] = bind(wasi, &Wasi::name);                                                     \
    out.emplace(#name, store.add_host_func(std::move(type), std::move(fn)));                       \
  }
  ISOBOX_WASI_FUNCTIONS(ISOBOX_WASI_ADD)
#undef ISOBOX_WASI_ADD
  // proc_exit ends the guest cleanly: a Trap carrying the exit code unwinds the interpreter.
  out.emplace("proc_exit",
              store.add_host_func(FuncType{{ValType::I32}, {}},
                                  [](HostCall &, std::span<const Value> args,
                                     std::span<Value>) -> std::optional<Trap> {
                                    return Trap{"exit", static_cast<int>(args[0].bits)};
                                  }));
  // proc_raise: isobox delivers no signals to guests; raising one is a fault that ends it.
  out.emplace("proc_raise",
              store.add_host_func(FuncType{{ValType::I32}, {ValType::I32}},
                                  [](HostCall &, std::span<const Value> args,
                                     std::span<Value>) -> std::optional<Trap> {
                                    return Trap{fmt::format("proc_raise({})", args[0].bits), {}};
                                  }));
  return out;
}

ImportResolver wasi_import_resolver(std::map<std::string, uint32_t, std::less<>> funcs) {
  return [funcs = std::move(funcs)](std::string_view module,
                                    std::string_view name) -> std::optional<ExternVal> {
    if (module != kModuleName)
      return std::nullopt;
    auto it = funcs.find(name);
    if (it == funcs.end())
      return std::nullopt;
    return ExternVal{ExternKind::Func, it->second};
  };
}

std::vector<std::string> wasi_function_names() {
  std::vector<std::string> names;
#define ISOBOX_WASI_NAME(name) names.emplace_back(#name);
  ISOBOX_WASI_FUNCTIONS(ISOBOX_WASI_NAME)
#undef ISOBOX_WASI_NAME
  names.emplace_back("proc_exit");
  names.emplace_back("proc_raise");
  return names;
}

} // namespace isobox::wasm::wasi
