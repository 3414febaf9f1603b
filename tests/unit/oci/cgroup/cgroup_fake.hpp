// Test helper: a fake cgroup hierarchy of plain files under a temporary directory.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

namespace isobox::oci::cgroup::testing {

/// Owns a fresh temporary directory, removed with everything under it.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "isobox-cg-XXXXXX").string();
    m_path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  [[nodiscard]] const std::string &path() const { return m_path; }

private:
  std::string m_path;
};

/// Creates `<dir>/<name>` holding `content` (a control file of the fake hierarchy).
inline void put(const std::string &dir, const std::string &name, const std::string &content = "") {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name) << content;
}

inline void touch_all(const std::string &dir, std::initializer_list<const char *> names) {
  for (const char *n : names)
    put(dir, n);
}

/// The whole content of a file ("" when missing).
inline std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace isobox::oci::cgroup::testing
