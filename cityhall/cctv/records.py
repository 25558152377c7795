from cityhall.core.records import register

from .models import AnalyticsServer, Camera, CameraSite, Event, PoliceRequest, Suppression
from .rules import camera_rules, suppression_rules

register(
    "cctv_sites",
    CameraSite,
    owner="org_unit",
    search=("code", "name", "program"),
    filters=("org_unit", "purpose", "sample"),
    columns=("code", "name", "purpose", "risk", "program"),
)
register(
    "cctv_servers",
    AnalyticsServer,
    owner=None,
    search=("code", "name"),
    columns=("code", "name", "capacity"),
)
register(
    "cctv_cameras",
    Camera,
    owner="site__org_unit",
    search=("code", "licence"),
    filters=("site", "purpose", "analytics", "status", "installed_year"),
    columns=("code", "site", "purpose", "installed_year", "analytics", "status"),
    rules=camera_rules,
)
register(
    "cctv_suppressions",
    Suppression,
    owner=None,
    search=("reason", "rule"),
    filters=("camera", "site"),
    columns=("camera", "site", "rule", "start", "end", "reason"),
    rules=suppression_rules,
)
register(
    "cctv_events",
    Event,
    owner="camera__site__org_unit",
    search=("code", "rule"),
    filters=("camera", "kind", "status", "simulated"),
    columns=("code", "camera", "kind", "severity", "status", "occurred_at"),
    managed_at="cctv:wall",  # acknowledge / dismiss / escalate move the clock and write the police request
)
register(
    "cctv_police_requests",
    PoliceRequest,
    owner="camera__site__org_unit",
    search=("number", "station"),
    filters=("camera",),
    columns=("number", "camera", "station", "requested_at"),
    managed_at="cctv:wall",
)
