// LinuxResources -> JSON with the runtime-spec field names (state.json keeps what `update` sets).
#pragma once

#include <nlohmann/json.hpp>

#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Every set field of `resources` except devices (update never changes devices, as in runc),
/// in the form parse_resources() reads back.
nlohmann::json resources_to_json(const LinuxResources &resources);

} // namespace isobox::oci
