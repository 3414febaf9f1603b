// systemd's manager over the system D-Bus with sd-bus (org.freedesktop.systemd1(5)).
#include "oci/cgroup/systemd_bus.hpp"

#include <systemd/sd-bus.h>
#include <time.h>

#include <cstdlib>
#include <cstring>

namespace isobox::oci::cgroup::systemd {
namespace {

constexpr const char *kService = "org.freedesktop.systemd1";
constexpr const char *kPath = "/org/freedesktop/systemd1";
constexpr const char *kManager = "org.freedesktop.systemd1.Manager";
constexpr uint64_t kTimeoutUsec = 30'000'000; // runc waits 30 s for a unit job

struct MessageUnref {
  void operator()(sd_bus_message *m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

struct SlotUnref {
  void operator()(sd_bus_slot *s) const { sd_bus_slot_unref(s); }
};

struct BusError {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  BusError() = default;
  BusError(const BusError &) = delete;
  BusError &operator=(const BusError &) = delete;
  ~BusError() { sd_bus_error_free(&e); }
};

uint64_t now_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

template <class... Fs> struct Overload : Fs... { using Fs::operator()...; };

int append_value(sd_bus_message *m, const Property &p) {
  return std::visit(
      Overload{[&](bool b) { return sd_bus_message_append(m, "v", "b", static_cast<int>(b)); },
               [&](uint64_t t) { return sd_bus_message_append(m, "v", "t", t); },
               [&](const std::string &s) { return sd_bus_message_append(m, "v", "s", s.c_str()); },
               [&](const std::vector<uint32_t> &a) {
                 int r = sd_bus_message_open_container(m, 'v', "au");
                 if (r >= 0)
                   r = sd_bus_message_append_array(m, 'u', a.data(), a.size() * sizeof(uint32_t));
                 return r < 0 ? r : sd_bus_message_close_container(m);
               }},
      p.value);
}

// a(sv) of the properties.
int append_properties(sd_bus_message *m, const std::vector<Property> &properties) {
  int r = sd_bus_message_open_container(m, 'a', "(sv)");
  for (const auto &p : properties) {
    if (r >= 0)
      r = sd_bus_message_open_container(m, 'r', "sv");
    if (r >= 0)
      r = sd_bus_message_append(m, "s", p.name.c_str());
    if (r >= 0)
      r = append_value(m, p);
    if (r >= 0)
      r = sd_bus_message_close_container(m);
  }
  return r < 0 ? r : sd_bus_message_close_container(m);
}

Result<Message> new_call(sd_bus *bus, const char *method) {
  sd_bus_message *m = nullptr;
  const int r = sd_bus_message_new_method_call(bus, &m, kService, kPath, kManager, method);
  if (r < 0)
    return make_error("systemd {}: {}", method, std::strerror(-r));
  return Message(m);
}

bool unreachable(const sd_bus_error &e) {
  return sd_bus_error_has_name(&e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
         sd_bus_error_has_name(&e, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
         sd_bus_error_has_name(&e, SD_BUS_ERROR_NO_REPLY) ||
         sd_bus_error_has_name(&e, SD_BUS_ERROR_DISCONNECTED);
}

// Sends `m`; an error names the method and unit (or says systemd is not there at all). The
// D-Bus error `ok_error` is no error: the reply is then null.
Result<Message> call(sd_bus *bus, sd_bus_message *m, const char *method, const std::string &unit,
                     const char *ok_error = nullptr) {
  BusError error;
  sd_bus_message *reply = nullptr;
  const int r = sd_bus_call(bus, m, kTimeoutUsec, &error.e, &reply);
  if (r >= 0)
    return Message(reply);
  if (ok_error != nullptr && sd_bus_error_has_name(&error.e, ok_error))
    return Message();
  const std::string why = error.e.message ? error.e.message : std::strerror(-r);
  if (unreachable(error.e))
    return make_error("systemd is not reachable over D-Bus ({}): {}", system_bus_address(), why);
  return make_error("systemd {} {}: {}", method, unit, why);
}

using Slot = std::unique_ptr<sd_bus_slot, SlotUnref>;

int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error * /*error*/) {
  uint32_t id = 0;
  const char *job = nullptr, *unit = nullptr, *result = nullptr;
  if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) >= 0)
    static_cast<std::vector<std::pair<std::string, std::string>> *>(userdata)->emplace_back(job,
                                                                                            result);
  return 0;
}

// Collects JobRemoved(id, job, unit, result) into `removed` while the slot lives.
Result<Slot> watch_jobs(sd_bus *bus, std::vector<std::pair<std::string, std::string>> &removed) {
  removed.clear();
  sd_bus_slot *slot = nullptr;
  if (const int r = sd_bus_match_signal(bus, &slot, nullptr, kPath, kManager, "JobRemoved",
                                        on_job_removed, &removed);
      r < 0)
    return make_error("systemd is not reachable over D-Bus ({}): {}", system_bus_address(),
                      std::strerror(-r));
  return Slot(slot);
}

} // namespace

std::string system_bus_address() {
  const char *env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  return env && *env ? env : "unix:path=/run/dbus/system_bus_socket";
}

void SystemdBus::BusDeleter::operator()(sd_bus *bus) const { sd_bus_flush_close_unref(bus); }

Result<SystemdBus> SystemdBus::connect() {
  sd_bus *bus = nullptr;
  // sd_bus_open_system honours $DBUS_SYSTEM_BUS_ADDRESS.
  if (const int r = sd_bus_open_system(&bus); r < 0)
    return make_error("systemd is not reachable over D-Bus ({}): {}", system_bus_address(),
                      std::strerror(-r));
  SystemdBus connected(bus);
  // Is systemd on this bus? (GetNameOwner never starts a service, unlike a call to it.)
  BusError error;
  sd_bus_message *reply = nullptr;
  if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus", "GetNameOwner", &error.e, &reply, "s",
                         kService) < 0)
    return make_error("systemd is not reachable over D-Bus ({}): {}", system_bus_address(),
                      error.e.message ? error.e.message : "no owner of org.freedesktop.systemd1");
  sd_bus_message_unref(reply);
  return connected;
}

Result<> SystemdBus::wait_job(const std::string &job, const std::string &what) {
  const uint64_t deadline = now_usec() + kTimeoutUsec;
  for (;;) {
    for (const auto &[path, result] : m_removed)
      if (path == job)
        return result == "done" ? Result<>{}
                                : make_error("systemd {}: job finished with {:?}", what, result);
    const int r = sd_bus_process(m_bus.get(), nullptr);
    if (r < 0)
      return make_error("systemd {}: {}", what, std::strerror(-r));
    if (r > 0)
      continue;
    const uint64_t now = now_usec();
    if (now >= deadline)
      return make_error("systemd {}: timed out waiting for the job", what);
    (void)sd_bus_wait(m_bus.get(), deadline - now);
  }
}

Result<> SystemdBus::start_transient_unit(const std::string &unit,
                                          const std::vector<Property> &properties) {
  Slot slot = ISOBOX_TRY(watch_jobs(m_bus.get(), m_removed));
  Message m = ISOBOX_TRY(new_call(m_bus.get(), "StartTransientUnit"));
  int r = sd_bus_message_append(m.get(), "ss", unit.c_str(), "replace");
  if (r >= 0)
    r = append_properties(m.get(), properties);
  if (r >= 0)
    r = sd_bus_message_append(m.get(), "a(sa(sv))", 0);
  if (r < 0)
    return make_error("systemd StartTransientUnit {}: {}", unit, std::strerror(-r));
  Message reply = ISOBOX_TRY(call(m_bus.get(), m.get(), "StartTransientUnit", unit));
  const char *job = nullptr;
  if (sd_bus_message_read(reply.get(), "o", &job) < 0)
    return make_error("systemd StartTransientUnit {}: malformed reply", unit);
  return wait_job(job, fmt::format("StartTransientUnit {}", unit));
}

Result<> SystemdBus::stop_unit(const std::string &unit) {
  Slot slot = ISOBOX_TRY(watch_jobs(m_bus.get(), m_removed));
  Message m = ISOBOX_TRY(new_call(m_bus.get(), "StopUnit"));
  if (sd_bus_message_append(m.get(), "ss", unit.c_str(), "replace") < 0)
    return make_error("systemd StopUnit {}: cannot build the call", unit);
  // A unit systemd no longer knows is stopped already (a scope is collected once empty).
  Message reply = ISOBOX_TRY(
      call(m_bus.get(), m.get(), "StopUnit", unit, "org.freedesktop.systemd1.NoSuchUnit"));
  if (!reply)
    return {};
  const char *job = nullptr;
  if (sd_bus_message_read(reply.get(), "o", &job) < 0)
    return make_error("systemd StopUnit {}: malformed reply", unit);
  return wait_job(job, fmt::format("StopUnit {}", unit));
}

Result<> SystemdBus::set_unit_properties(const std::string &unit,
                                         const std::vector<Property> &properties) {
  Message m = ISOBOX_TRY(new_call(m_bus.get(), "SetUnitProperties"));
  int r = sd_bus_message_append(m.get(), "sb", unit.c_str(), 1);
  if (r >= 0)
    r = append_properties(m.get(), properties);
  if (r < 0)
    return make_error("systemd SetUnitProperties {}: {}", unit, std::strerror(-r));
  ISOBOX_CHECK(call(m_bus.get(), m.get(), "SetUnitProperties", unit));
  return {};
}

} // namespace isobox::oci::cgroup::systemd
