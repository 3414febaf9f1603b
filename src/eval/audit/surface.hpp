// The attack surface of each backend, measured (issue 13): syscalls its seccomp policy allows,
// capabilities, namespaces, writable paths and device nodes, from a probe held inside it.
#pragma once

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "eval/audit/host_env.hpp"
#include "eval/backend.hpp"

namespace isobox::eval::audit {

/// Runs surface_probe through `b`, reads the held process from the host (/proc/<pid>/status
/// CapEff, Seccomp, NoNewPrivs; /proc/<pid>/ns/* against the harness's own) and the probe's
/// SURFACE lines (writable paths, device nodes). {"backend", "syscalls", "capabilities",
/// "no_new_privs", "namespaces", "writable", "devices"}, or an error.
Result<nlohmann::json> measure_surface(Backend &b, HostEnv &host, const std::string &program_dir,
                                       double timeout_s);

/// The x86-64 system calls libseccomp knows by number (the denominator of "syscalls allowed").
int x86_64_syscall_total();

} // namespace isobox::eval::audit
