"""A tiny guarded app for the fault injector's --app tests (MemoryHuey: in-process only)."""

from huey import MemoryHuey

from huey_guard import install

allowed_huey = MemoryHuey("inject-allowed")
install(allowed_huey, {"GLOBAL_CONFIG": {"allow_fault_injection": True}})

production_huey = MemoryHuey("inject-production")
install(production_huey, {"GLOBAL_CONFIG": {}})
