from cityhall.core.records import register

from .models import (
    Bit,
    BitNotice,
    NoticeTemplate,
    Route,
    RouteStop,
    ServiceAlert,
    SitingWeight,
    Stop,
    Trip,
    Vehicle,
)

register(
    "bus_routes",
    Route,
    owner="org_unit",
    search=("code", "number", "name"),
    filters=("kind", "simulated"),
    columns=("code", "number", "name", "kind", "headway_min"),
)
register(
    "bus_stops",
    Stop,
    owner="org_unit",
    search=("code", "name"),
    filters=("simulated",),
    columns=("code", "name", "lon", "lat"),
)
register(
    "bus_route_stops",
    RouteStop,
    owner="route__org_unit",
    search=("route__code", "stop__code"),
    filters=("route",),
    columns=("route", "sequence", "stop", "offset_s"),
)
register(
    "bus_trips",
    Trip,
    owner="route__org_unit",
    search=("code",),
    filters=("route", "service"),
    columns=("code", "route", "service", "start_s"),
)
register(
    "bus_vehicles",
    Vehicle,
    owner="org_unit",
    search=("code", "plate"),
    filters=("route", "simulated"),
    columns=("code", "route", "plate"),
)
register(
    "bus_service_alerts",
    ServiceAlert,
    owner="org_unit",
    search=("header",),
    filters=("route", "stop"),
    columns=("header", "route", "stop", "starts_at", "ends_at"),
)
register(
    "bits",
    Bit,
    owner="org_unit",
    search=("code", "stop__code"),
    filters=("state", "simulated"),
    columns=("code", "stop", "state", "last_seen"),
    managed_at="bus:bits",  # health comes from the units, not from an edit form
)
register(
    "bit_notice_templates",
    NoticeTemplate,
    owner="org_unit",
    search=("code", "name"),
    columns=("code", "name"),
)
register(
    "bit_notices",
    BitNotice,
    owner="org_unit",
    search=("number", "text"),
    filters=("status", "sample"),
    columns=("number", "text", "starts_at", "ends_at", "status"),
    managed_at="bus:notices",  # approval goes through its own action
)
register(
    "bit_siting_weights",
    SitingWeight,
    owner=None,
    search=("criterion",),
    columns=("criterion", "weight", "updated_at"),
    managed_at="bus:siting",  # changed on the ranking page, where the ranking explains them
)
