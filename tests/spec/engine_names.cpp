// Text names of the engine-facing enums used in runner output.
#include "spec/engine.hpp"

namespace isobox::spec {

std::string_view to_string(LoadError::Kind kind) {
  switch (kind) {
  case LoadError::Kind::Malformed: return "malformed";
  case LoadError::Kind::Invalid: return "invalid";
  case LoadError::Kind::Unlinkable: return "unlinkable";
  case LoadError::Kind::Uninstantiable: return "uninstantiable";
  }
  return "?";
}

} // namespace isobox::spec
