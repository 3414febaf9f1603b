// errno rendering for Error messages.
#include "common/error.hpp"

#include <cstring>

namespace isobox {

std::string errno_name(int err) {
  const char *name = strerrorname_np(err);
  const char *desc = strerrordesc_np(err);
  if (name == nullptr)
    return fmt::format("errno {}", err);
  return fmt::format("{} ({})", name, desc != nullptr ? desc : "?");
}

} // namespace isobox
