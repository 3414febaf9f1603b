#!/usr/bin/python3
"""Stand-in for systemd's manager (org.freedesktop.systemd1) on a private D-Bus.

    systemd_standin.py BUS_ADDRESS CALLS_FILE READY_FILE

Owns org.freedesktop.systemd1 on BUS_ADDRESS, answers StartTransientUnit, StopUnit and
SetUnitProperties as systemd does (a job path, then a JobRemoved signal with result "done";
UnitExists / NoSuchUnit errors), and appends each call as one JSON line to CALLS_FILE. Creates
READY_FILE once the name is owned. Needs Debian's python3-dbus and python3-gi (system python).
"""
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

IFACE = "org.freedesktop.systemd1.Manager"


def plain(value):
    """D-Bus values (variants unpacked by dbus-python) as JSON values."""
    if isinstance(value, dbus.Boolean):
        return bool(value)
    if isinstance(value, (dbus.Array, dbus.Struct, list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dbus.String, dbus.ObjectPath, str)):
        return str(value)
    if isinstance(value, int):
        return int(value)
    return repr(value)


class Manager(dbus.service.Object):
    def __init__(self, bus, calls):
        super().__init__(bus, "/org/freedesktop/systemd1")
        self.calls = calls
        self.units = set()
        self.last_job = 0

    def record(self, **call):
        self.calls.write(json.dumps(call) + "\n")
        self.calls.flush()

    def new_job(self, unit):
        self.last_job += 1
        job_id, path = self.last_job, f"/org/freedesktop/systemd1/job/{self.last_job}"
        # After the reply has gone out, as systemd finishes the job later.
        GLib.idle_add(lambda: self.JobRemoved(job_id, path, unit, "done") and False)
        return dbus.ObjectPath(path)

    @dbus.service.method(IFACE, in_signature="ssa(sv)a(sa(sv))", out_signature="o")
    def StartTransientUnit(self, name, mode, properties, aux):
        self.record(method="StartTransientUnit", unit=str(name), mode=str(mode),
                    properties={str(k): plain(v) for k, v in properties}, aux=plain(aux))
        if str(name) in self.units:
            raise dbus.exceptions.DBusException(
                f"Unit {name} was already loaded", name="org.freedesktop.systemd1.UnitExists")
        self.units.add(str(name))
        return self.new_job(str(name))

    @dbus.service.method(IFACE, in_signature="ss", out_signature="o")
    def StopUnit(self, name, mode):
        self.record(method="StopUnit", unit=str(name), mode=str(mode))
        if str(name) not in self.units:
            raise dbus.exceptions.DBusException(
                f"Unit {name} not loaded.", name="org.freedesktop.systemd1.NoSuchUnit")
        self.units.discard(str(name))
        return self.new_job(str(name))

    @dbus.service.method(IFACE, in_signature="sba(sv)", out_signature="")
    def SetUnitProperties(self, name, runtime, properties):
        self.record(method="SetUnitProperties", unit=str(name), runtime=bool(runtime),
                    properties={str(k): plain(v) for k, v in properties})

    @dbus.service.signal(IFACE, signature="uoss")
    def JobRemoved(self, job_id, job, unit, result):
        pass


def main():
    address, calls_file, ready_file = sys.argv[1:4]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    name = dbus.service.BusName("org.freedesktop.systemd1", bus)  # noqa: F841 (kept owned)
    with open(calls_file, "a", encoding="utf-8") as calls:
        Manager(bus, calls)
        open(ready_file, "w", encoding="utf-8").close()
        GLib.MainLoop().run()


if __name__ == "__main__":
    main()
