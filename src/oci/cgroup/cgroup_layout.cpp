// cgroup layout detection from /proc/self/mountinfo (see cgroup_layout.hpp).
#include "oci/cgroup/cgroup_layout.hpp"

#include <algorithm>
#include <vector>

#include "common/file.hpp"
#include "oci/cgroup/cgroup_fs.hpp"

namespace isobox::oci::cgroup {

std::string_view to_string(CgroupMode mode) {
  switch (mode) {
  case CgroupMode::V1: return "v1";
  case CgroupMode::Hybrid: return "hybrid";
  case CgroupMode::V2: return "v2";
  }
  return "?";
}

CgroupLayout CgroupLayout::under(const std::string &root, CgroupMode mode) {
  CgroupLayout layout;
  layout.mode = mode;
  if (mode != CgroupMode::V2)
    for (auto ctrl : kV1Controllers)
      layout.v1.emplace(std::string(ctrl), join_path(root, ctrl));
  if (mode == CgroupMode::V2)
    layout.unified = root;
  else if (mode == CgroupMode::Hybrid)
    layout.unified = join_path(root, "unified");
  return layout;
}

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos)
      return out;
    start = end + 1;
  }
}

bool is_known_controller(std::string_view name) {
  return std::find(std::begin(kV1Controllers), std::end(kV1Controllers), name) !=
         std::end(kV1Controllers);
}

} // namespace

Result<CgroupLayout> parse_mountinfo(std::string_view mountinfo) {
  CgroupLayout layout;
  for (auto line : split(mountinfo, '\n')) {
    const auto fields = split(line, ' ');
    const auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4)
      continue;
    const std::string_view fstype = dash[1];
    const std::string mount_point = unescape_mountinfo(fields[4]);
    if (fstype == "cgroup2") {
      if (layout.unified.empty())
        layout.unified = mount_point;
    } else if (fstype == "cgroup") {
      for (auto opt : split(dash[3], ','))
        if (is_known_controller(opt))
          layout.v1.emplace(std::string(opt), mount_point); // first mount wins (bind copies)
    }
  }
  if (layout.v1.empty() && layout.unified.empty())
    return make_error("no cgroup filesystem is mounted (checked /proc/self/mountinfo)");
  layout.mode = layout.v1.empty()        ? CgroupMode::V2
                : layout.unified.empty() ? CgroupMode::V1
                                         : CgroupMode::Hybrid;
  return layout;
}

Result<CgroupLayout> detect_layout() {
  const std::string text = ISOBOX_TRY(read_file("/proc/self", "mountinfo"));
  return parse_mountinfo(text);
}

std::map<std::string, std::string> parse_proc_cgroup(std::string_view text) {
  std::map<std::string, std::string> out;
  for (auto line : split(text, '\n')) {
    const size_t first = line.find(':');
    const size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos)
      continue;
    const auto controllers = line.substr(first + 1, second - first - 1);
    const std::string path(line.substr(second + 1));
    if (controllers.empty())
      out[""] = path;
    for (auto ctrl : split(controllers, ','))
      if (!ctrl.empty())
        out.emplace(std::string(ctrl), path);
  }
  return out;
}

} // namespace isobox::oci::cgroup
