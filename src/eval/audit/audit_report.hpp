// The audit's part of the report: the verdict matrix (scenario x backend, expected vs actual),
// counts per backend, the scenarios' details.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "eval/report.hpp"

namespace isobox::eval::audit {

/// Report sections for a results.json "audit" section.
std::vector<Section> audit_sections(const nlohmann::json &audit);

} // namespace isobox::eval::audit
