// STUB until the oci-lib helper lands the full features document: delete this file then.
#include "oci/features/features.hpp"

namespace isobox::oci {

std::string features_json() {
  return "{\n  \"ociVersionMin\": \"1.0.0\",\n  \"ociVersionMax\": \"1.1.0\"\n}\n";
}

} // namespace isobox::oci
