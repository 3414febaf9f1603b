// The compiled-code cache on disk: one artifact per key under <dir>/aot/, written atomically,
// trusted only when the directories and the file are the running user's and writable by no one
// else (docs/wasm-aot.md "Code cache").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "wasm/aot/artifact.hpp"

namespace isobox::wasm::aot {

/// The environment variable that overrides the cache directory (--cache-dir overrides both).
inline constexpr const char *kCacheDirEnv = "ISOBOX_CACHE_DIR";

/// $ISOBOX_CACHE_DIR, else $XDG_CACHE_HOME/isobox, else $HOME/.cache/isobox (Wasmtime's place),
/// else for root /var/cache/isobox. Error when none applies.
Result<std::string> default_cache_dir();

/// One entry, as `isobox wasm cache ls` prints it.
struct CacheEntry {
  std::string key;           ///< the file name: CodeKey::digest()
  uint64_t size = 0;         ///< bytes on disk
  std::string module_sha256; ///< empty when the entry could not be read
  int64_t age_s = 0;         ///< since it was written
  std::string problem;       ///< why it would not be used (empty: usable)
};

/// A cache directory opened and checked. Entries are files named by their key's digest.
class CodeCache {
public:
  /// Opens `dir` (created 0700 with its aot/ subdirectory when `create`), refusing a directory
  /// that is not the running user's or that group or others can write.
  static Result<CodeCache> open(const std::string &dir, bool create);

  /// The entry for `key`: nullopt when there is none; an Error (one line naming the file and
  /// the reason) when there is one but it is unreadable, corrupt, foreign-owned, writable by
  /// others or compiled for another key. The caller recompiles then.
  Result<std::optional<Artifact>> lookup(const CodeKey &key) const;

  /// Writes `artifact` under its key's digest: a temp file renamed into place (0600).
  Result<void> store(const Artifact &artifact) const;

  /// Every entry, checked as lookup() would.
  Result<std::vector<CacheEntry>> list() const;

  /// Removes every entry (and leftover temp files); returns how many files were removed.
  Result<size_t> clear() const;

  const std::string &dir() const { return m_dir; }
  /// The file an entry with this key has.
  std::string path_of(const CodeKey &key) const { return m_entries + "/" + key.digest(); }

private:
  CodeCache(std::string dir, std::string entries, UniqueFd fd)
      : m_dir(std::move(dir)), m_entries(std::move(entries)), m_fd(std::move(fd)) {}
  Result<Artifact> read_entry(const std::string &name) const;

  std::string m_dir;
  std::string m_entries; ///< m_dir + "/aot"
  UniqueFd m_fd;         ///< m_entries, opened O_DIRECTORY|O_NOFOLLOW
};

} // namespace isobox::wasm::aot
