// Lexical path helpers for paths inside a container rootfs.
#pragma once

#include <string>
#include <string_view>

namespace isobox::oci {

/// True when a container path never climbs above "/" lexically ("/a/../b" yes, "/../x" no).
/// Relative paths are taken relative to "/".
bool path_stays_inside(std::string_view path);

/// Lexically cleans a container path: absolute, no "." or "..", no duplicate or trailing "/".
/// ".." at the root stays at the root.
std::string clean_path(std::string_view path);

} // namespace isobox::oci
