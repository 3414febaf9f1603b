// The host side of the read-only grant: the harness fills <work>/ro-grant before each run and
// compares the tree afterwards (entries, type, mode, size, mtime, content).
#pragma once

#include <map>
#include <string>

#include "common/error.hpp"

namespace isobox::eval::audit {

/// What the host check compares for one entry of the read-only tree.
struct TreeEntry {
  char type = '?'; // f(ile), d(irectory), l(ink), ?(other)
  unsigned mode = 0;
  long long size = 0;
  long long mtime_ns = 0;
  std::string content; // regular files only (the tree holds small files)

  bool operator==(const TreeEntry &) const = default;
};
/// Relative path -> entry, the directory itself excluded.
using TreeSnapshot = std::map<std::string, TreeEntry>;

/// Empties `dir` (creating it when missing) and writes the grant's content: `file` (holding
/// `secret`, mode 0644, an mtime in 2001) and an empty directory `sub`.
Result<void> fill_ro_grant(const std::string &dir, const std::string &secret);
/// The tree under `dir` (without following links).
TreeSnapshot snapshot_tree(const std::string &dir);
/// What differs between two snapshots, one phrase ("" when identical).
std::string tree_change(const TreeSnapshot &before, const TreeSnapshot &after);

} // namespace isobox::eval::audit
