from cityhall.core.records import register

from .models import (
    AnalyticsServer,
    Camera,
    CameraSite,
    CandidateSite,
    Event,
    PoliceRequest,
    Suppression,
    VideoHandover,
    VideoRequest,
)
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
register(
    "cctv_video_requests",
    VideoRequest,
    owner="camera__site__org_unit",
    search=("number",),
    filters=("camera", "requester_kind", "legal_basis", "status"),
    personal=("requester_name", "purpose"),
    columns=("number", "requester_kind", "camera", "legal_basis", "status", "received_at"),
    managed_at="cctv:video_requests",  # decisions and hand-overs go through the services
    key_field="number",
)
register(
    "cctv_video_handovers",
    VideoHandover,
    owner="request__camera__site__org_unit",
    filters=("method",),
    personal=("recipient", "note"),
    columns=("request", "method", "recipient", "masked", "handed_at"),
    managed_at="cctv:video_requests",
)
register(
    "cctv_candidate_sites",
    CandidateSite,
    owner=None,
    search=("code", "name"),
    filters=("school_zone", "sample"),
    columns=("code", "name", "incidents", "requests", "school_zone", "cost"),
)
