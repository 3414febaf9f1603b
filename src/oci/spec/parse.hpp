// Reading config.json / process.json into Spec / Process, with one-line errors naming the field.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Parses config.json text. Errors look like "config.json: process.args[1]: expected a string".
Result<Spec> parse_spec(std::string_view text);

/// Parses a process.json (`exec --process`), same rules as config.json's "process".
Result<Process> parse_process(std::string_view text);

/// Parses a LinuxResources object alone (`update --resources`, the resources in state.json);
/// errors are prefixed with `source`.
Result<LinuxResources> parse_resources(std::string_view text, std::string_view source);

/// Reads and parses <bundle>/config.json, then validates it (validate_spec).
Result<Spec> load_spec(const std::string &bundle);

/// Semantic checks parse cannot do alone: root.path and process present, absolute mount
/// destinations, cwd absolute, duplicate namespaces, user namespace needs mappings, ...
Result<> validate_spec(const Spec &spec);

/// runc's `spec` default config.json (runc 1.1 "spec" output; `rootless` adds a user namespace
/// mapping the caller's uid/gid and drops the network namespace, as runc does).
nlohmann::ordered_json default_spec_json(bool rootless);

} // namespace isobox::oci
