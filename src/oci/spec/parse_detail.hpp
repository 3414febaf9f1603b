// Internal: the section parsers shared by parse.cpp and parse_linux.cpp.
#pragma once

#include "oci/spec/json_reader.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::detail {

Linux parse_linux(const nlohmann::json &v, const std::string &path);
LinuxResources parse_resources(const nlohmann::json &v, const std::string &path);
Process parse_process_object(const nlohmann::json &v, const std::string &path);

} // namespace isobox::oci::detail
