// The copy of config.json that `create` keeps under --root: exec, start and delete read it, never
// the bundle, which the caller or (with root.path ".") the container itself can rewrite.
#pragma once

#include <string>

#include "common/error.hpp"
#include "oci/container/state.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// A config.json as read once from the bundle: its text and the validated Spec parsed from it.
struct BundleSpec {
  std::string text;
  Spec spec;
};

/// Reads <bundle>/config.json once, parses and validates it (create saves exactly this text).
Result<BundleSpec> read_bundle_spec(const std::string &bundle);

/// Writes the text as <state_dir>/config.json (0600, created exclusively, no symlink followed).
Result<> save_spec_copy(const std::string &state_dir, const std::string &text);

/// The spec saved at create. A container created by an isobox that saved none (before this file
/// existed) is an error naming the way out: delete and create it again.
Result<Spec> load_saved_spec(const ContainerState &state);

} // namespace isobox::oci
