from cityhall.core.records import register

from .models import MaintenanceOrder

# Orders change only through the services (one open per asset and kind, numbering, audit): the generic
# record pages list and trace them but do not edit them.
register(
    "maintenance_orders",
    MaintenanceOrder,
    owner="org_unit",
    search=("number", "asset_key", "asset_label"),
    filters=("asset_app", "kind", "status", "simulated"),
    columns=("number", "asset_label", "kind_label", "status", "opened_at", "due_at", "closed_at"),
    managed_at="maintenance.services",
)
