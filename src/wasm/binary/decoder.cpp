// Binary decoder (spec 5.5): sections in order, vectors, names, segments and well-formed bodies.
#include "wasm/binary/decoder.hpp"

#include "wasm/binary/instr.hpp"
#include "wasm/binary/limits.hpp"

namespace isobox::wasm {
namespace {

constexpr const char *kEof = "unexpected end of section or function";

/// Order rank of known section ids (spec 5.5.2): datacount (12) sits between elem and code.
int section_rank(uint8_t id) {
  static constexpr int kRank[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRank[id];
}

class Decoder {
public:
  explicit Decoder(std::span<const uint8_t> bytes) : m_all(bytes), m_r(bytes) {}
  Result<Module> run();

private:
  Result<void> section(uint8_t id, size_t end);
  Result<uint32_t> count() { return m_r.u32(); }
  /// A vector length, at most `limit` (an implementation limit, see limits.hpp).
  Result<uint32_t> count(uint32_t limit, const char *what) {
    const uint32_t n = ISOBOX_TRY(m_r.u32());
    if (n > limit)
      return too_many(what, n, limit);
    return n;
  }
  static std::unexpected<Error> too_many(const char *what, uint64_t n, uint32_t limit) {
    return make_error("too many {}: {} (implementation limit {})", what, n, limit);
  }
  Result<void> check_totals() const;
  Result<std::span<const uint8_t>> length_bytes() {
    uint32_t n = ISOBOX_TRY(m_r.u32());
    if (n > m_r.remaining())
      return make_error("length out of bounds");
    return m_r.bytes(n);
  }
  Result<Limits> limits();
  Result<TableType> table_type();
  Result<GlobalType> global_type();
  Result<ConstExpr> const_expr();
  Result<void> types();
  Result<void> imports();
  Result<void> elems();
  Result<void> code(size_t section_end);
  Result<void> body(FuncBody &fb, size_t body_end, size_t section_end);
  Result<void> datas();

  std::span<const uint8_t> m_all;
  Reader m_r;
  Module m_m;
  bool m_uses_data_index = false, m_has_data = false;
};

Result<Module> Decoder::run() {
  auto magic = ISOBOX_TRY(m_r.bytes(std::min<size_t>(4, m_r.remaining())));
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6d};
  if (magic.size() < 4)
    return make_error("unexpected end");
  if (!std::equal(magic.begin(), magic.end(), kMagic))
    return make_error("magic header not detected");
  if (m_r.remaining() < 4)
    return make_error("unexpected end");
  if (ISOBOX_TRY(m_r.fixed32()) != 1)
    return make_error("unknown binary version");
  m_r.set_eof_text(kEof);
  int last_rank = 0;
  while (!m_r.at_end()) {
    uint8_t id = ISOBOX_TRY(m_r.u8());
    if (id > 12)
      return make_error("malformed section id");
    uint32_t size = ISOBOX_TRY(m_r.u32());
    if (size > m_r.remaining())
      return make_error("length out of bounds");
    const size_t end = m_r.pos() + size;
    if (id != 0) {
      if (section_rank(id) <= last_rank)
        return make_error("unexpected content after last section");
      last_rank = section_rank(id);
    }
    ISOBOX_CHECK(section(id, end));
    if (m_r.pos() != end)
      return make_error("section size mismatch");
  }
  if (m_m.funcs.size() != m_m.bodies.size())
    return make_error("function and code section have inconsistent lengths");
  ISOBOX_CHECK(check_totals());
  // memory.init / data.drop need the data count when a data section follows the code (spec 5.5.13).
  if (m_uses_data_index && !m_m.data_count && m_has_data)
    return make_error("data count section required");
  if (m_m.data_count && *m_m.data_count != m_m.datas.size())
    return make_error("data count and data section have inconsistent lengths");
  return std::move(m_m);
}

/// Index spaces count imports and definitions together.
Result<void> Decoder::check_totals() const {
  if (m_m.imported_funcs + m_m.funcs.size() > limits::kFunctions)
    return too_many("functions", m_m.imported_funcs + m_m.funcs.size(), limits::kFunctions);
  if (m_m.imported_tables + m_m.tables.size() > limits::kTables)
    return too_many("tables", m_m.imported_tables + m_m.tables.size(), limits::kTables);
  if (m_m.imported_memories + m_m.memories.size() > limits::kMemories)
    return too_many("memories", m_m.imported_memories + m_m.memories.size(), limits::kMemories);
  if (m_m.imported_globals + m_m.globals.size() > limits::kGlobals)
    return too_many("globals", m_m.imported_globals + m_m.globals.size(), limits::kGlobals);
  return {};
}

Result<void> Decoder::section(uint8_t id, size_t end) {
  switch (id) {
  case 0: {
    std::string name = ISOBOX_TRY(m_r.name());
    if (m_r.pos() > end)
      return make_error("{}", kEof);
    auto rest = ISOBOX_TRY(m_r.bytes(end - m_r.pos()));
    m_m.customs.push_back({std::move(name), {rest.begin(), rest.end()}});
    return {};
  }
  case 1: return types();
  case 2: return imports();
  case 3: {
    uint32_t n = ISOBOX_TRY(count(limits::kFunctions, "functions"));
    for (uint32_t i = 0; i < n; ++i)
      m_m.funcs.push_back(ISOBOX_TRY(m_r.u32()));
    return {};
  }
  case 4: {
    uint32_t n = ISOBOX_TRY(count(limits::kTables, "tables"));
    for (uint32_t i = 0; i < n; ++i)
      m_m.tables.push_back(ISOBOX_TRY(table_type()));
    return {};
  }
  case 5: {
    uint32_t n = ISOBOX_TRY(count(limits::kMemories, "memories"));
    for (uint32_t i = 0; i < n; ++i)
      m_m.memories.push_back(MemoryType{ISOBOX_TRY(limits())});
    return {};
  }
  case 6: {
    uint32_t n = ISOBOX_TRY(count(limits::kGlobals, "globals"));
    for (uint32_t i = 0; i < n; ++i) {
      Global g;
      g.type = ISOBOX_TRY(global_type());
      g.init = ISOBOX_TRY(const_expr());
      m_m.globals.push_back(std::move(g));
    }
    return {};
  }
  case 7: {
    uint32_t n = ISOBOX_TRY(count(limits::kExports, "exports"));
    for (uint32_t i = 0; i < n; ++i) {
      Export e;
      e.name = ISOBOX_TRY(m_r.name());
      uint8_t kind = ISOBOX_TRY(m_r.u8());
      if (kind > 3)
        return make_error("malformed export kind");
      e.kind = static_cast<ExternKind>(kind);
      e.index = ISOBOX_TRY(m_r.u32());
      m_m.exports.push_back(std::move(e));
    }
    return {};
  }
  case 8: m_m.start = ISOBOX_TRY(m_r.u32()); return {};
  case 9: return elems();
  case 10: return code(end);
  case 11: m_has_data = true; return datas();
  case 12: m_m.data_count = ISOBOX_TRY(m_r.u32()); return {};
  }
  return {};
}

Result<Limits> Decoder::limits() {
  uint8_t flag = ISOBOX_TRY(m_r.u8());
  if (flag & 0x80)
    return make_error("integer representation too long");
  if (flag > 1)
    return make_error("integer too large");
  Limits l;
  l.min = ISOBOX_TRY(m_r.u32());
  if (flag == 1)
    l.max = ISOBOX_TRY(m_r.u32());
  return l;
}

Result<TableType> Decoder::table_type() {
  TableType t;
  t.elem = ISOBOX_TRY(read_ref_type(m_r));
  t.limits = ISOBOX_TRY(limits());
  return t;
}

Result<GlobalType> Decoder::global_type() {
  GlobalType g;
  g.type = ISOBOX_TRY(read_val_type(m_r));
  uint8_t mut = ISOBOX_TRY(m_r.u8());
  if (mut > 1)
    return make_error("malformed mutability");
  g.is_mutable = mut == 1;
  return g;
}

/// Reads instructions up to the `end` closing the expression; the validator checks constness.
Result<ConstExpr> Decoder::const_expr() {
  const size_t start = m_r.pos();
  InstrReader ir(m_r);
  int depth = 0;
  for (;;) {
    Instr in = ISOBOX_TRY(ir.next());
    if (in.op == Opcode::Block || in.op == Opcode::Loop || in.op == Opcode::If)
      ++depth;
    else if (in.op == Opcode::End && depth-- == 0)
      break;
  }
  auto all = m_all.subspan(start, m_r.pos() - start);
  return ConstExpr{{all.begin(), all.end()}};
}

Result<void> Decoder::types() {
  uint32_t n = ISOBOX_TRY(count(limits::kTypes, "types"));
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t form = ISOBOX_TRY(m_r.u8());
    if (form != 0x60)
      return make_error("integer representation too long");
    FuncType ft;
    uint32_t np = ISOBOX_TRY(count(limits::kParams, "parameters"));
    for (uint32_t k = 0; k < np; ++k)
      ft.params.push_back(ISOBOX_TRY(read_val_type(m_r)));
    uint32_t nr = ISOBOX_TRY(count(limits::kResults, "results"));
    for (uint32_t k = 0; k < nr; ++k)
      ft.results.push_back(ISOBOX_TRY(read_val_type(m_r)));
    m_m.types.push_back(std::move(ft));
  }
  return {};
}

Result<void> Decoder::imports() {
  uint32_t n = ISOBOX_TRY(count(limits::kImports, "imports"));
  for (uint32_t i = 0; i < n; ++i) {
    Import im;
    im.module = ISOBOX_TRY(m_r.name());
    im.name = ISOBOX_TRY(m_r.name());
    uint8_t kind = ISOBOX_TRY(m_r.u8());
    switch (kind) {
    case 0:
      im.func_type = ISOBOX_TRY(m_r.u32());
      ++m_m.imported_funcs;
      break;
    case 1:
      im.table = ISOBOX_TRY(table_type());
      ++m_m.imported_tables;
      break;
    case 2:
      im.memory.limits = ISOBOX_TRY(limits());
      ++m_m.imported_memories;
      break;
    case 3:
      im.global = ISOBOX_TRY(global_type());
      ++m_m.imported_globals;
      break;
    default: return make_error("malformed import kind");
    }
    im.kind = static_cast<ExternKind>(kind);
    m_m.imports.push_back(std::move(im));
  }
  return {};
}

/// A function index as the constant expression `ref.func idx; end`.
ConstExpr ref_func_expr(uint32_t idx) {
  ConstExpr e;
  e.bytes.push_back(0xd2);
  do {
    uint8_t b = idx & 0x7f;
    idx >>= 7;
    e.bytes.push_back(idx ? (b | 0x80) : b);
  } while (idx);
  e.bytes.push_back(0x0b);
  return e;
}

Result<void> Decoder::elems() {
  uint32_t n = ISOBOX_TRY(count(limits::kElemSegments, "element segments"));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t flags = ISOBOX_TRY(m_r.u32());
    if (flags > 7)
      return make_error("malformed elements segment kind");
    ElemSegment seg;
    const bool passive_or_decl = flags & 1, explicit_table = flags & 2, exprs = flags & 4;
    seg.mode = !passive_or_decl ? ElemSegment::Mode::Active
               : explicit_table ? ElemSegment::Mode::Declarative
                                : ElemSegment::Mode::Passive;
    if (seg.mode == ElemSegment::Mode::Active) {
      if (explicit_table)
        seg.table = ISOBOX_TRY(m_r.u32());
      seg.offset = ISOBOX_TRY(const_expr());
    }
    if (passive_or_decl || explicit_table) {
      if (exprs) {
        seg.type = ISOBOX_TRY(read_ref_type(m_r));
      } else if (ISOBOX_TRY(m_r.u8()) != 0x00) {
        return make_error("malformed element kind");
      }
    }
    uint32_t items = ISOBOX_TRY(count(limits::kElemItems, "element segment items"));
    for (uint32_t k = 0; k < items; ++k) {
      if (exprs)
        seg.items.push_back(ISOBOX_TRY(const_expr()));
      else
        seg.items.push_back(ref_func_expr(ISOBOX_TRY(m_r.u32())));
    }
    m_m.elems.push_back(std::move(seg));
  }
  return {};
}

Result<void> Decoder::code(size_t section_end) {
  uint32_t n = ISOBOX_TRY(count(limits::kFunctions, "function bodies"));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t size = ISOBOX_TRY(m_r.u32());
    if (size > m_r.remaining())
      return make_error("length out of bounds");
    if (size > limits::kFunctionSize)
      return make_error("function {} too large: {} bytes (implementation limit {})",
                        m_m.imported_funcs + i, size, limits::kFunctionSize);
    FuncBody fb;
    const size_t body_end = m_r.pos() + size;
    uint32_t runs = ISOBOX_TRY(count());
    for (uint32_t k = 0; k < runs; ++k) {
      uint32_t c = ISOBOX_TRY(m_r.u32());
      ValType t = ISOBOX_TRY(read_val_type(m_r));
      fb.local_count += c;
      if (fb.local_count > 0xffffffffu)
        return make_error("too many locals");
      if (fb.local_count > limits::kLocals)
        return too_many("locals", fb.local_count, limits::kLocals);
      fb.locals.emplace_back(c, t);
    }
    ISOBOX_CHECK(body(fb, body_end, section_end));
    m_m.bodies.push_back(std::move(fb));
  }
  return {};
}

/// Checks the body is a well-formed instruction sequence closed by `end` exactly at body_end.
Result<void> Decoder::body(FuncBody &fb, size_t body_end, size_t section_end) {
  const size_t start = m_r.pos();
  if (start > body_end)
    return make_error("section size mismatch");
  Reader br(m_all.subspan(start, body_end - start), start);
  br.set_eof_text(kEof);
  InstrReader ir(br);
  int depth = 0;
  bool closed = false;
  while (!br.at_end()) {
    Instr in = ISOBOX_TRY(ir.next());
    switch (in.op) {
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: ++depth; break;
    case Opcode::End:
      if (depth-- == 0)
        closed = true;
      break;
    case Opcode::MemoryInit:
    case Opcode::DataDrop: m_uses_data_index = true; break;
    default: break;
    }
    if (closed)
      break;
  }
  if (!closed) {
    // Mirrors the reference decoder, which reads past the body and reports what it then sees.
    if (body_end < section_end)
      return make_error("END opcode expected");
    if (body_end < m_all.size() && m_all[body_end] == 0x0b)
      return make_error("section size mismatch");
    return make_error("{}", kEof);
  }
  if (!br.at_end())
    return make_error("section size mismatch");
  fb.code.assign(m_all.begin() + static_cast<ptrdiff_t>(start),
                 m_all.begin() + static_cast<ptrdiff_t>(body_end));
  fb.code_offset = static_cast<uint32_t>(start);
  ISOBOX_TRY(m_r.bytes(body_end - start));
  return {};
}

Result<void> Decoder::datas() {
  uint32_t n = ISOBOX_TRY(count(limits::kDataSegments, "data segments"));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t flags = ISOBOX_TRY(m_r.u32());
    if (flags > 2)
      return make_error("malformed data segment kind");
    DataSegment seg;
    seg.mode = flags == 1 ? DataSegment::Mode::Passive : DataSegment::Mode::Active;
    if (flags == 2)
      seg.memory = ISOBOX_TRY(m_r.u32());
    if (flags != 1)
      seg.offset = ISOBOX_TRY(const_expr());
    const uint32_t len = ISOBOX_TRY(m_r.u32());
    auto b = ISOBOX_TRY(m_r.bytes(len));
    seg.bytes.assign(b.begin(), b.end());
    m_m.datas.push_back(std::move(seg));
  }
  return {};
}

} // namespace

Result<Module> decode(std::span<const uint8_t> bytes) { return Decoder(bytes).run(); }

} // namespace isobox::wasm
