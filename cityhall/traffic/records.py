from cityhall.core.records import register

from .models import EmergencyRun, SignalController, SignalPlan, VmsMessage, VmsSign
from .services import signal_plan_rules

register(
    "signal_controllers",
    SignalController,
    owner="org_unit",
    search=("tls_id", "name"),
    filters=("online",),
    columns=("tls_id", "name", "online", "link_count"),
)
register(
    "signal_plans",
    SignalPlan,
    owner="controller__org_unit",
    search=("controller__tls_id",),
    filters=(),
    columns=("controller", "cycle_s", "offset_s", "updated_at"),
    rules=signal_plan_rules,
)
register(
    "emergency_runs",
    EmergencyRun,
    owner="org_unit",
    search=("unit", "incident"),
    filters=("status", "strategy", "vehicle_type"),
    columns=("unit", "vehicle_type", "incident", "status", "travel_time_s", "baseline_travel_time_s"),
    managed_at="traffic:runs",
)
register(
    "vms_signs",
    VmsSign,
    owner="org_unit",
    search=("code", "name"),
    filters=(),
    columns=("code", "name", "edge", "override_text", "override_at"),
    managed_at="traffic:vms",
)
register(
    "vms_messages",
    VmsMessage,
    owner=None,
    search=("text",),
    filters=("status", "kind"),
    columns=("kind", "text", "status", "starts_at", "ends_at", "approved_at"),
    managed_at="traffic:vms_messages",
)
