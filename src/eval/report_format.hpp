// Number formatting and section builders shared by the report's content files.
#pragma once

#include <string>
#include <vector>

#include "eval/report.hpp"

namespace isobox::eval {

std::string fmt_ms(double ms);
std::string fmt_ratio(double ratio);
std::string fmt_mib(long kib);
std::string fmt_load(const std::vector<double> &load);
/// "2.31x [2.10-2.52]" for a paired measurement, "1 (baseline)" for native, the error if failed.
std::string fmt_ratio_ci(const Measurement &m);

/// One node's report sections (report_content.cpp, report_sections.cpp).
std::vector<Section> node_sections(const Results &r);
Section memory_section(const Results &r);
Section io_section(const Results &r);
Section crossover_section(const Results &r);
Section method_section(const Results &r);
/// Several nodes side by side (report_merge.cpp).
std::vector<Section> merged_sections(const std::vector<Results> &nodes);

} // namespace isobox::eval
