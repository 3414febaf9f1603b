// The symlink racer: rename(2) swaps a decoy file and a symlink to the canary under one name.
#include "eval/audit/race.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace isobox::eval::audit {

SymlinkRacer::SymlinkRacer(std::vector<std::string> dirs, std::string name, std::string target)
    : m_dirs(std::move(dirs)), m_name(std::move(name)), m_target(std::move(target)) {
  swap_once(false); // the decoy is there before the program starts
  m_thread = std::thread([this] {
    for (bool to_link = true; !m_stop.load(); to_link = !to_link) {
      swap_once(to_link);
      m_swaps++;
    }
  });
}

SymlinkRacer::~SymlinkRacer() {
  m_stop = true;
  m_thread.join();
}

// Prepares the new entry under a temporary name, then renames it over <dir>/<name> (atomic: a
// reader sees either the decoy or the link, never nothing).
void SymlinkRacer::swap_once(bool to_link) {
  for (const auto &dir : m_dirs) {
    const std::string tmp = dir + "/" + m_name + ".tmp";
    ::unlink(tmp.c_str());
    if (to_link) {
      if (::symlink(m_target.c_str(), tmp.c_str()) != 0)
        continue;
    } else {
      std::ofstream(tmp) << "decoy\n";
    }
    std::rename(tmp.c_str(), (dir + "/" + m_name).c_str());
  }
}

} // namespace isobox::eval::audit
