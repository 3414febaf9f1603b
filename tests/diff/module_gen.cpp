// The generator emits the binary format directly (spec 5), type-directed so the result validates.
#include "diff/module_gen.hpp"

#include <random>

#include <fmt/format.h>

namespace isobox::diff {
namespace {

using wasm::ValType;

void uleb(std::vector<uint8_t> &out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

void sleb(std::vector<uint8_t> &out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : b | 0x80);
    if (done)
      return;
  }
}

void section(std::vector<uint8_t> &module, uint8_t id, const std::vector<uint8_t> &body) {
  module.push_back(id);
  uleb(module, body.size());
  module.insert(module.end(), body.begin(), body.end());
}

// Local layout of every function: [params] then 3 i32, 3 i64, 2 f64, then kLoopDepth counters.
constexpr uint32_t kI32Locals = 3, kI64Locals = 3, kF64Locals = 2, kLoopDepth = 3;
constexpr uint32_t kHelpers = 2; // (i32, i32) -> i32 functions callable from later functions

class FuncGen {
public:
  FuncGen(std::mt19937_64 &rng, uint32_t params, uint32_t callable)
      : m_rng(rng), m_params(params), m_callable(callable) {}

  std::vector<uint8_t> body(ValType result) {
    std::vector<uint8_t> locals;
    uleb(locals, 3);
    uleb(locals, kI32Locals + kLoopDepth);
    locals.push_back(0x7f);
    uleb(locals, kI64Locals);
    locals.push_back(0x7e);
    uleb(locals, kF64Locals);
    locals.push_back(0x7c);
    const int statements = pick(1, 6);
    for (int i = 0; i < statements; ++i)
      statement(3);
    expr(result, 4);
    m_code.push_back(0x0b);
    std::vector<uint8_t> out;
    uleb(out, locals.size() + m_code.size());
    out.insert(out.end(), locals.begin(), locals.end());
    out.insert(out.end(), m_code.begin(), m_code.end());
    return out;
  }

private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
  void op(uint8_t b) { m_code.push_back(b); }
  void op_fc(uint8_t sub) {
    op(0xfc);
    uleb(m_code, sub);
  }
  uint32_t i32_local() { return m_params + pick(0, kI32Locals - 1); }
  uint32_t i64_local() { return m_params + kI32Locals + kLoopDepth + pick(0, kI64Locals - 1); }
  uint32_t f64_local() {
    return m_params + kI32Locals + kLoopDepth + kI64Locals + pick(0, kF64Locals - 1);
  }
  uint32_t any_i32_local() { // params are i32 too
    const uint32_t n = m_params + kI32Locals;
    return static_cast<uint32_t>(pick(0, static_cast<int>(n) - 1));
  }

  int64_t interesting() {
    static constexpr int64_t kValues[] = {0,  1,   -1,         2,         7,          31,
                                          32, 63,  0x7fffffff, INT32_MIN, 0xffff,     64,
                                          -7, 100, INT64_MIN,  INT64_MAX, 0x12345678, 3};
    if (pick(0, 2) == 0)
      return static_cast<int64_t>(m_rng());
    return kValues[pick(0, std::size(kValues) - 1)];
  }

  // An in-bounds address most of the time (memory is one page), sometimes anything.
  void address() {
    expr(ValType::I32, 1);
    if (pick(0, 15) != 0) {
      op(0x41);
      sleb(m_code, 0xfff0);
      op(0x71); // i32.and
    }
  }

  void statement(int depth) {
    switch (pick(0, depth > 0 ? 6 : 3)) {
    case 0: expr(ValType::I32, 3), op(0x21), uleb(m_code, i32_local()); break;
    case 1: expr(ValType::I64, 3), op(0x21), uleb(m_code, i64_local()); break;
    case 2: address(), expr(ValType::I32, 2), op(0x36), uleb(m_code, 2), uleb(m_code, 0); break;
    case 3: address(), expr(ValType::I64, 2), op(0x37), uleb(m_code, 3), uleb(m_code, 8); break;
    case 4: expr(ValType::F64, 3), op(0x21), uleb(m_code, f64_local()); break;
    case 5: expr(ValType::I32, 2), op(0x24), uleb(m_code, 0); break; // global.set 0
    default: loop(depth); break;
    }
  }

  // counter = K; loop { statements; counter -= 1; br_if 0 (counter != 0) }
  void loop(int depth) {
    if (m_loop_depth >= kLoopDepth)
      return statement(0);
    const uint32_t counter = m_params + kI32Locals + m_loop_depth++;
    op(0x41), sleb(m_code, pick(1, 12)), op(0x21), uleb(m_code, counter);
    op(0x03), op(0x40);
    for (int i = pick(1, 3); i > 0; --i)
      statement(depth - 1);
    op(0x20), uleb(m_code, counter), op(0x41), sleb(m_code, 1), op(0x6b);
    op(0x22), uleb(m_code, counter), op(0x0d), uleb(m_code, 0);
    op(0x0b);
    --m_loop_depth;
  }

  void leaf(ValType t) {
    const int choice = pick(0, 2);
    if (t == ValType::I32) {
      if (choice == 0)
        return op(0x20), uleb(m_code, any_i32_local());
      if (choice == 1)
        return op(0x23), uleb(m_code, 0); // global.get 0
      return op(0x41), sleb(m_code, static_cast<int32_t>(interesting()));
    }
    if (t == ValType::I64) {
      if (choice == 0)
        return op(0x20), uleb(m_code, i64_local());
      return op(0x42), sleb(m_code, interesting());
    }
    if (choice == 0)
      return op(0x20), uleb(m_code, f64_local());
    op(0x44);
    double d = static_cast<double>(interesting()) / (pick(0, 1) ? 1.0 : 7.0);
    const auto *p = reinterpret_cast<const uint8_t *>(&d);
    m_code.insert(m_code.end(), p, p + 8);
  }

  void expr(ValType t, int depth) {
    if (depth <= 0 || pick(0, 4) == 0)
      return leaf(t);
    if (t == ValType::I32)
      return expr_i32(depth - 1);
    if (t == ValType::I64)
      return expr_i64(depth - 1);
    return expr_f64(depth - 1);
  }

  // add..rotr; divisors are usually forced odd so that not every other call traps.
  void binop(ValType t, int d) {
    const bool is32 = t == ValType::I32;
    const uint8_t code = static_cast<uint8_t>((is32 ? 0x6a : 0x7c) + pick(0, 14));
    const uint8_t div_first = is32 ? 0x6d : 0x7f;
    expr(t, d), expr(t, d);
    if (code >= div_first && code < div_first + 4 && pick(0, 7) != 0) {
      op(is32 ? 0x41 : 0x42), sleb(m_code, 1), op(is32 ? 0x72 : 0x84); // or 1
    }
    op(code);
  }

  void expr_i32(int d) {
    switch (pick(0, 12)) {
    case 0:
    case 1: binop(ValType::I32, d); break;
    case 2: expr(ValType::I32, d), op(0x67 + pick(0, 2)); break; // clz ctz popcnt
    case 3: expr(ValType::I64, d), expr(ValType::I64, d), op(0x51 + pick(0, 9)); break; // i64 cmp
    case 4: expr(ValType::I32, d), expr(ValType::I32, d), op(0x46 + pick(0, 9)); break; // i32 cmp
    case 5: expr(ValType::I64, d), op(0xa7); break; // i32.wrap_i64
    case 6: address(), op(0x28 + 0), uleb(m_code, 2), uleb(m_code, pick(0, 1) * 4); break;
    case 7: address(), op(0x2c + pick(0, 3)), uleb(m_code, 0), uleb(m_code, 0); break; // load8/16
    case 8: // if (result i32) else
      expr(ValType::I32, d), op(0x04), op(0x7f), expr(ValType::I32, d), op(0x05);
      expr(ValType::I32, d), op(0x0b);
      break;
    case 9: // block (result i32) v c br_if 0 drop v2 end
      op(0x02), op(0x7f), expr(ValType::I32, d), expr(ValType::I32, d), op(0x0d), uleb(m_code, 0);
      op(0x1a), expr(ValType::I32, d), op(0x0b);
      break;
    case 10:
      if (m_callable > 0) {
        expr(ValType::I32, d), expr(ValType::I32, d);
        return op(0x10), uleb(m_code, static_cast<uint32_t>(pick(0, m_callable - 1)));
      }
      [[fallthrough]];
    case 11: expr(ValType::I32, d), expr(ValType::I32, d), expr(ValType::I32, d), op(0x1b); break;
    default: // f64 compare, or a (possibly trapping) float->int conversion
      expr(ValType::F64, d);
      if (pick(0, 1)) {
        expr(ValType::F64, d), op(0x61 + pick(0, 5));
      } else if (pick(0, 1)) {
        op(0xaa + pick(0, 1)); // i32.trunc_f64_s/u
      } else {
        op_fc(static_cast<uint8_t>(2 + pick(0, 1))); // i32.trunc_sat_f64_s/u
      }
    }
  }

  void expr_i64(int d) {
    switch (pick(0, 7)) {
    case 0:
    case 1: binop(ValType::I64, d); break;
    case 2: expr(ValType::I64, d), op(0x79 + pick(0, 2)); break;
    case 3: expr(ValType::I32, d), op(0xac + pick(0, 1)); break; // extend_i32_s/u
    case 4: expr(ValType::I64, d), op(0xc2 + pick(0, 2)); break; // extend8/16/32_s
    case 5: address(), op(0x29), uleb(m_code, 3), uleb(m_code, 0); break;
    case 6: expr(ValType::F64, d), op_fc(static_cast<uint8_t>(6 + pick(0, 1))); break; // sat
    default:
      expr(ValType::I32, d), op(0x04), op(0x7e), expr(ValType::I64, d), op(0x05);
      expr(ValType::I64, d), op(0x0b);
    }
  }

  void expr_f64(int d) {
    switch (pick(0, 4)) {
    case 0:
    case 1: expr(ValType::F64, d), expr(ValType::F64, d), op(0xa0 + pick(0, 5)); break;
    case 2: expr(ValType::F64, d), op(0x99 + pick(0, 6)); break;  // abs neg ceil floor trunc ...
    case 3: expr(ValType::I32, d), op(0xb7 + pick(0, 1)); break;  // convert_i32_s/u
    default: expr(ValType::I64, d), op(0xb9 + pick(0, 1)); break; // convert_i64_s/u
    }
  }

  std::mt19937_64 &m_rng;
  uint32_t m_params, m_callable, m_loop_depth = 0;
  std::vector<uint8_t> m_code;
};

} // namespace

GeneratedModule generate_module(uint64_t seed) {
  std::mt19937_64 rng(seed);
  GeneratedModule gm;
  const int exported = std::uniform_int_distribution<int>(2, 6)(rng);
  std::vector<uint8_t> types, funcs, memory, globals, exports, code, data;

  uleb(types, 3); // 0: () -> i32, 1: () -> i64, 2: (i32, i32) -> i32
  types.insert(types.end(), {0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x01, 0x7e});
  types.insert(types.end(), {0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f});

  uleb(funcs, kHelpers + exported);
  uleb(code, kHelpers + exported);
  for (uint32_t i = 0; i < kHelpers; ++i) {
    funcs.push_back(2);
    auto body = FuncGen(rng, 2, i).body(ValType::I32);
    code.insert(code.end(), body.begin(), body.end());
  }
  uleb(exports, exported);
  for (int i = 0; i < exported; ++i) {
    const ValType result = rng() % 2 ? ValType::I32 : ValType::I64;
    funcs.push_back(result == ValType::I32 ? 0 : 1);
    auto body = FuncGen(rng, 0, kHelpers).body(result);
    code.insert(code.end(), body.begin(), body.end());
    const std::string name = fmt::format("f{}", i);
    uleb(exports, name.size());
    exports.insert(exports.end(), name.begin(), name.end());
    exports.push_back(0x00);
    uleb(exports, kHelpers + i);
    gm.exports.push_back({name, result});
  }
  memory = {0x01, 0x01, 0x01, 0x01};              // one memory, min 1 max 1 page
  globals = {0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b}; // (global (mut i32) (i32.const 0))
  // Active data at 0: 64 random bytes, so loads see something other than zeros.
  data = {0x01, 0x00, 0x41, 0x00, 0x0b, 64};
  for (int i = 0; i < 64; ++i)
    data.push_back(static_cast<uint8_t>(rng()));

  gm.bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  section(gm.bytes, 1, types);
  section(gm.bytes, 3, funcs);
  section(gm.bytes, 5, memory);
  section(gm.bytes, 6, globals);
  section(gm.bytes, 7, exports);
  section(gm.bytes, 10, code);
  section(gm.bytes, 11, data);
  return gm;
}

} // namespace isobox::diff
