// What the eval records about the node: CPU, cores, kernel, cgroup mode, governor, load.
#include "eval/machine.hpp"

#include <ctime>
#include <fstream>
#include <sys/utsname.h>
#include <unistd.h>

#include "oci/cgroup/cgroup_layout.hpp"

namespace isobox::eval {
namespace {

std::string first_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("model name")) {
      auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

} // namespace

std::vector<double> load_average() {
  std::ifstream in("/proc/loadavg");
  std::vector<double> load(3, 0.0);
  in >> load[0] >> load[1] >> load[2];
  return load;
}

Machine describe_machine(const std::string &isobox_version) {
  Machine m;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  m.hostname = host;
  m.cpu_model = cpu_model();
  m.cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  utsname u{};
  ::uname(&u);
  m.kernel = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  auto layout = oci::cgroup::detect_layout();
  m.cgroup_mode = layout ? std::string(oci::cgroup::to_string(layout->mode)) : "unknown";
  m.governor = first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  if (m.governor.empty())
    m.governor = "not readable (no cpufreq in this VM)";
  m.load_before = load_average();
  m.isobox_version = isobox_version;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", &utc);
  m.started_utc = stamp;
  return m;
}

} // namespace isobox::eval
