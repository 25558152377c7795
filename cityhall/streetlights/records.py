from cityhall.core.records import register

from .models import BaseStation, RepairOrder, SiteSchedule, Streetlight, StreetlightSite
from .registry.services import streetlight_rules

register(
    "streetlight_sites",
    StreetlightSite,
    owner="org_unit",
    search=("code", "name"),
    filters=("org_unit",),
    columns=("code", "name", "installed"),
)
register(
    "base_stations",
    BaseStation,
    owner="site__org_unit",
    search=("code", "note"),
    filters=("site", "state"),
    columns=("code", "site", "state"),
)
register(
    "streetlights",
    Streetlight,
    owner="site__org_unit",
    search=("code", "model"),
    filters=("site", "base_station", "state"),
    columns=("code", "site", "base_station", "state", "rated_power_w"),
    rules=streetlight_rules,
)
register(
    "site_schedules",
    SiteSchedule,
    owner="site__org_unit",
    search=("name",),
    filters=("site",),
    columns=("site", "name", "updated_at"),
)
register(
    "repair_orders",
    RepairOrder,
    owner="site__org_unit",
    search=("number", "detail", "contractor"),
    filters=("site", "kind", "status", "simulated"),
    columns=("number", "kind", "site", "light", "base_station", "status", "due_at"),
    managed_at="streetlights:repairs",  # assign/close move the SLA clock and the light's state
)
