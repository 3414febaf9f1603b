// ELF relocatable loader for compiled Wasm code (x86-64 only): layout, symbols, relocations,
// stubs for far calls, a GOT, then W^X protection.
#include "wasm/aot/elf_loader.hpp"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace isobox::wasm::aot {
namespace {

constexpr size_t kStubSize = 16; ///< jmp *0(%rip); .quad target; 2 bytes pad

size_t align_up(size_t v, size_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

/// Where each loaded section goes, and the stub/GOT areas for far symbols.
struct Layout {
  std::vector<int64_t> offset; ///< per section, -1 if not loaded
  size_t code_size = 0;        ///< page-aligned end of the executable part
  size_t stubs = 0, got = 0, total = 0;
};

} // namespace

namespace detail {

class Loader {
public:
  Loader(std::span<const uint8_t> elf, const SymbolResolver &resolve)
      : m_elf(elf), m_resolve(resolve) {}
  Result<LoadedObject> run();

private:
  Result<void> parse_headers();
  Layout plan();
  Result<void> resolve_symbols(LoadedObject &obj);
  Result<void> relocate_all();
  Result<void> relocate(const Elf64_Rela &r, uint8_t *target_base);
  uint64_t stub_for(size_t sym);
  uint64_t got_for(size_t sym);

  std::span<const uint8_t> m_elf;
  const SymbolResolver &m_resolve;
  const Elf64_Ehdr *m_eh = nullptr;
  std::span<const Elf64_Shdr> m_sh;
  std::span<const Elf64_Sym> m_syms;
  const char *m_strtab = nullptr;
  Layout m_layout;
  uint8_t *m_base = nullptr;
  std::vector<uint64_t> m_sym_addr;
  std::vector<int64_t> m_stub_of, m_got_of;
  size_t m_next_stub = 0, m_next_got = 0;
};

Result<void> Loader::parse_headers() {
  if (m_elf.size() < sizeof(Elf64_Ehdr))
    return make_error("object: truncated");
  m_eh = reinterpret_cast<const Elf64_Ehdr *>(m_elf.data());
  if (std::memcmp(m_eh->e_ident, ELFMAG, SELFMAG) != 0 || m_eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      m_eh->e_type != ET_REL || m_eh->e_machine != EM_X86_64)
    return make_error("object: not an x86-64 ELF relocatable");
  if (m_eh->e_shoff + uint64_t{m_eh->e_shnum} * sizeof(Elf64_Shdr) > m_elf.size())
    return make_error("object: truncated section headers");
  m_sh = {reinterpret_cast<const Elf64_Shdr *>(m_elf.data() + m_eh->e_shoff), m_eh->e_shnum};
  for (const auto &s : m_sh) {
    if (s.sh_type != SHT_NOBITS && s.sh_offset + s.sh_size > m_elf.size())
      return make_error("object: section outside the file");
    if (s.sh_type == SHT_SYMTAB) {
      m_syms = {reinterpret_cast<const Elf64_Sym *>(m_elf.data() + s.sh_offset),
                s.sh_size / sizeof(Elf64_Sym)};
      m_strtab = reinterpret_cast<const char *>(m_elf.data() + m_sh[s.sh_link].sh_offset);
    }
  }
  if (m_syms.empty())
    return make_error("object: no symbol table");
  return {};
}

/// Code sections first (then stubs), then, from a page boundary, data sections and the GOT.
/// Unwind tables are not loaded: traps unwind with siglongjmp, never through C++ unwinding.
Layout Loader::plan() {
  Layout l;
  l.offset.assign(m_sh.size(), -1);
  size_t at = 0;
  auto place = [&](bool exec) {
    for (size_t i = 0; i < m_sh.size(); ++i) {
      const Elf64_Shdr &s = m_sh[i];
      if (!(s.sh_flags & SHF_ALLOC) || s.sh_type == SHT_X86_64_UNWIND ||
          bool(s.sh_flags & SHF_EXECINSTR) != exec || s.sh_size == 0)
        continue;
      at = align_up(at, s.sh_addralign);
      l.offset[i] = static_cast<int64_t>(at);
      at += s.sh_size;
    }
  };
  place(true);
  l.stubs = align_up(at, 16);
  at = l.stubs + m_syms.size() * kStubSize;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  l.code_size = align_up(at, page);
  at = l.code_size;
  place(false);
  l.got = align_up(at, 8);
  l.total = align_up(l.got + m_syms.size() * 8, page);
  return l;
}

Result<void> Loader::resolve_symbols(LoadedObject &obj) {
  m_sym_addr.assign(m_syms.size(), 0);
  for (size_t i = 1; i < m_syms.size(); ++i) {
    const Elf64_Sym &s = m_syms[i];
    const char *name = m_strtab + s.st_name;
    if (s.st_shndx == SHN_UNDEF) {
      void *p = m_resolve(name);
      if (p == nullptr)
        return make_error("object: unresolved symbol '{}'", name);
      m_sym_addr[i] = reinterpret_cast<uint64_t>(p);
      continue;
    }
    if (s.st_shndx == SHN_ABS) {
      m_sym_addr[i] = s.st_value;
      continue;
    }
    if (s.st_shndx >= m_sh.size() || m_layout.offset[s.st_shndx] < 0)
      continue; // in a section we do not load (unwind tables)
    m_sym_addr[i] = reinterpret_cast<uint64_t>(m_base + m_layout.offset[s.st_shndx]) + s.st_value;
    if (ELF64_ST_BIND(s.st_info) == STB_GLOBAL && ELF64_ST_TYPE(s.st_info) == STT_FUNC)
      obj.m_symbols[name] = reinterpret_cast<void *>(m_sym_addr[i]);
    if (ELF64_ST_TYPE(s.st_info) == STT_FUNC && s.st_size > 0)
      if (auto sym = parse_code_symbol(name))
        obj.m_code_ranges.push_back({m_sym_addr[i], m_sym_addr[i] + s.st_size, *sym});
  }
  return {};
}

uint64_t Loader::stub_for(size_t sym) {
  if (m_stub_of[sym] < 0) {
    uint8_t *p = m_base + m_layout.stubs + m_next_stub++ * kStubSize;
    const uint8_t jmp[6] = {0xff, 0x25, 0, 0, 0, 0}; // jmp *0(%rip)
    std::memcpy(p, jmp, sizeof jmp);
    std::memcpy(p + 6, &m_sym_addr[sym], 8);
    m_stub_of[sym] = p - m_base;
  }
  return reinterpret_cast<uint64_t>(m_base + m_stub_of[sym]);
}

uint64_t Loader::got_for(size_t sym) {
  if (m_got_of[sym] < 0) {
    uint8_t *p = m_base + m_layout.got + m_next_got++ * 8;
    std::memcpy(p, &m_sym_addr[sym], 8);
    m_got_of[sym] = p - m_base;
  }
  return reinterpret_cast<uint64_t>(m_base + m_got_of[sym]);
}

Result<void> Loader::relocate(const Elf64_Rela &r, uint8_t *target_base) {
  const size_t sym = ELF64_R_SYM(r.r_info);
  if (sym >= m_syms.size())
    return make_error("object: relocation symbol out of range");
  uint8_t *at = target_base + r.r_offset;
  const auto p = reinterpret_cast<uint64_t>(at);
  const bool external = m_syms[sym].st_shndx == SHN_UNDEF;
  auto put32 = [&](int64_t v) -> Result<void> {
    if (v != static_cast<int32_t>(v))
      return make_error("object: relocation out of 32-bit range");
    const auto w = static_cast<int32_t>(v);
    std::memcpy(at, &w, 4);
    return {};
  };
  switch (ELF64_R_TYPE(r.r_info)) {
  case R_X86_64_64: {
    const uint64_t v = m_sym_addr[sym] + r.r_addend;
    std::memcpy(at, &v, 8);
    return {};
  }
  case R_X86_64_PC64: {
    const uint64_t v = m_sym_addr[sym] + r.r_addend - p;
    std::memcpy(at, &v, 8);
    return {};
  }
  case R_X86_64_PC32:
  case R_X86_64_PLT32: {
    const uint64_t s = external ? stub_for(sym) : m_sym_addr[sym];
    return put32(static_cast<int64_t>(s + r.r_addend - p));
  }
  case R_X86_64_GOTPCREL:
  case R_X86_64_GOTPCRELX:
  case R_X86_64_REX_GOTPCRELX: return put32(static_cast<int64_t>(got_for(sym) + r.r_addend - p));
  default: return make_error("object: unsupported relocation type {}", ELF64_R_TYPE(r.r_info));
  }
}

Result<void> Loader::relocate_all() {
  m_stub_of.assign(m_syms.size(), -1);
  m_got_of.assign(m_syms.size(), -1);
  for (const auto &s : m_sh) {
    if (s.sh_type != SHT_RELA || s.sh_info >= m_sh.size() || m_layout.offset[s.sh_info] < 0)
      continue;
    uint8_t *target = m_base + m_layout.offset[s.sh_info];
    const auto *rel = reinterpret_cast<const Elf64_Rela *>(m_elf.data() + s.sh_offset);
    for (size_t i = 0; i < s.sh_size / sizeof(Elf64_Rela); ++i) {
      if (rel[i].r_offset + 4 > m_sh[s.sh_info].sh_size)
        return make_error("object: relocation outside its section");
      ISOBOX_CHECK(relocate(rel[i], target));
    }
  }
  return {};
}

Result<LoadedObject> Loader::run() {
  ISOBOX_CHECK(parse_headers());
  m_layout = plan();
  void *p =
      mmap(nullptr, m_layout.total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return sys_error("object: mmap");
  LoadedObject obj;
  obj.m_base = m_base = static_cast<uint8_t *>(p);
  obj.m_size = m_layout.total;
  obj.m_code_size = m_layout.code_size;
  for (size_t i = 0; i < m_sh.size(); ++i)
    if (m_layout.offset[i] >= 0 && m_sh[i].sh_type != SHT_NOBITS)
      std::memcpy(m_base + m_layout.offset[i], m_elf.data() + m_sh[i].sh_offset, m_sh[i].sh_size);
  ISOBOX_CHECK(resolve_symbols(obj));
  ISOBOX_CHECK(relocate_all());
  // W^X: written while writable only; from here on code is R+X and data read-only.
  if (mprotect(m_base, m_layout.code_size, PROT_READ | PROT_EXEC) != 0)
    return sys_error("object: mprotect code");
  if (m_layout.total > m_layout.code_size &&
      mprotect(m_base + m_layout.code_size, m_layout.total - m_layout.code_size, PROT_READ) != 0)
    return sys_error("object: mprotect data");
  return obj;
}

} // namespace detail

LoadedObject::~LoadedObject() {
  if (m_base)
    munmap(m_base, m_size);
}

LoadedObject::LoadedObject(LoadedObject &&o) noexcept
    : m_base(std::exchange(o.m_base, nullptr)), m_size(o.m_size), m_code_size(o.m_code_size),
      m_symbols(std::move(o.m_symbols)), m_code_ranges(std::move(o.m_code_ranges)) {}

LoadedObject &LoadedObject::operator=(LoadedObject &&o) noexcept {
  if (this != &o) {
    if (m_base)
      munmap(m_base, m_size);
    m_base = std::exchange(o.m_base, nullptr);
    m_size = o.m_size;
    m_code_size = o.m_code_size;
    m_symbols = std::move(o.m_symbols);
    m_code_ranges = std::move(o.m_code_ranges);
  }
  return *this;
}

void *LoadedObject::symbol(const std::string &name) const {
  auto it = m_symbols.find(name);
  return it == m_symbols.end() ? nullptr : it->second;
}

const LoadedObject::CodeRange *LoadedObject::code_at(uintptr_t pc) const {
  for (const CodeRange &r : m_code_ranges) // a trap's lookup, rare: no index kept
    if (pc >= r.begin && pc < r.end)
      return &r;
  return nullptr;
}

Result<LoadedObject> load_object(std::span<const uint8_t> elf, const SymbolResolver &resolve) {
  return detail::Loader(elf, resolve).run();
}

} // namespace isobox::wasm::aot
