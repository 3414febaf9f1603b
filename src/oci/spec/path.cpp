// Lexical path helpers (no filesystem access; symlinks are resolved by linux/secure_path).
#include "oci/spec/path.hpp"

#include <vector>

namespace isobox::oci {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    if (j > i)
      parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

} // namespace

bool path_stays_inside(std::string_view path) {
  int depth = 0;
  for (auto part : split(path)) {
    if (part == ".")
      continue;
    depth += part == ".." ? -1 : 1;
    if (depth < 0)
      return false;
  }
  return true;
}

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> out;
  for (auto part : split(path)) {
    if (part == ".")
      continue;
    if (part == "..") {
      if (!out.empty())
        out.pop_back();
      continue;
    }
    out.push_back(part);
  }
  std::string s;
  for (auto p : out) {
    s += '/';
    s += p;
  }
  return s.empty() ? "/" : s;
}

} // namespace isobox::oci
