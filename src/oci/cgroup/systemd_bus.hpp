// A connection to systemd's manager over the system D-Bus (libsystemd's sd-bus).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/cgroup/systemd_properties.hpp"

struct sd_bus;

namespace isobox::oci::cgroup::systemd {

/// The system bus address in use: $DBUS_SYSTEM_BUS_ADDRESS (tests point it at a private bus)
/// or the standard socket.
std::string system_bus_address();

/// org.freedesktop.systemd1.Manager on the system bus. Every call is synchronous; the unit
/// jobs are awaited (JobRemoved) for at most 30 s, as runc does.
class SystemdBus {
public:
  /// Connects; an unreachable bus is "systemd is not reachable over D-Bus (<address>): ...".
  static Result<SystemdBus> connect();

  /// StartTransientUnit(unit, "replace", properties, []) and waits for the job to be "done".
  Result<> start_transient_unit(const std::string &unit, const std::vector<Property> &properties);
  /// StopUnit(unit, "replace") and waits for its job; a unit systemd no longer has is fine.
  Result<> stop_unit(const std::string &unit);
  /// SetUnitProperties(unit, runtime=true, properties) (`update`).
  Result<> set_unit_properties(const std::string &unit, const std::vector<Property> &properties);

private:
  struct BusDeleter {
    void operator()(sd_bus *bus) const;
  };
  explicit SystemdBus(sd_bus *bus) : m_bus(bus) {}
  Result<> wait_job(const std::string &job, const std::string &what);

  std::unique_ptr<sd_bus, BusDeleter> m_bus;
  std::vector<std::pair<std::string, std::string>> m_removed; // JobRemoved (job path, result)
};

} // namespace isobox::oci::cgroup::systemd
