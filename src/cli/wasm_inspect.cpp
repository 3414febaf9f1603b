// validate: decode + validate, one line either way; dump: a readable listing of a module.
#include "cli/wasm_inspect.hpp"

#include <fmt/format.h>

#include "wasm/binary/decoder.hpp"
#include "wasm/binary/print_code.hpp"
#include "wasm/embed/run_module.hpp"
#include "wasm/interp/op_table.hpp"

namespace isobox::cli {
namespace {

std::string_view kind_name(wasm::ExternKind k) {
  switch (k) {
  case wasm::ExternKind::Func: return "func";
  case wasm::ExternKind::Table: return "table";
  case wasm::ExternKind::Memory: return "memory";
  case wasm::ExternKind::Global: return "global";
  }
  return "?";
}

std::string types_text(const std::vector<wasm::ValType> &types) {
  std::string s;
  for (auto t : types)
    s += fmt::format(" {}", wasm::to_string(t));
  return s;
}

std::string func_type_text(const wasm::FuncType &t) {
  return fmt::format("(func (param{}) (result{}))", types_text(t.params), types_text(t.results));
}

std::string limits_text(const wasm::Limits &l) {
  return l.max ? fmt::format("{}..{}", l.min, *l.max) : fmt::format("{}..", l.min);
}

void dump_header(const wasm::Module &m, std::string &out) {
  for (size_t i = 0; i < m.types.size(); ++i)
    out += fmt::format("type[{}] {}\n", i, func_type_text(m.types[i]));
  for (size_t i = 0; i < m.imports.size(); ++i) {
    const auto &im = m.imports[i];
    out += fmt::format("import[{}] \"{}\" \"{}\" {}", i, im.module, im.name, kind_name(im.kind));
    if (im.kind == wasm::ExternKind::Func)
      out += fmt::format(" type {}", im.func_type);
    out += "\n";
  }
  for (size_t i = 0; i < m.tables.size(); ++i)
    out += fmt::format("table[{}] {} {}\n", m.imported_tables + i,
                       wasm::to_string(m.tables[i].elem), limits_text(m.tables[i].limits));
  for (size_t i = 0; i < m.memories.size(); ++i)
    out += fmt::format("memory[{}] pages {}\n", m.imported_memories + i,
                       limits_text(m.memories[i].limits));
  for (size_t i = 0; i < m.globals.size(); ++i)
    out += fmt::format("global[{}] {}{}\n", m.imported_globals + i,
                       m.globals[i].type.is_mutable ? "mut " : "",
                       wasm::to_string(m.globals[i].type.type));
  for (const auto &e : m.exports)
    out += fmt::format("export \"{}\" {} {}\n", e.name, kind_name(e.kind), e.index);
  if (m.start)
    out += fmt::format("start func {}\n", *m.start);
  out += fmt::format("elem segments: {}, data segments: {}, custom sections: {}\n", m.elems.size(),
                     m.datas.size(), m.customs.size());
}

void register_validate(CLI::App &wasm, Context &ctx) {
  auto path = std::make_shared<std::string>();
  CLI::App *cmd = wasm.add_subcommand("validate", "decode and validate a module (exit 1 if not)");
  cmd->add_option("module", *path, "module.wasm")->required();
  cmd->callback([path, &ctx] {
    auto v = load_validated(*path);
    if (v)
      fmt::print("{}: valid\n", *path);
    ctx.exit_code = finish("wasm validate", v ? Result<int>(0) : std::unexpected(v.error()));
  });
}

void register_dump(CLI::App &wasm, Context &ctx) {
  auto path = std::make_shared<std::string>();
  auto code = std::make_shared<bool>(false);
  CLI::App *cmd = wasm.add_subcommand("dump", "print a module's sections and function code");
  cmd->add_option("module", *path, "module.wasm")->required();
  cmd->add_flag("--code", *code,
                "print the interpreter's compiled code instead (internal and fused operators)");
  cmd->callback([path, code, &ctx] {
    auto run = [&]() -> Result<int> {
      if (*code) {
        auto module = ISOBOX_TRY(read_module(*path));
        auto compiled = wasm::validate_for_interp(std::move(module));
        if (!compiled)
          return std::unexpected(compiled.error().wrap(*path));
        fmt::print("{}", ISOBOX_TRY(dump_compiled_code(*compiled)));
        return 0;
      }
      const auto module = ISOBOX_TRY(read_module(*path));
      fmt::print("{}", ISOBOX_TRY(dump_module(module)));
      return 0;
    };
    ctx.exit_code = finish("wasm dump", run());
  });
}

} // namespace

Result<wasm::Module> read_module(const std::string &path) {
  const auto bytes = ISOBOX_TRY(wasm::embed::read_module_file(path));
  auto module = wasm::decode(bytes);
  if (!module)
    return std::unexpected(module.error().wrap(path));
  return module;
}

Result<std::shared_ptr<const wasm::ValidatedModule>> load_validated(const std::string &path) {
  auto module = ISOBOX_TRY(read_module(path));
  auto validated = wasm::validate(std::move(module));
  if (!validated)
    return std::unexpected(validated.error().wrap(path));
  return validated;
}

Result<std::string> dump_module(const wasm::Module &m) {
  std::string out;
  dump_header(m, out);
  for (uint32_t i = 0; i < m.funcs.size(); ++i) {
    const uint32_t index = m.imported_funcs + i;
    out += fmt::format("func[{}] type {} {}\n", index, m.funcs[i],
                       m.funcs[i] < m.types.size() ? func_type_text(m.types[m.funcs[i]]) : "?");
    if (i >= m.bodies.size())
      return make_error("function {} has no body", index);
    out += ISOBOX_TRY(wasm::print_code(m, index));
  }
  return out;
}

Result<std::string> dump_compiled_code(const wasm::InterpModule &module) {
  std::string out;
  const uint32_t imported = module.validated->module.imported_funcs;
  for (uint32_t i = 0; i < module.code->funcs.size(); ++i) {
    const auto &f = module.code->funcs[i];
    out += fmt::format("func[{}] code: {} cells ({} params, {} locals), {} units\n", imported + i,
                       f.frame_size, f.num_params, f.num_locals, f.code.size());
    out += ISOBOX_TRY(wasm::disassemble(*module.validated, *module.code, imported + i));
  }
  return out;
}

void register_wasm_inspect(CLI::App &wasm, Context &ctx) {
  register_validate(wasm, ctx);
  register_dump(wasm, ctx);
}

} // namespace isobox::cli
