// cgroupsPath resolution (see cgroup_path.hpp and docs/cgroups.md).
#include "oci/cgroup/cgroup_path.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace isobox::oci::cgroup {

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    const auto part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty())
        parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

Result<std::string> expand_slice(std::string_view slice) {
  constexpr std::string_view suffix = ".slice";
  if (slice == "-.slice")
    return std::string("/");
  if (slice.size() <= suffix.size() || !slice.ends_with(suffix) ||
      slice.find('/') != std::string_view::npos)
    return make_error("invalid systemd slice name {:?}", slice);
  const auto stem = slice.substr(0, slice.size() - suffix.size());
  std::string path, prefix;
  size_t start = 0;
  for (;;) {
    const size_t dash = stem.find('-', start);
    const auto component = stem.substr(start, dash == std::string_view::npos ? dash : dash - start);
    if (component.empty())
      return make_error("invalid systemd slice name {:?}", slice);
    prefix += prefix.empty() ? std::string(component) : fmt::format("-{}", component);
    path += fmt::format("/{}{}", prefix, suffix);
    if (dash == std::string_view::npos)
      return path;
    start = dash + 1;
  }
}

namespace {

/// "slice:prefix:name" as containerd's SystemdCgroup mode and runc's --systemd-cgroup use it.
Result<CgroupPath> resolve_systemd(std::string_view text, std::string_view id) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t colon; (colon = text.find(':', start)) != std::string_view::npos; start = colon + 1)
    parts.push_back(text.substr(start, colon - start));
  parts.push_back(text.substr(start));
  if (parts.size() != 3)
    return make_error("cgroupsPath {:?}: expected slice:prefix:name", text);
  const std::string_view slice = parts[0].empty() ? "system.slice" : parts[0];
  const std::string_view name = parts[2].empty() ? id : parts[2];
  if (name.find('/') != std::string_view::npos || parts[1].find('/') != std::string_view::npos)
    return make_error("cgroupsPath {:?}: unit name must not contain '/'", text);
  const std::string base = ISOBOX_TRY(expand_slice(slice));
  // runc's getUnitName: a name that is itself a slice stays as is; else "<prefix>-<name>.scope".
  std::string unit = name.ends_with(".slice") ? std::string(name)
                     : parts[1].empty()       ? fmt::format("{}.scope", name)
                                              : fmt::format("{}-{}.scope", parts[1], name);
  std::string path = clean_path(fmt::format("{}/{}", base, unit));
  return CgroupPath{std::move(path), false, std::move(unit), std::string(slice)};
}

bool looks_like_systemd(std::string_view text) {
  return !text.starts_with('/') && std::count(text.begin(), text.end(), ':') == 2;
}

} // namespace

Result<CgroupPath> resolve_cgroup_path(std::string_view cgroups_path, std::string_view id,
                                       bool systemd) {
  if (id.empty() || id.find('/') != std::string_view::npos)
    return make_error("invalid container id {:?} for a cgroup path", id);
  if (cgroups_path.empty()) {
    if (systemd)
      return resolve_systemd(fmt::format("system.slice:isobox:{}", id), id);
    return CgroupPath{fmt::format("/isobox/{}", id), false};
  }
  // Accepted with or without --systemd-cgroup: containerd only produces this form in systemd
  // mode, and no sane plain path has exactly two colons and no leading '/'.
  if (looks_like_systemd(cgroups_path))
    return resolve_systemd(cgroups_path, id);
  if (cgroups_path.starts_with('/')) {
    std::string cleaned = clean_path(cgroups_path);
    if (cleaned == "/") // never hand the root cgroup to create/destroy
      return make_error("cgroupsPath {:?} names the root cgroup", cgroups_path);
    return CgroupPath{std::move(cleaned), false};
  }
  const std::string cleaned = clean_path(cgroups_path);
  if (cleaned == "/")
    return make_error("cgroupsPath {:?} names no cgroup", cgroups_path);
  return CgroupPath{cleaned.substr(1), true};
}

} // namespace isobox::oci::cgroup
