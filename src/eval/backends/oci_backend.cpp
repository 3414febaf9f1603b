// Shared by the OCI backends (isobox-container, runc, crun): one busybox rootfs holding the
// static workloads, a bundle per backend, `<runtime> run` per sample, memory from a cgroup; a run
// naming the read-only grant gets it as a read-only bind mount on /ro.
#include "eval/backends/oci_backend.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "oci/cgroup/cgroup_layout.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::eval {

namespace fs = std::filesystem;

Result<std::string> shared_rootfs(const BackendEnv &env) {
  const std::string root = env.work_dir + "/rootfs";
  if (fs::exists(root + "/bin/busybox"))
    return root;
  if (!fs::exists("/bin/busybox"))
    return make_error("/bin/busybox missing (Debian package busybox-static)");
  std::error_code ec;
  for (const char *d : {"bin", "proc", "sys", "dev", "tmp", "w", "scratch", "etc", "ro"})
    fs::create_directories(root + "/" + d, ec);
  fs::copy_file("/bin/busybox", root + "/bin/busybox", ec);
  fs::create_symlink("busybox", root + "/bin/sh", ec);
  for (const auto &entry : fs::directory_iterator(env.workload_dir, ec))
    if (entry.path().extension() == ".native" || entry.path().extension() == ".wasm")
      fs::copy_file(entry.path(), root + "/w/" + entry.path().filename().string(), ec);
  fs::permissions(root + "/scratch", fs::perms::all, ec);
  if (ec)
    return make_error("building the rootfs {}: {}", root, ec.message());
  return root;
}

Result<void> OciBackend::prepare(const BackendEnv &env) {
  m_env = env;
  if (::geteuid() != 0)
    return make_error("needs root (containers are created with real namespaces and cgroups)");
  m_prefix = ISOBOX_TRY(runtime_prefix(env));
  const std::string rootfs = ISOBOX_TRY(shared_rootfs(env));
  m_bundle = env.work_dir + "/bundle-" + name();
  m_state = env.work_dir + "/state-" + name();
  std::error_code ec;
  fs::create_directories(m_bundle, ec);
  fs::create_directories(m_state, ec);
  m_rootfs = rootfs;
  m_cgroup_parent = fmt::format("isobox-eval-{}-{}", ::getpid(), name());
  setup_memory_cgroup();
  m_info.command = shell_join(m_prefix) + " --root " + m_state + " run --bundle " + m_bundle +
                   " <id>   (config.json: process.args = [" + program_path("{workload}") +
                   ", {args}])";
  m_info.memory_method =
      m_memory_dir.empty()
          ? "wait4 ru_maxrss of the runtime process and its reaped children (includes the runtime)"
          : "cgroup v1 memory.max_usage_in_bytes of a parent cgroup holding only the container, "
            "reset before each run (includes page cache the container touched)";
  return trial_run(*this);
}

void OciBackend::setup_memory_cgroup() {
  auto layout = oci::cgroup::detect_layout();
  if (!layout || !layout->v1.contains("memory"))
    return; // cgroup v2 has no resettable peak before kernel 6.12: fall back to rusage
  const std::string dir = layout->v1.at("memory") + "/" + m_cgroup_parent;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec && fs::exists(dir + "/memory.max_usage_in_bytes"))
    m_memory_dir = dir;
}

Result<void> OciBackend::write_config(const RunSpec &run) {
  auto spec = oci::default_spec_json(false);
  spec["process"]["terminal"] = false;
  nlohmann::ordered_json args = nlohmann::ordered_json::array();
  args.push_back(program_path(run.workload));
  for (auto &a : substitute_dir(run.args, "/scratch", "/ro"))
    args.push_back(a);
  if (wants_ro_grant(run)) // the read-only grant: a read-only bind mount of the host directory
    spec["mounts"].push_back({{"destination", "/ro"},
                              {"type", "bind"},
                              {"source", ro_grant_dir(m_env.work_dir)},
                              {"options", {"rbind", "ro"}}});
  spec["process"]["args"] = args;
  if (run.user >= 0)
    spec["process"]["user"] = {{"uid", run.user}, {"gid", run.user}};
  spec["root"]["path"] = m_rootfs;
  spec["root"]["readonly"] = false;
  spec["hostname"] = "isobox-eval";
  spec["linux"]["cgroupsPath"] = fmt::format("/{}/{}", m_cgroup_parent, m_next_id);
  adjust_spec(spec);
  std::ofstream out(m_bundle + "/config.json");
  out << spec.dump(1);
  if (!out.flush())
    return sys_error("write {}/config.json", m_bundle);
  return {};
}

Result<Command> OciBackend::command(const RunSpec &run) {
  ++m_next_id;
  ISOBOX_CHECK(write_config(run));
  Command cmd{m_prefix, ""};
  for (const std::string &a :
       {std::string("--root"), m_state, std::string("run"), std::string("--bundle"), m_bundle,
        fmt::format("ev-{}-{}", ::getpid(), m_next_id)})
    cmd.argv.push_back(a);
  return cmd;
}

void OciBackend::before_run() {
  if (!m_memory_dir.empty())
    std::ofstream(m_memory_dir + "/memory.max_usage_in_bytes") << "0";
}

long OciBackend::peak_rss_kib(const RunResult &r) {
  if (m_memory_dir.empty())
    return r.max_rss_kib;
  std::ifstream in(m_memory_dir + "/memory.max_usage_in_bytes");
  long bytes = 0;
  in >> bytes;
  return bytes / 1024;
}

namespace {

// SIGKILLs every process left in `dir` (a container that outlived its runtime: a timed-out run
// whose `run` process was killed leaves the container's init behind) and waits up to a second
// for the cgroup to empty, so it can be removed.
void kill_leftovers(const std::string &dir) {
  for (int round = 0; round < 100; round++) {
    std::ifstream procs(dir + "/cgroup.procs");
    bool any = false;
    for (pid_t pid = 0; procs >> pid;) {
      any = true;
      ::kill(pid, SIGKILL);
    }
    if (!any)
      return;
    ::usleep(10000);
  }
}

} // namespace

void OciBackend::cleanup() {
  // Every cgroup mount, named hierarchies included: runc and crun also create the path under
  // name=systemd, which the controller layout leaves out.
  if (m_cgroup_parent.empty())
    return;
  std::ifstream mounts("/proc/self/mounts");
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream fields(line);
    std::string source, target, type;
    fields >> source >> target >> type;
    if (type != "cgroup" && type != "cgroup2")
      continue;
    // Leaves go first; only processes of this run's own cgroups are killed.
    const std::string parent = target + "/" + m_cgroup_parent;
    std::error_code ec;
    for (const auto &leaf : fs::directory_iterator(parent, ec))
      if (leaf.is_directory(ec)) {
        kill_leftovers(leaf.path());
        ::rmdir(leaf.path().c_str());
      }
    ::rmdir(parent.c_str());
  }
}

} // namespace isobox::eval
